"""A deterministic synthetic mining city (README.md, "The synthetic mining city"). Pure: no I/O.

The city is planned as vector features in map coordinates (EPSG:4548, metres) — a meandering
river with lakes, hill ranges, a city core and towns, coal fields with open pits and
underground mines, roads — and then painted onto the raster grid, so that every raster and
vector layer agrees. Sizes and counts scale with the physical extent, so a small grid is a
smaller city, not a crop of a large one. Smooth variation (terrain, edges, spectra) comes
from spectral (FFT) Gaussian random fields, never from per-cell noise.

All randomness flows from ``numpy.random.default_rng(seed)``; each component draws from its
own spawned stream, so the layout of one component does not depend on how many numbers
another consumed.

The generator is split by theme: ``_base`` (extent, noise fields, geometry helpers, the plan),
``terrain`` (river, hills, lakes, DEM), ``landuse`` (parks, farmland, painting the land cover),
``settlements`` (city, towns, villages, roads, townships), ``mines`` (coal fields, pits, dumps,
subsidence), ``spectral`` (bands and indices), ``socio`` (night lights, population, climate,
soils, threats) and ``hazards`` (lithology, rock desertification, soil erosion, geohazards);
this module assembles them into a :class:`DemoCity`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
import shapely.affinity
from scipy import ndimage as ndi
from shapely.geometry import Point, Polygon, box

from econet.demo._base import (
    CRS,
    ORIGIN_XY,
    REF_EXTENT_M,
    ROAD_WIDTH_M,
    _block_mean,
    _coarse,
    _ellipse_e,
    _Fields,
    _gdf,
    _Namer,
    _parts,
    _Plan,
    _polygonize,
    _window,
)
from econet.demo.hazards import geohazard_sites, hazards
from econet.demo.landuse import _paint, _plan_landuse
from econet.demo.mines import _plan_mines
from econet.demo.settlements import _plan_city, _plan_roads, _plan_towns, _plan_villages, _townships
from econet.demo.socio import _derived
from econet.demo.spectral import _bands, _ratio
from econet.demo.terrain import _plan_hills, _plan_lakes, _plan_river
from econet.grid import Grid
from econet.landcover import GLOBELAND30

LANDCOVER_CODES: dict[int, str] = {
    10: "cultivated land",
    20: "forest",
    30: "grassland",
    40: "shrubland",
    50: "wetland",
    60: "water",
    80: "artificial surfaces",
    90: "bare land",
}


# The GlobeLand30 legend colours (RGB).
# Map colours come from the class table, so the demo, the reports and QGIS agree.
LANDCOVER_COLORS: dict[int, tuple[int, int, int]] = {
    c.code: tuple(int(c.colour[i : i + 2], 16) for i in (1, 3, 5)) for c in GLOBELAND30 if c.code in LANDCOVER_CODES
}


# Raster layers: unit and one-line description (used for band descriptions and README.txt).
RASTER_INFO: dict[str, tuple[str, str]] = {
    "landcover": (
        "GlobeLand30 class code",
        "land cover (10 cultivated, 20 forest, 30 grassland, 40 shrubland, "
        "50 wetland, 60 water, 80 artificial surfaces, 90 bare land)",
    ),
    "dem": ("m", "elevation above sea level"),
    "ndvi": ("unitless, -1..1", "normalised difference vegetation index (nir - red) / (nir + red)"),
    "mndwi": ("unitless, -1..1", "modified normalised difference water index (green - swir1) / (green + swir1)"),
    "blue": ("reflectance, 0..1", "Landsat-8 OLI band 2 surface reflectance"),
    "green": ("reflectance, 0..1", "Landsat-8 OLI band 3 surface reflectance"),
    "red": ("reflectance, 0..1", "Landsat-8 OLI band 4 surface reflectance"),
    "nir": ("reflectance, 0..1", "Landsat-8 OLI band 5 surface reflectance"),
    "swir1": ("reflectance, 0..1", "Landsat-8 OLI band 6 surface reflectance"),
    "swir2": ("reflectance, 0..1", "Landsat-8 OLI band 7 surface reflectance"),
    "thermal": ("degC", "summer land surface temperature (Landsat-8 TIRS band 10 retrieval)"),
    "nightlight": ("nW/cm2/sr", "night-time light radiance (VIIRS DNB-like, 500 m footprint)"),
    "population": ("persons/km2", "population density"),
    "precipitation_mm": ("mm/year", "mean annual precipitation"),
    "pet_mm": ("mm/year", "annual reference evapotranspiration"),
    "root_depth_mm": ("mm", "depth to the root-restricting layer"),
    "pawc": ("fraction, 0..1", "plant-available water content"),
    "erosivity": ("MJ mm/(ha h a)", "rainfall erosivity, RUSLE R factor"),
    "erodibility": ("t ha h/(ha MJ mm)", "soil erodibility, RUSLE K factor"),
    "threat_urban": ("presence, 0/1", "InVEST habitat-quality threat: built-up land other than roads"),
    "threat_roads": ("presence, 0/1", "InVEST habitat-quality threat: roads of every class"),
    "threat_mines": ("presence, 0/1", "InVEST habitat-quality threat: open pits, quarries, waste dumps, mine sites"),
    "threat_cropland": ("presence, 0/1", "InVEST habitat-quality threat: cultivated land"),
    "lithology": (
        "class code",
        "lithology: 1 carbonate (limestone, dolomite), 2 clastic (sandstone, claystone), 3 alluvium",
    ),
    "rock_desertification": (
        "index, 0..1",
        "rock desertification: exposed bedrock on sparsely vegetated carbonate slopes",
    ),
    "soil_erosion": ("t/(ha a)", "soil erosion, RUSLE A = R K LS C"),
}


VECTOR_LAYERS = (
    "roads",
    "rivers",
    "water",
    "mines",
    "waste_dumps",
    "subsidence_lakes",
    "nature_reserve",
    "redline",
    "townships",
    "towns",
    "geohazards",
)


@dataclass
class DemoCity:
    """A generated city: aligned rasters and vector layers, all in EPSG:4548."""

    grid: Grid
    rasters: dict[str, np.ndarray]
    vectors: dict[str, gpd.GeoDataFrame]
    seed: int
    size: int

    def landcover_shares(self) -> dict[int, float]:
        """Fraction of cells in each land-cover class (0..1)."""
        lc = self.rasters["landcover"]
        counts = np.bincount(lc.ravel(), minlength=256)
        return {code: float(counts[code]) / lc.size for code in LANDCOVER_CODES}


def _plan(rng: np.random.Generator, grid: Grid) -> _Plan:
    left, bottom, right, top = grid.bounds
    L = right - left
    plan = _Plan(bounds=(left, bottom, right, top), extent_m=L, s=float(np.clip(L / REF_EXTENT_M, 0.2, 1.0)) ** 0.5)
    names = ("names", "river", "city", "hills", "lakes", "mines", "towns", "roads", "villages", "landuse")
    st = dict(zip(names, rng.spawn(len(names)), strict=True))
    namer = plan.namer = _Namer(st["names"])
    _plan_river(st["river"], plan, namer)
    _plan_city(st["city"], plan, namer)
    _plan_hills(st["hills"], plan, namer)
    _plan_lakes(st["lakes"], plan, namer)
    _plan_mines(st["mines"], plan, namer)
    _plan_towns(st["towns"], plan, namer)
    _plan_landuse(st["landuse"], plan)
    _plan_roads(st["roads"], plan)
    _plan_villages(st["villages"], plan)
    return plan


def _vectors(rng, plan: _Plan, grid: Grid, lc: np.ndarray, population: np.ndarray) -> dict:
    cell_km2 = grid.cell_area_m2 / 1e6
    v: dict[str, gpd.GeoDataFrame] = {}
    v["roads"] = _gdf(
        [dict(road_class=cls, name=name, width_m=ROAD_WIDTH_M[cls], geometry=line) for line, cls, name in plan.roads]
    )
    v["rivers"] = _gdf([dict(name=name, width_m=width, geometry=line) for line, name, width, _ in plan.rivers])
    still = shapely.union_all([p for p, *_ in plan.water])
    water = []
    for line, name, width, _ in plan.rivers:
        surface = line.buffer(width / 2, cap_style="flat").difference(still)
        water += [dict(kind="river", name=name, geometry=g) for g in _parts(surface)]
    water += [dict(kind=kind, name=name, geometry=p) for p, kind, name in plan.water]
    water += [dict(kind="pit_lake", name=None, geometry=p) for p in plan.pit_lakes]
    water += [dict(kind="fish_ponds", name=None, geometry=p) for p in plan.ponds]
    v["water"] = _gdf(water)
    v["mines"] = _gdf(
        [
            dict(name=m["name"], mineral=m["mineral"], method=m["method"], status=m["status"], geometry=m["geom"])
            for m in plan.mines
        ]
    )
    v["waste_dumps"] = _gdf([dict(mine=name, geometry=p) for p, name in plan.dumps])
    v["subsidence_lakes"] = _gdf([dict(mine=name, geometry=p) for p, name in plan.subsidence])
    v["nature_reserve"] = _gdf([dict(name=name, level="provincial", geometry=p) for p, name in plan.reserves])
    reserves = shapely.union_all([p for p, _ in plan.reserves])
    # Redline: the reserve, forested hills (traced from the land cover) and lake shores.
    f, transform = _coarse(grid, 150.0)
    frac = ndi.gaussian_filter(_block_mean((lc == 20).astype(np.float32), f), 1.0)
    forest = _polygonize(frac > 0.45, transform, 1e6, f * grid.cell_size_m)
    extent = box(*plan.bounds)
    shores = [p.buffer(300.0) for p, kind, _ in plan.water if kind in ("lake", "reservoir")]
    red = shapely.union_all([reserves] + forest + shores).intersection(extent)
    rows = []
    forest_u = shapely.union_all(forest) if forest else Polygon()
    for part in sorted(_parts(red), key=lambda g: (-g.area, g.centroid.x)):
        if part.intersects(reserves):
            cat = "nature_reserve"
        elif part.intersection(forest_u).area > 0.3 * part.area:
            cat = "forested_hills"
        else:
            cat = "lake_shore"
        rows.append(dict(name=f"Redline {len(rows) + 1:02d}", category=cat, geometry=part))
    v["redline"] = _gdf(rows)
    v["townships"] = _townships(rng, plan)
    towns = []
    for c in plan.centres:
        win = _window(grid, c["x"], c["y"], 1.3 * c["r"])
        people = 0.0
        if win is not None:
            sl, wx, wy = win
            inside = _ellipse_e(wx, wy, 1.3 * c["r"], 1.3 * c["r"], 0.0) <= 1
            people = float(population[sl][inside].sum(dtype=np.float64)) * cell_km2
        towns.append(
            dict(
                name=c["name"],
                population=int(round(people, -2)),
                is_city_core=bool(c["core"]),
                geometry=Point(c["x"], c["y"]),
            )
        )
    v["towns"] = _gdf(towns)
    return {k: v[k] for k in VECTOR_LAYERS if k in v}


def generate_city(size: int = 1500, seed: int = 0, cell_size_m: float = 30.0) -> DemoCity:
    """Generate the synthetic mining city: ``size`` x ``size`` cells of ``cell_size_m`` metres.

    Pure and deterministic: the same arguments give the same arrays and geometries.
    """
    layout = _layout(size, seed, cell_size_m)
    return _assemble(layout, layout.plan)


@dataclass
class _Layout:
    """What every epoch of a city shares: its grid, plan, noise fields and random streams."""

    grid: Grid
    plan: _Plan
    nz: _Fields
    vector_rng: np.random.Generator
    hazard_rng: np.random.Generator
    seed: int
    size: int


def _layout(size: int, seed: int, cell_size_m: float) -> _Layout:
    if size < 50:
        raise ValueError(f"size must be at least 50 cells, got {size}")
    if cell_size_m <= 0:
        raise ValueError(f"cell_size_m must be positive, got {cell_size_m}")
    x0, y0 = ORIGIN_XY
    extent = size * cell_size_m
    grid = Grid.from_bounds(CRS, x0, y0 - extent, x0 + extent, y0, cell_size_m)
    rng = np.random.default_rng(seed)
    plan_rng, noise_rng, vector_rng = rng.spawn(3)
    # A fourth stream, spawned after the first three, so the layers they make are unchanged.
    (hazard_rng,) = rng.spawn(1)
    plan = _plan(plan_rng, grid)
    nz = _Fields(noise_rng, grid.shape, cell_size_m)
    return _Layout(grid, plan, nz, vector_rng, hazard_rng, seed, size)


def _assemble(layout: _Layout, plan: _Plan) -> DemoCity:
    """Paint ``plan`` on the layout's grid and derive every raster and vector layer from it. The
    layout's random streams are copied, so every plan painted on one layout draws the same
    numbers (an epoch differs from another only where its plan does)."""
    grid, nz = layout.grid, layout.nz
    vector_rng, hazard_rng = copy.deepcopy(layout.vector_rng), copy.deepcopy(layout.hazard_rng)
    painted = _paint(plan, grid, nz)
    lc = painted["lc"]
    bands = _bands(lc, painted["coal"], nz, grid)
    rasters = {
        "landcover": lc,
        "dem": painted["dem"],
        "ndvi": _ratio(bands["nir"], bands["red"]),
        "mndwi": _ratio(bands["green"], bands["swir1"]),
    }
    rasters.update(bands)
    rasters.update(_derived(plan, grid, nz, painted))
    extra = hazards(grid, nz, painted, rasters)
    rasters.update(extra)
    rasters = {k: rasters[k] for k in RASTER_INFO}
    vectors = _vectors(vector_rng, plan, grid, lc, rasters["population"])
    vectors["geohazards"] = geohazard_sites(hazard_rng, grid, painted, extra["_slope"])
    return DemoCity(grid=grid, rasters=rasters, vectors=vectors, seed=layout.seed, size=layout.size)
