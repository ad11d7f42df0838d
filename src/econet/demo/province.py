"""A deterministic synthetic province: several cities, coalfields, mountain ranges and a river
system on a grid of up to 14,000 x 14,000 cells and more (30 m cells: 420 km across), generated
strip by strip so that memory stays bounded whatever the size.

Features are planned as vectors in map coordinates (EPSG:4548, metres), as for the mining city
(:mod:`econet.demo.city`), then painted one strip of rows at a time. Smooth fields that span
the province (mountain uplift, distance to rivers, night-time light) are computed once on a
300 m grid and interpolated; the fine variation is fractal value noise (Perlin 1985, without
gradients: random values on lattices of 32 to 512 cells, smoothstep-interpolated) whose lattices
are drawn once, so every cell's value depends on the seed and its position only, never on
the strip height. Counts and sizes scale with the extent, so a smaller grid is a smaller
province, not a crop of a large one.

Layers: land cover (GlobeLand30 codes), elevation (m) and night-time light (nW/cm2/sr);
vectors: cities and towns, roads, rivers, lakes, mines (coal, open pit or underground,
producing or abandoned) and mountain ridges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from affine import Affine
from rasterio import features
from scipy import ndimage as ndi
from scipy.sparse.csgraph import minimum_spanning_tree
from shapely.geometry import Point

from econet.demo._base import CRS, ORIGIN_XY, ROAD_WIDTH_M, _blob, _gdf, _Namer, _wiggly
from econet.grid import Grid

COARSE_M = 300.0  # the grid of the province-wide smooth fields
STRIP_ROWS = 512  # rows painted at a time: two rows of 256-cell GeoTIFF tiles

PROVINCE_LAYERS: dict[str, tuple[str, str, str]] = {
    "landcover": ("uint8", "GlobeLand30 class code", "land cover (10 cultivated, 20 forest, 30 grassland, "
                  "40 shrubland, 50 wetland, 60 water, 80 artificial surfaces, 90 bare land)"),
    "dem": ("float32", "m", "elevation above sea level"),
    "nightlight": ("float32", "nW/cm2/sr", "night-time light radiance (VIIRS DNB-like, 300 m footprint)"),
}  # fmt: skip

PROVINCE_VECTORS = ("settlements", "roads", "rivers", "water", "mines", "ridges")


@dataclass
class Province:
    """A planned province: its grid, vector layers, the smooth fields on the 300 m grid
    (``coarse``: mountain uplift 0..1, distance to a river in m, night light) and the noise
    lattices (spacing in cells -> values)."""

    grid: Grid
    seed: int
    size: int
    vectors: dict[str, gpd.GeoDataFrame]
    coarse: dict[str, np.ndarray]
    factor: int  # cells per coarse cell
    lattices: dict[str, list[tuple[int, np.ndarray]]]
    paint: list[tuple]  # (geometry, land-cover code), painted in this order


def _count(per_km2: float, area_km2: float, minimum: int) -> int:
    return max(minimum, int(round(area_km2 * per_km2)))


def plan_province(size: int = 14000, seed: int = 0, cell_size_m: float = 30.0) -> Province:
    """Plan the province: vectors, smooth fields and noise lattices (a few tens of MB at
    14,000 x 14,000). Pure and deterministic: the same arguments give the same province."""
    if size < 500:
        raise ValueError(f"a province needs at least 500 cells per side, got {size}")
    x0, y0 = ORIGIN_XY
    extent = size * cell_size_m
    grid = Grid.from_bounds(CRS, x0, y0 - extent, x0 + extent, y0, cell_size_m)
    area_km2 = (extent / 1000.0) ** 2
    rng = np.random.default_rng(seed)
    r_names, r_ridge, r_river, r_city, r_coal, r_road, r_noise = rng.spawn(7)
    namer = _Namer(r_names)
    f = max(1, int(round(COARSE_M / cell_size_m)))
    coarse_grid = Grid.from_bounds(CRS, x0, y0 - extent, x0 + extent, y0, f * cell_size_m)
    left, bottom, right, top = grid.bounds

    def anywhere(r, margin=0.05):
        return r.uniform(left + margin * extent, right - margin * extent), r.uniform(
            bottom + margin * extent, top - margin * extent
        )

    # Mountain ranges: ridge lines; uplift falls off as exp(-(d / half-width)^2).
    ridges, uplift = [], np.zeros(coarse_grid.shape, np.float32)
    for _ in range(_count(1 / 25000, area_km2, 1)):
        x, y = anywhere(r_ridge, 0.1)
        length, theta = r_ridge.uniform(0.15, 0.4) * extent, r_ridge.uniform(0, math.pi)
        d = 0.5 * length * np.array([math.cos(theta), math.sin(theta)])
        line = _wiggly(r_ridge, (x - d[0], y - d[1]), (x + d[0], y + d[1]), amp_frac=0.08, step_m=1000.0)
        half = max(3000.0, r_ridge.uniform(0.02, 0.05) * extent)
        height = r_ridge.uniform(0.6, 1.0)
        dist = _distance_m(coarse_grid, [line])
        uplift = np.maximum(uplift, height * np.exp(-((dist / half) ** 2)).astype(np.float32))
        ridges.append(dict(name=f"{namer()} Shan", half_width_m=half, geometry=line))

    def in_plain(x, y):
        r, c = coarse_grid.rowcol(np.array([x]), np.array([y]))
        return uplift[int(r[0]), int(c[0])] < 0.08

    def plain_point(r, margin=0.05, tries=200):
        for _ in range(tries):
            x, y = anywhere(r, margin)
            if in_plain(x, y):
                return x, y
        return anywhere(r, margin)

    # The river system: a main river across the province, tributaries from the mountains.
    rivers = []
    ya, yb = r_river.uniform(bottom + 0.2 * extent, top - 0.2 * extent, 2)
    main = _wiggly(r_river, (left, ya), (right, yb), amp_frac=0.06, step_m=1000.0, harmonics=6)
    rivers.append(dict(name=f"{namer()} He", width_m=240.0, geometry=main))
    for ridge in ridges:
        for _ in range(2):
            start = ridge["geometry"].interpolate(r_river.uniform(0.1, 0.9), normalized=True)
            end = main.interpolate(main.project(start))
            if start.distance(end) < 2000.0:
                continue
            line = _wiggly(r_river, start.coords[0], end.coords[0], amp_frac=0.05, step_m=500.0, harmonics=4)
            rivers.append(dict(name=f"{namer()} He", width_m=90.0, geometry=line))
    river_dist = _distance_m(coarse_grid, [r["geometry"] for r in rivers])
    water = []
    for _ in range(_count(1 / 20000, area_km2, 1)):
        on = main.interpolate(r_river.uniform(0.1, 0.9), normalized=True)
        a = r_river.uniform(1500.0, 5000.0)
        water.append(
            dict(kind="lake", name=f"{namer()} Hu", geometry=_blob(r_river, on.x, on.y + a, a, 0.6 * a, 0.0, 0.3))
        )

    # Cities and towns on the plain; night light falls off with distance from their centres.
    settlements = []
    for kind, per_km2, minimum, radius in (
        ("city", 1 / 20000, 2, (3500.0, 8000.0)),
        ("town", 1 / 2000, 4, (700.0, 1800.0)),
    ):
        for _ in range(_count(per_km2, area_km2, minimum)):
            x, y = plain_point(r_city)
            r = r_city.uniform(*radius)
            shape = _blob(r_city, x, y, r, r * r_city.uniform(0.7, 1.0), r_city.uniform(0, math.pi), 0.25)
            settlements.append(dict(name=namer(), kind=kind, radius_m=r, geometry=Point(x, y), area=shape))
    light = np.full(coarse_grid.shape, 0.3, np.float32)
    cx = coarse_grid.xy(np.zeros(coarse_grid.width, int), np.arange(coarse_grid.width))[0]
    cy = coarse_grid.xy(np.arange(coarse_grid.height), np.zeros(coarse_grid.height, int))[1]
    for s in settlements:
        peak = r_city.uniform(60.0, 120.0) if s["kind"] == "city" else r_city.uniform(15.0, 40.0)
        reach = 1.6 * s["radius_m"]
        gy = np.exp(-(((cy - s["geometry"].y) / reach) ** 2)).astype(np.float32)
        gx = np.exp(-(((cx - s["geometry"].x) / reach) ** 2)).astype(np.float32)
        light += np.float32(peak) * gy[:, None] * gx[None, :]

    # Coalfields: open pits with waste dumps, and underground workings with subsidence lakes.
    mines, paint_mines = [], []
    for _ in range(_count(1 / 30000, area_km2, 1)):
        fx, fy = plain_point(r_coal, 0.1)
        field_r = r_coal.uniform(6000.0, 14000.0)
        for k in range(int(r_coal.integers(4, 9))):
            a, t = r_coal.uniform(0.1, 1.0) * field_r, r_coal.uniform(0, 2 * math.pi)
            x, y = fx + a * math.cos(t), fy + a * math.sin(t)
            pit = k % 2 == 0
            status = "producing" if r_coal.random() < 0.55 else "abandoned"
            size_m = r_coal.uniform(700.0, 1800.0) if pit else r_coal.uniform(1500.0, 3500.0)
            geom = _blob(r_coal, x, y, size_m, 0.7 * size_m, r_coal.uniform(0, math.pi), 0.2)
            name = f"{namer()} Coal Mine"
            mines.append(
                dict(
                    name=name, mineral="coal", method="open_pit" if pit else "underground", status=status, geometry=geom
                )
            )
            if pit:
                paint_mines.append((geom, 90))
                dump = _blob(r_coal, x + 1.4 * size_m, y, 0.4 * size_m, 0.3 * size_m, 0.0, 0.2)
                paint_mines.append((dump, 30 if status == "abandoned" else 90))
            else:
                sink = _blob(r_coal, x, y, 0.35 * size_m, 0.25 * size_m, r_coal.uniform(0, math.pi), 0.3)
                water.append(dict(kind="subsidence_lake", name=None, geometry=sink))

    # Roads: expressways along the minimum spanning tree of the cities, a highway from each town
    # to its nearest city.
    roads = []
    cities = [s for s in settlements if s["kind"] == "city"]
    xy = np.array([[s["geometry"].x, s["geometry"].y] for s in cities])
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    tree = minimum_spanning_tree(d).tocoo()
    for i, j in sorted(zip(tree.row.tolist(), tree.col.tolist())):
        line = _wiggly(r_road, xy[i], xy[j], amp_frac=0.03, step_m=1000.0)
        roads.append(
            dict(road_class="expressway", name=f"G{len(roads) + 1}", width_m=ROAD_WIDTH_M["expressway"], geometry=line)
        )
    for s in settlements:
        if s["kind"] == "town":
            p = np.array([s["geometry"].x, s["geometry"].y])
            j = int(np.argmin(np.hypot(*(xy - p).T)))
            line = _wiggly(r_road, p, xy[j], amp_frac=0.04, step_m=500.0)
            roads.append(
                dict(road_class="highway", name=f"S{len(roads) + 1}", width_m=ROAD_WIDTH_M["highway"], geometry=line)
            )

    paint = [(r["geometry"].buffer(r["width_m"] / 2, cap_style="flat"), 60) for r in rivers]
    paint += [(w["geometry"], 60) for w in water] + paint_mines
    paint += [(s["area"], 80) for s in settlements]
    paint += [(r["geometry"].buffer(r["width_m"] / 2, cap_style="flat"), 80) for r in roads]

    # Fractal value noise: lattices of random values, one per octave and field.
    lattices = {}
    for name, spacings in (("forest", (512, 256, 128, 64)), ("detail", (128, 64, 32)), ("village", (32,))):
        octaves = []
        for sp, r in zip(spacings, r_noise.spawn(len(spacings))):
            n = size // sp + 3
            octaves.append((sp, r.standard_normal((n, n), dtype=np.float32)))
        lattices[name] = octaves

    vectors = {
        "settlements": _gdf([{k: v for k, v in s.items() if k != "area"} for s in settlements]),
        "roads": _gdf(roads),
        "rivers": _gdf(rivers),
        "water": _gdf(water),
        "mines": _gdf(mines),
        "ridges": _gdf(ridges),
    }
    coarse = {"uplift": uplift, "river_m": river_dist, "light": light}
    return Province(grid, seed, size, vectors, coarse, f, lattices, paint)


def _distance_m(coarse_grid: Grid, lines) -> np.ndarray:
    """Distance (m) from each coarse cell to the nearest of ``lines``."""
    burnt = features.rasterize(
        [(g, 1) for g in lines], out_shape=coarse_grid.shape, transform=coarse_grid.transform, all_touched=True
    )
    if not burnt.any():
        return np.full(coarse_grid.shape, np.inf, np.float32)
    return (ndi.distance_transform_edt(burnt == 0) * coarse_grid.cell_size_m).astype(np.float32)


def _axis(start: float, stop: int, spacing: float, smooth: bool):
    """Lattice index and weight of cell centres start..stop-1 on a lattice of ``spacing`` cells."""
    t = (np.arange(start, stop, dtype=np.float64) + 0.5) / spacing
    i = np.floor(t).astype(np.int64)
    u = (t - i).astype(np.float32)
    if smooth:
        u = u * u * (np.float32(3.0) - np.float32(2.0) * u)
    return i, u


def _interpolate(lattice: np.ndarray, spacing: float, rows: tuple[int, int], width: int, smooth: bool, shift=0.0):
    """``lattice`` (one value per ``spacing`` cells) at the centres of rows ``rows`` (start, stop)
    and every column: smoothstep (noise) or linear (smooth fields) interpolation."""
    iy, uy = _axis(rows[0] + shift, rows[1] + shift, spacing, smooth)
    ix, ux = _axis(shift, width + shift, spacing, smooth)
    iy = np.clip(iy, 0, lattice.shape[0] - 2)
    ix = np.clip(ix, 0, lattice.shape[1] - 2)
    top = lattice[iy][:, ix] * (1 - ux) + lattice[iy][:, ix + 1] * ux
    bottom = lattice[iy + 1][:, ix] * (1 - ux) + lattice[iy + 1][:, ix + 1] * ux
    return top * (1 - uy)[:, None] + bottom * uy[:, None]


def _fractal(octaves, rows, width) -> np.ndarray:
    """Sum of octaves (amplitude halving with the spacing), scaled to about unit variance."""
    out = np.zeros((rows[1] - rows[0], width), np.float32)
    total = 0.0
    for sp, lattice in octaves:
        amp = sp / octaves[0][0]
        out += np.float32(amp) * _interpolate(lattice, sp, rows, width, smooth=True)
        total += amp * amp
    # Smoothstep interpolation of unit-variance values has a variance of about 0.5.
    out *= np.float32(1.0 / math.sqrt(0.5 * total))
    return out


def _smooth(p: Province, name: str, rows, width) -> np.ndarray:
    """A coarse field at the cells of ``rows``: linear between coarse cell centres."""
    return _interpolate(p.coarse[name], p.factor, rows, width, smooth=False, shift=-0.5 * p.factor)


def province_strip(p: Province, row0: int, row1: int) -> dict[str, np.ndarray]:
    """Land cover, elevation and night light of rows row0..row1-1 (every column). Pure: a cell's
    values do not depend on the strip it is painted in."""
    w = p.grid.width
    rows = (row0, row1)
    uplift = _smooth(p, "uplift", rows, w)
    river_m = _smooth(p, "river_m", rows, w)
    forest_n = _fractal(p.lattices["forest"], rows, w)
    detail = _fractal(p.lattices["detail"], rows, w)
    village = _fractal(p.lattices["village"], rows, w)
    lc = np.full((row1 - row0, w), 10, np.uint8)  # cultivated land: the plain
    slope_side = uplift * (np.float32(1.0) + np.float32(0.3) * detail)  # ragged tree line
    lc[(forest_n > 1.25) | ((forest_n > 0.9) & (detail > 0.6))] = 20  # woods on the plain
    lc[(forest_n < -1.9) & (detail > 0.0)] = 30  # pasture and fallow
    lc[(river_m < 1500.0) & (detail > 1.0)] = 50  # floodplain marsh
    lc[(slope_side > 0.15) & (slope_side <= 0.28)] = 40  # foothill scrub
    lc[slope_side > 0.28] = 20  # mountain forest
    lc[(uplift > 0.75) & (detail > 1.2)] = 30  # alpine meadow on the ridges
    lc[(village > 2.6) & (uplift < 0.15)] = 80  # villages
    sub = Grid(p.grid.crs, p.grid.transform @ Affine.translation(0, row0), (row1 - row0, w))
    left, bottom, right, top = sub.bounds
    shapes = [(g, v) for g, v in p.paint if g.intersects(_box(left, bottom, right, top))]
    if shapes:
        burnt = features.rasterize(shapes, out_shape=sub.shape, transform=sub.transform, fill=0, dtype=np.uint8)
        lc = np.where(burnt > 0, burnt, lc)
    dem = np.float32(40.0) + np.float32(25.0) * forest_n + np.float32(1500.0) * uplift
    dem += np.float32(150.0) * uplift * detail
    dem[lc == 60] -= np.float32(3.0)
    light = _smooth(p, "light", rows, w)
    light += np.float32(0.4) * (lc == 80)  # lit roads and villages
    return {"landcover": lc, "dem": dem.astype(np.float32), "nightlight": light.astype(np.float32)}


def _box(left, bottom, right, top):
    return shapely.box(left, bottom, right, top)


__all__ = ["PROVINCE_LAYERS", "PROVINCE_VECTORS", "STRIP_ROWS", "Province", "plan_province", "province_strip"]
