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
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely
import shapely.affinity
from affine import Affine
from rasterio import features
from scipy import fft as sfft
from scipy import ndimage as ndi
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial import cKDTree
from shapely.geometry import LineString, Point, Polygon, box

from econet.grid import Grid
from econet.landcover import GLOBELAND30
from econet.rasterops import rasterize

CRS = "EPSG:4548"  # CGCS2000 / 3-degree Gauss-Kruger CM 117E
ORIGIN_XY = (480_000.0, 3_830_000.0)  # upper-left corner: the plain around Xuzhou
REF_EXTENT_M = 45_000.0  # the default grid (1500 cells x 30 m); counts are tuned for it
REF_AREA_KM2 = (REF_EXTENT_M / 1000.0) ** 2

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

ROAD_WIDTH_M = {"expressway": 90.0, "highway": 60.0, "local": 30.0}

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
)

# Landsat-8 surface reflectance by land cover: blue, green, red, nir, swir1, swir2.
_SPECTRA = {
    10: (0.045, 0.075, 0.065, 0.300, 0.210, 0.120),
    20: (0.025, 0.050, 0.030, 0.330, 0.150, 0.065),
    30: (0.045, 0.080, 0.075, 0.270, 0.240, 0.140),
    40: (0.035, 0.065, 0.055, 0.260, 0.200, 0.100),
    50: (0.040, 0.065, 0.050, 0.170, 0.090, 0.045),
    60: (0.055, 0.070, 0.050, 0.030, 0.015, 0.010),
    80: (0.100, 0.115, 0.130, 0.190, 0.230, 0.200),
    90: (0.110, 0.140, 0.175, 0.230, 0.300, 0.260),
}
_COAL_SPECTRUM = (0.055, 0.065, 0.075, 0.095, 0.120, 0.110)  # coal and gangue are dark
_SOIL_SPECTRUM = (0.090, 0.120, 0.150, 0.220, 0.290, 0.250)  # bare field between crops
_BANDS = ("blue", "green", "red", "nir", "swir1", "swir2")
# Summer land surface temperature by land cover (degC).
_LST_C = {10: 30.0, 20: 26.5, 30: 31.0, 40: 29.5, 50: 27.0, 60: 24.5, 80: 36.0, 90: 38.0}

_SYLLABLE_A = (
    "Qing",
    "Liu",
    "Zhang",
    "Wang",
    "Ma",
    "Huang",
    "Dong",
    "Xi",
    "Nan",
    "Bei",
    "Shuang",
    "Da",
    "Xiao",
    "Tang",
    "Zhao",
    "Gu",
    "Lin",
    "He",
    "Fang",
    "Jin",
    "Shi",
    "Long",
    "Feng",
    "Bai",
    "Yang",
    "Cao",
    "Pan",
    "Guo",
)
_SYLLABLE_B = (
    "ji",
    "zhuang",
    "lou",
    "wan",
    "qiao",
    "dian",
    "miao",
    "zhai",
    "kou",
    "tun",
    "ying",
    "gou",
    "shan",
    "quan",
    "tai",
    "du",
    "he",
    "po",
    "yuan",
    "cheng",
    "lin",
    "fang",
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


# --------------------------------------------------------------------------------------------
# Fields


def _noise(rng: np.random.Generator, shape, cell_m: float, scale_m: float, beta: float = 4.5) -> np.ndarray:
    """Zero-mean, unit-variance Gaussian random field (float32).

    Power spectrum ~ (1 + (k scale_m)^2)^(-beta/2): blobs about ``scale_m`` metres across,
    with rough, fractal detail for ``beta`` near 3 and smooth outlines from about 4.5 up.
    """
    h, w = shape
    ky = sfft.fftfreq(h, d=cell_m).astype(np.float32)
    kx = sfft.rfftfreq(w, d=cell_m).astype(np.float32)
    k2 = (ky * ky)[:, None] + (kx * kx)[None, :]
    k2 *= np.float32(scale_m * scale_m)
    k2 += np.float32(1.0)
    filt = k2 ** np.float32(-beta / 4.0)
    spec = sfft.rfft2(rng.standard_normal(shape, dtype=np.float32), workers=-1)
    spec *= filt
    spec[0, 0] = 0
    out = sfft.irfft2(spec, s=shape, workers=-1).astype(np.float32, copy=False)
    out /= np.float32(out.std() or 1.0)
    return out


def _blur(a: np.ndarray, sigma_m: float, cell_m: float) -> np.ndarray:
    """Gaussian blur with standard deviation ``sigma_m`` metres (float32, reflecting edges)."""
    s = sigma_m / cell_m
    if s < 3.0:  # a short direct kernel is cheaper than two FFTs
        return ndi.gaussian_filter(a.astype(np.float32, copy=False), s, mode="reflect")
    pad = int(3 * s) + 1
    p = np.pad(a.astype(np.float32, copy=False), pad, mode="reflect")
    ky = sfft.fftfreq(p.shape[0]).astype(np.float32)
    kx = sfft.rfftfreq(p.shape[1]).astype(np.float32)
    c = np.float32(-2.0 * math.pi**2 * s * s)
    spec = sfft.rfft2(p, workers=-1)
    spec *= np.exp(c * (ky * ky))[:, None]
    spec *= np.exp(c * (kx * kx))[None, :]
    out = sfft.irfft2(spec, s=p.shape, workers=-1)
    return np.ascontiguousarray(out[pad:-pad, pad:-pad], dtype=np.float32)


def _distance_m(mask: np.ndarray, cell_m: float) -> np.ndarray:
    """Distance (m) to the nearest True cell, computed on a ~100 m grid and interpolated.

    Only used for smooth fields (valleys, floodplains), where a 100 m error is invisible and
    the coarse grid keeps the transform cheap at 4000 x 4000.
    """
    f = max(1, int(round(100.0 / cell_m)))
    h, w = mask.shape
    H, W = -(-h // f), -(-w // f)
    padded = np.zeros((H * f, W * f), bool)
    padded[:h, :w] = mask
    coarse = padded.reshape(H, f, W, f).any(axis=(1, 3))
    if not coarse.any():
        return np.full(mask.shape, np.float32(1e9))
    d = ndi.distance_transform_edt(~coarse).astype(np.float32) * np.float32(f * cell_m)
    if f > 1:
        d = ndi.zoom(d, f, order=1, grid_mode=True, mode="nearest")[:h, :w]
    return d


def _window(grid: Grid, x: float, y: float, r: float):
    """Array slices and cell-centre coordinates (1-D) of the cells within ``r`` m of (x, y)."""
    left, _, _, top = grid.bounds
    c = grid.cell_size_m
    r0 = max(0, int(math.floor((top - (y + r)) / c)))
    r1 = min(grid.height, int(math.ceil((top - (y - r)) / c)))
    c0 = max(0, int(math.floor((x - r - left) / c)))
    c1 = min(grid.width, int(math.ceil((x + r - left) / c)))
    if r1 <= r0 or c1 <= c0:
        return None
    xs = (left + (np.arange(c0, c1) + 0.5) * c - x).astype(np.float32)
    ys = (top - (np.arange(r0, r1) + 0.5) * c - y).astype(np.float32)
    return (slice(r0, r1), slice(c0, c1)), xs, ys


def _ellipse_e(xs, ys, a: float, b: float, theta: float) -> np.ndarray:
    """Squared normalised distance ((u/a)^2 + (v/b)^2) of window cells from an ellipse centre."""
    ct, st = np.float32(math.cos(theta)), np.float32(math.sin(theta))
    u = xs[None, :] * ct + ys[:, None] * st
    v = ys[:, None] * ct - xs[None, :] * st
    return (u / np.float32(a)) ** 2 + (v / np.float32(b)) ** 2


def _burn(grid: Grid, shapes, all_touched: bool = False, dtype=np.uint8) -> np.ndarray:
    """Rasterize (geometry, value) pairs onto the grid; later shapes overwrite earlier ones."""
    return rasterize(shapes, grid, all_touched=all_touched, dtype=dtype)


# --------------------------------------------------------------------------------------------
# Shapes


def _ellipse(x, y, a, b, theta, radii=None, n=72) -> Polygon:
    """An a x b (m, semi-axes) ellipse rotated by theta, its radius scaled by ``radii`` (n values)."""
    t = np.linspace(0.0, 2 * math.pi, n, endpoint=False)
    r = np.ones(n) if radii is None else radii
    u, v = a * r * np.cos(t), b * r * np.sin(t)
    ct, st = math.cos(theta), math.sin(theta)
    return Polygon(np.column_stack([x + u * ct - v * st, y + u * st + v * ct]))


def _blob(rng, x, y, a, b, theta, rough=0.15, n=72) -> Polygon:
    """A smooth irregular shape: an ellipse whose radius varies with a few random harmonics."""
    t = np.linspace(0.0, 2 * math.pi, n, endpoint=False)
    r = np.ones(n)
    for k in range(2, 7):
        r += rough * rng.normal() / k * np.cos(k * t + rng.uniform(0, 2 * math.pi))
    return _ellipse(x, y, a, b, theta, np.clip(r, 0.35, None), n)


def _wiggly(rng, p0, p1, amp_frac=0.03, step_m=150.0, harmonics=3) -> LineString:
    """A line from p0 to p1 bent sideways by a few smooth harmonics (ends fixed)."""
    p0, p1 = np.asarray(p0, float), np.asarray(p1, float)
    d = p1 - p0
    length = float(np.hypot(*d))
    t = np.linspace(0.0, 1.0, max(2, int(length / step_m) + 1))
    off = np.zeros_like(t)
    for k in range(1, harmonics + 1):
        off += amp_frac * length * rng.normal() / k**1.5 * np.sin(k * math.pi * t)
    nrm = np.array([-d[1], d[0]]) / max(length, 1e-9)
    return LineString(p0 + t[:, None] * d + off[:, None] * nrm)


def _longest(geom):
    """The longest (or largest) part of a possibly multi-part geometry, or None."""
    if geom is None or geom.is_empty:
        return None
    parts = list(getattr(geom, "geoms", [geom]))
    parts = [p for p in parts if p.geom_type in ("LineString", "Polygon")]
    if not parts:
        return None
    return max(parts, key=lambda p: p.length if p.geom_type == "LineString" else p.area)


def _best_point(xs, ys, obstacles) -> tuple[float, float]:
    """The first candidate clear of every obstacle, else the one that comes closest to it.

    ``obstacles`` are (geometry, clearance_m) pairs. Candidates are random, so taking the first
    clear one keeps placement random; falling back to the best keeps crowded small maps working.
    """
    pts = shapely.points(xs, ys)
    score = np.full(len(xs), np.inf)
    for geom, clearance in obstacles:
        score = np.minimum(score, shapely.distance(geom, pts) - clearance)
    clear = np.nonzero(score >= 0)[0]
    i = int(clear[0]) if clear.size else int(np.argmax(score))
    return float(xs[i]), float(ys[i])


def _uniform(rng, bounds, margin, k=48):
    left, bottom, right, top = bounds
    # On small maps a feature's margin can exceed half the map; keep a band to draw from.
    mx = min(margin, 0.45 * (right - left))
    my = min(margin, 0.45 * (top - bottom))
    return rng.uniform(left + mx, right - mx, k), rng.uniform(bottom + my, top - my, k)


class _Namer:
    """Unique pinyin-like place names drawn without replacement."""

    def __init__(self, rng):
        pairs = [a + b for a in _SYLLABLE_A for b in _SYLLABLE_B]
        self._names = [pairs[i] for i in rng.permutation(len(pairs))]
        self._i = 0

    def __call__(self) -> str:
        base = self._names[self._i % len(self._names)]
        rnd = self._i // len(self._names)
        self._i += 1
        return base if rnd == 0 else f"{base} {rnd + 1}"


# --------------------------------------------------------------------------------------------
# The plan: vector features in map coordinates


@dataclass
class _Hill:
    x: float
    y: float
    a: float
    b: float
    theta: float
    height_m: float
    forested: bool
    name: str


@dataclass
class _Plan:
    bounds: tuple[float, float, float, float]
    extent_m: float
    s: float  # size factor for features (1 at the reference extent)
    flow: tuple[float, float] = (1.0, 0.0)  # unit vector, downstream
    rivers: list = field(default_factory=list)  # (line, name, width_m, is_main)
    centres: list = field(default_factory=list)  # urban centres: dict(x, y, r, strength, name, core); core first
    city_blobs: list = field(default_factory=list)  # (x, y, r)
    hills: list = field(default_factory=list)
    regions: list = field(default_factory=list)  # (x, y, radius)
    water: list = field(default_factory=list)  # (polygon, kind, name)
    reserves: list = field(default_factory=list)  # (polygon, name)
    mines: list = field(default_factory=list)  # dict(geom, name, mineral, method, status, ...)
    dumps: list = field(default_factory=list)  # (polygon, mine name)
    subsidence: list = field(default_factory=list)  # (polygon, mine name)
    pit_lakes: list = field(default_factory=list)
    sites: list = field(default_factory=list)  # (polygon, mine name): shafts and coal yards of underground mines
    parks: list = field(default_factory=list)  # (polygon, code)
    construction: list = field(default_factory=list)
    meadows: list = field(default_factory=list)  # floodplain grassland
    marshes: list = field(default_factory=list)
    ponds: list = field(default_factory=list)  # fish-pond clusters
    industry: list = field(default_factory=list)  # industrial parks
    roads: list = field(default_factory=list)  # (line, class, name)
    villages: list = field(default_factory=list)
    namer: _Namer | None = None  # shared, so that every name on the map is unique

    @property
    def core(self) -> dict:
        return self.centres[0]

    @property
    def s_src(self) -> float:
        """Size factor for features that must hold an ecological source even on small maps."""
        return max(self.s, 0.85)


def _count(per_ref: float, area_km2: float, minimum: int) -> int:
    """How many of a feature a map of this area holds: ``per_ref`` at the reference extent."""
    return max(minimum, int(round(per_ref * area_km2 / REF_AREA_KM2)))


def _meander(rng, p0, p1, s: float, fixed_end: bool = False) -> LineString:
    """A river course from p0 to p1 (m) meandering with wavelengths of 2-15 km (times ``s``).

    Amplitude grows with wavelength, as in real meander trains; ``fixed_end`` pins p1 (a
    confluence) by fading the meanders out over the last 3 km.
    """
    p0, p1 = np.asarray(p0, float), np.asarray(p1, float)
    d = p1 - p0
    length = float(np.hypot(*d))
    u = np.arange(0.0, length, 60.0)
    off = np.zeros_like(u)
    for lam in rng.uniform(2000.0, 15000.0, 7) * s:
        off += 0.075 * lam * rng.normal() * np.sin(2 * math.pi * u / lam + rng.uniform(0, 2 * math.pi))
    off += 0.03 * length * np.sin(math.pi * u / length + rng.uniform(0, math.pi))
    if fixed_end:
        off *= np.clip((length - u) / 3000.0, 0, 1)
    nrm = np.array([-d[1], d[0]]) / length
    return LineString(p0 + (u / length)[:, None] * d + off[:, None] * nrm)


def _plan_river(rng, plan: _Plan, namer):
    left, bottom, right, top = plan.bounds
    L = plan.extent_m
    clip = box(left - 1, bottom - 1, right + 1, top + 1)
    # Flows roughly west to east, bending south-east like the old Yellow River course.
    ang = rng.uniform(-0.6, 0.25)
    d = np.array([math.cos(ang), math.sin(ang)])
    n = np.array([-d[1], d[0]])
    c = np.array([(left + right) / 2, (top + bottom) / 2]) + n * rng.uniform(-0.12, 0.12) * L
    main = _longest(_meander(rng, c - 0.9 * L * d, c + 0.9 * L * d, plan.s).intersection(clip))
    plan.flow = (float(d[0]), float(d[1]))
    plan.rivers.append((main, f"{namer()} River", 220.0, True))
    # Tributaries join the main river from either side.
    for _ in range(_count(1.0, (L / 1000) ** 2, 1)):
        join = main.interpolate(rng.uniform(0.2, 0.8), normalized=True)
        side = 1 if rng.random() < 0.5 else -1
        edge_dir = n * side + d * rng.uniform(-0.8, 0.2)
        start = np.array([join.x, join.y]) + edge_dir / np.hypot(*edge_dir) * L
        trib = _longest(_meander(rng, start, (join.x, join.y), plan.s, fixed_end=True).intersection(clip))
        if trib is not None and trib.length > 0.1 * L:
            plan.rivers.append((trib, f"{namer()} River", 70.0, False))


def _plan_city(rng, plan: _Plan, namer):
    main = plan.rivers[0][0]
    L = plan.extent_m
    R = 8500.0 * float(np.clip(L / REF_EXTENT_M, 0.22, 1.0))
    p = main.interpolate(rng.uniform(0.38, 0.62), normalized=True)
    fx, fy = plan.flow
    side = rng.uniform(-0.25, 0.25) * R
    x, y = p.x - fy * side, p.y + fx * side
    plan.centres.append(dict(x=x, y=y, r=R, strength=1.0, name=f"{namer()} City", core=True))
    # An old town plus new districts of different sizes make an irregular built-up area.
    plan.city_blobs.append((x, y, 0.62 * R))
    for ang in rng.uniform(0, 2 * math.pi, 5):
        dist = rng.uniform(0.35, 0.7) * R
        plan.city_blobs.append((x + dist * math.cos(ang), y + dist * math.sin(ang), rng.uniform(0.28, 0.48) * R))


def _plan_hills(rng, plan: _Plan, namer):
    L, s = plan.extent_m, plan.s
    area = (L / 1000) ** 2
    city = Point(plan.core["x"], plan.core["y"])
    rivers = shapely.union_all([r[0] for r in plan.rivers])
    R_region = 10000.0 * s
    main_hills = []
    for _ in range(_count(2.0, area, 1)):
        obstacles = [(city, plan.core["r"] + R_region * 0.5 + 1000 * s), (rivers, 0.35 * R_region + 800 * s)]
        obstacles += [(Point(rx, ry), rr + R_region) for rx, ry, rr in plan.regions]
        xs, ys = _uniform(rng, plan.bounds, 0.55 * R_region, 64)
        x, y = _best_point(xs, ys, obstacles)
        plan.regions.append((x, y, R_region))
        trend = rng.uniform(0.35, 1.2)  # ranges strike north-east, as around Xuzhou
        n_bodies = max(3, int(round(rng.integers(8, 12) * s * s)))
        n_forest = 0
        for j in range(n_bodies):
            du, dv = rng.uniform(-0.85, 0.85) * R_region, rng.normal(0, 0.3 * R_region)
            if j == 0:
                du, dv = du * 0.2, dv * 0.2
            hx = x + du * math.cos(trend) - dv * math.sin(trend)
            hy = y + du * math.sin(trend) + dv * math.cos(trend)
            # The main hill (the reserve's) keeps its size on small maps so it still holds a source.
            a = rng.uniform(2000.0, 3600.0) * (1.3 * plan.s_src if j == 0 else s)
            b = a * rng.uniform(0.4, 0.62)
            forested = j == 0 or (rng.random() < 0.55 and not (j == n_bodies - 1 and n_forest == j))
            n_forest += forested
            plan.hills.append(
                _Hill(hx, hy, a, b, trend + rng.normal(0, 0.3), rng.uniform(90.0, 260.0), forested, f"{namer()} Hills")
            )
            if j == 0:
                main_hills.append(plan.hills[-1])
    # Isolated low hills rise from the plain, mostly under grass and shrub.
    for k in range(_count(8.0, area, 1)):
        a = rng.uniform(1500.0, 2300.0) * plan.s_src  # big enough to hold a source on small maps
        xs, ys = _uniform(rng, plan.bounds, 0.8 * a, 48)
        obstacles = [(city, plan.core["r"] + a + 1000 * s), (rivers, a + 900 * s)]
        obstacles += [(shapely.union_all(_hill_polys(plan)), a + 1200 * s)]
        x, y = _best_point(xs, ys, obstacles)
        plan.hills.append(
            _Hill(
                x,
                y,
                a,
                a * rng.uniform(0.5, 0.7),
                rng.uniform(0, math.pi),
                rng.uniform(40.0, 110.0),
                bool(rng.random() < 0.3) and k > 0,
                f"{namer()} Hill",
            )
        )
    # Nature reserves protect the core of the main (forested) hill of the first ranges.
    for h in main_hills[: _count(1.0, area, 1)]:
        plan.reserves.append(
            (
                _blob(rng, h.x, h.y, 0.72 * h.a, 0.72 * h.b, h.theta, rough=0.1),
                f"{h.name.removesuffix(' Hills')} Mountain Nature Reserve",
            )
        )


def _hill_polys(plan: _Plan, f=1.0):
    return [_ellipse(h.x, h.y, h.a * f, h.b * f, h.theta) for h in plan.hills]


def _plan_lakes(rng, plan: _Plan, namer):
    L, s = plan.extent_m, plan.s
    area = (L / 1000) ** 2
    main = plan.rivers[0][0]
    city = Point(plan.core["x"], plan.core["y"])
    hills = shapely.union_all(_hill_polys(plan, 0.9))
    placed = []
    for _ in range(_count(4.0, area, 1)):
        r = rng.uniform(900.0, 1600.0) * s
        ts = rng.uniform(0.05, 0.95, 32)
        on = shapely.line_interpolate_point(main, ts, normalized=True)
        obstacles = [(city, plan.core["r"] + r), (hills, r)] + [(p, q + r + 2500 * s) for p, q in placed]
        px, py = _best_point(shapely.get_x(on), shapely.get_y(on), obstacles)
        t = main.project(Point(px, py), normalized=True)
        p, q = main.interpolate(t - 0.003, normalized=True), main.interpolate(t + 0.003, normalized=True)
        theta = math.atan2(q.y - p.y, q.x - p.x)
        side = 1 if rng.random() < 0.5 else -1
        off = side * r * rng.uniform(0.45, 0.8)
        cx, cy = px - off * math.sin(theta), py + off * math.cos(theta)
        poly = _blob(rng, cx, cy, r, r * rng.uniform(0.55, 0.85), theta + rng.normal(0, 0.3), rough=0.25)
        placed.append((Point(cx, cy), r))
        plan.water.append((poly, "lake", f"{namer()} Lake"))
    # A scenic lake on the edge of the city core, as many Chinese cities have.
    c = plan.core
    fx, fy = plan.flow
    side = 1 if rng.random() < 0.5 else -1
    ang = math.atan2(fx * side, -fy * side) + rng.normal(0, 0.4)  # away from the river
    r = 1300.0 * plan.s_src
    lx, ly = c["x"] + 0.75 * c["r"] * math.cos(ang), c["y"] + 0.75 * c["r"] * math.sin(ang)
    plan.water.append((_blob(rng, lx, ly, r, 0.7 * r, rng.uniform(0, math.pi), rough=0.2), "lake", f"{namer()} Lake"))
    # Each hill range dams a reservoir at the foot of its main hill.
    for x, y, _ in plan.regions:
        h = min(plan.hills, key=lambda h: (h.x - x) ** 2 + (h.y - y) ** 2)
        r = rng.uniform(550.0, 900.0) * s
        side = 1 if rng.random() < 0.5 else -1
        ox, oy = -math.sin(h.theta) * side, math.cos(h.theta) * side
        rx, ry = h.x + ox * (h.b + 0.3 * r), h.y + oy * (h.b + 0.3 * r)
        plan.water.append((_blob(rng, rx, ry, r, 0.6 * r, h.theta, rough=0.3), "reservoir", f"{namer()} Reservoir"))


def _mine_status(rng) -> str:
    return "abandoned" if rng.random() < 0.35 else "producing"


def _plan_mines(rng, plan: _Plan, namer):
    L, s = plan.extent_m, plan.s
    area = (L / 1000) ** 2
    city = Point(plan.core["x"], plan.core["y"])
    hills = shapely.union_all(_hill_polys(plan))
    waters = shapely.union_all([w[0] for w in plan.water])
    rivers = shapely.union_all([r[0] for r in plan.rivers])
    # Coal fields: elongated belts away from the city and the hills.
    fields = []
    for _ in range(_count(2.0, area, 1)):
        xs, ys = _uniform(rng, plan.bounds, 2500 * s, 64)
        obstacles = [(city, plan.core["r"] + 3500 * s), (hills, 2500 * s)]
        obstacles += [(Point(fx, fy), 14000 * s) for fx, fy, *_ in fields]
        x, y = _best_point(xs, ys, obstacles)
        fields.append((x, y, 8000.0 * s, 3500.0 * s, rng.uniform(0, math.pi)))
    works: list = []  # (point, radius) of every mine, to keep mines apart

    def place(field_k, r):
        fx, fy, fa, fb, ft = fields[field_k % len(fields)]
        rr, tt = np.sqrt(rng.uniform(0, 1, 48)), rng.uniform(0, 2 * math.pi, 48)
        u, v = fa * rr * np.cos(tt), fb * rr * np.sin(tt)
        xs = fx + u * math.cos(ft) - v * math.sin(ft)
        ys = fy + u * math.sin(ft) + v * math.cos(ft)
        left, bottom, right, top = plan.bounds
        xs, ys = np.clip(xs, left + r, right - r), np.clip(ys, bottom + r, top - r)
        obstacles = [
            (city, plan.core["r"] + r + 800 * s),
            (hills, r + 300 * s),
            (waters, r + 300 * s),
            (rivers, r + 400 * s),
        ]
        obstacles += [(p, q + r + 1200 * s) for p, q in works]
        x, y = _best_point(xs, ys, obstacles)
        works.append((Point(x, y), r))
        return x, y

    n_under = _count(7.0, area, 1)
    n_pit = _count(4.0, area, 1)
    statuses = [_mine_status(rng) for _ in range(n_under + n_pit)]
    if len(statuses) > 1 and len(set(statuses)) == 1:  # always show both
        statuses[0] = "abandoned" if statuses[0] == "producing" else "producing"
    for k in range(n_under):
        a = rng.uniform(1300.0, 2100.0) * s
        x, y = place(k, a)
        theta = rng.uniform(0, math.pi)
        name = f"{namer()} Coal Mine"
        poly = _blob(rng, x, y, a, a * rng.uniform(0.6, 0.9), theta, rough=0.15)
        plan.mines.append(
            dict(
                geom=poly,
                name=name,
                mineral="coal",
                method="underground",
                status=statuses[k],
                depth_m=rng.uniform(4.0, 8.0),
            )
        )
        # Subsidence over the worked seams floods into lakes in the lowest part of the bowl.
        for j in range(int(rng.integers(1, 4))):
            r = rng.uniform(700.0, 1100.0) * plan.s_src
            ang = rng.uniform(0, 2 * math.pi)
            off = (0.0 if j == 0 else 0.6) * a
            lake = _blob(
                rng,
                x + off * math.cos(ang),
                y + off * math.sin(ang),
                r,
                r * rng.uniform(0.6, 0.9),
                rng.uniform(0, math.pi),
                rough=0.3,
            )
            plan.subsidence.append((lake, name))
        ang = rng.uniform(0, 2 * math.pi)
        sx, sy = x + 1.05 * a * math.cos(ang), y + 1.05 * a * math.sin(ang)
        plan.sites.append((_blob(rng, sx, sy, 260 * s, 180 * s, ang, rough=0.1), name))
    for k in range(n_pit):
        a = rng.uniform(900.0, 1500.0) * s
        x, y = place(k + 1, a + 900 * s)
        theta = rng.uniform(0, math.pi)
        status = statuses[n_under + k]
        name = f"{namer()} Open-pit Coal Mine"
        b = a * rng.uniform(0.55, 0.8)
        poly = _blob(rng, x, y, a, b, theta, rough=0.12)
        plan.mines.append(
            dict(
                geom=poly, name=name, mineral="coal", method="open_pit", status=status, depth_m=rng.uniform(40.0, 90.0)
            )
        )
        _plan_dumps(rng, plan, x, y, a, name, s, 1 + int(rng.random() < 0.6))
        if status == "abandoned":  # groundwater fills the bottom of a closed pit
            plan.pit_lakes.append(_blob(rng, x, y, 0.45 * a, 0.45 * b, theta, rough=0.2))
    # Quarries and an iron mine bite into the hill flanks.
    reserve = shapely.union_all([p for p, _ in plan.reserves])
    n_quarry = _count(3.0, area, 1)
    n_metal = _count(1.2, area, 0)
    flank_lines = shapely.get_exterior_ring(np.array(_hill_polys(plan, 0.85), dtype=object))
    for k in range(n_quarry + n_metal):
        metal = k >= n_quarry
        r = (rng.uniform(380.0, 520.0) if metal else rng.uniform(230.0, 420.0)) * s
        flanks = shapely.line_interpolate_point(
            flank_lines[rng.integers(0, len(flank_lines), 24)], rng.uniform(0, 1, 24), normalized=True
        )
        xs, ys = shapely.get_x(flanks), shapely.get_y(flanks)
        obstacles = [(reserve, r + 300 * s), (waters, r + 200 * s)] + [(p, q + r + 800 * s) for p, q in works]
        x, y = _best_point(xs, ys, obstacles)
        works.append((Point(x, y), r))
        theta = rng.uniform(0, math.pi)
        poly = _blob(rng, x, y, r, r * 0.7, theta, rough=0.2)
        name = f"{namer()} {'Iron Mine' if metal else 'Quarry'}"
        plan.mines.append(
            dict(
                geom=poly,
                name=name,
                mineral="metal" if metal else "building_material",
                method="open_pit",
                status="abandoned" if rng.random() < 0.5 else "producing",
                depth_m=rng.uniform(20.0, 45.0),
            )
        )
        if metal:
            _plan_dumps(rng, plan, x, y, r, name, s, 1)


def _plan_dumps(rng, plan: _Plan, x, y, a, name, s, n):
    for ang in rng.uniform(0, 2 * math.pi, n):
        r = rng.uniform(300.0, 520.0) * s
        dist = a + r + 120.0 * s
        plan.dumps.append(
            (
                _blob(
                    rng,
                    x + dist * math.cos(ang),
                    y + dist * math.sin(ang),
                    r,
                    0.75 * r,
                    rng.uniform(0, math.pi),
                    rough=0.18,
                ),
                name,
            )
        )


def _plan_towns(rng, plan: _Plan, namer):
    L, s = plan.extent_m, plan.s
    area = (L / 1000) ** 2
    n = _count(12.0, area, 2)
    spacing = 0.6 * math.sqrt(area / (n + 3)) * 1000
    city = Point(plan.core["x"], plan.core["y"])
    hills = shapely.union_all(_hill_polys(plan))
    waters = shapely.union_all([w[0] for w in plan.water] + [p for p, _ in plan.subsidence])
    rivers = shapely.union_all([r[0] for r in plan.rivers])
    mines = shapely.union_all([m["geom"] for m in plan.mines] + [p for p, _ in plan.dumps])
    # Maps larger than the reference also hold county seats: small cities of their own.
    n_county = max(0, int(round(area / REF_AREA_KM2)) - 1)
    for k in range(n + n_county):
        county = k < n_county
        r = rng.uniform(3000.0, 4200.0) if county else rng.uniform(700.0, 1500.0) * s
        xs, ys = _uniform(rng, plan.bounds, 1.5 * r, 48)
        obstacles = [
            (city, plan.core["r"] + 2200 * s + r),
            (hills, 200 + r),
            (waters, 300 + r),
            (rivers, 150 + r),
            (mines, 600 * s + r),
        ]
        obstacles += [(Point(c["x"], c["y"]), spacing) for c in plan.centres[1:]]
        x, y = _best_point(xs, ys, obstacles)
        plan.centres.append(
            dict(
                x=x,
                y=y,
                r=r,
                strength=rng.uniform(0.25, 0.45) + 0.3 * county,
                name=f"{namer()} {'County' if county else 'Town'}",
                core=False,
            )
        )
        plan.city_blobs.append((x, y, 0.7 * r))
        for ang in rng.uniform(0, 2 * math.pi, int(rng.integers(1, 4))):
            dist = rng.uniform(0.3, 0.6) * r
            plan.city_blobs.append((x + dist * math.cos(ang), y + dist * math.sin(ang), rng.uniform(0.35, 0.55) * r))


def _plan_roads(rng, plan: _Plan):
    L, s = plan.extent_m, plan.s
    left, bottom, right, top = plan.bounds
    extent = box(left, bottom, right, top)
    c = plan.core
    # Local roads never cross water, pits, dumps or the reserve; main roads avoid them and hill cores.
    hard = shapely.union_all(
        [w[0] for w in plan.water]
        + [p for p, _ in plan.subsidence]
        + [p for p, _ in plan.dumps]
        + [m["geom"] for m in plan.mines if m["method"] == "open_pit"]
        + [p for p, _ in plan.reserves]
        + plan.meadows
        + plan.ponds
        + plan.marshes
    )
    hill_cores = shapely.union_all(_hill_polys(plan, 0.55))
    avoid = shapely.union(hard, hill_cores)
    shapely.prepare(hard)
    shapely.prepare(hill_cores)

    def penalty(line):
        return shapely.intersection(line, avoid).length

    def choose(cands):
        return cands[int(np.argmin([penalty(g) for g in cands]))]

    # Expressways: few, long, nearly straight, bypassing the core.
    n_exp = max(1, int(round(2 * L / REF_EXTENT_M)))  # long lines: their number grows with the side
    base = rng.uniform(0, math.pi)
    numbers = rng.permutation(np.arange(1, 100))
    for i in range(n_exp):
        cands = []
        for _ in range(8):
            ang = base + i * math.pi / n_exp + rng.normal(0, 0.12)
            d = np.array([math.cos(ang), math.sin(ang)])
            off = rng.uniform(0.65, 1.15) * c["r"] * (1 if rng.random() < 0.5 else -1)
            p = np.array([c["x"], c["y"]]) + off * np.array([-d[1], d[0]])
            if i >= 2 and L > 1.5 * REF_EXTENT_M:  # on big maps the others cross the region anywhere
                p = np.array([rng.uniform(left, right), rng.uniform(bottom, top)]) * 0.7 + 0.15 * np.array(
                    [left + right, bottom + top]
                )
            line = _wiggly(rng, p - 1.5 * L * d, p + 1.5 * L * d, amp_frac=0.012, step_m=300.0, harmonics=3)
            cands.append(_longest(line.intersection(extent)))
        cands = [g for g in cands if g is not None]
        if cands:
            plan.roads.append((choose(cands), "expressway", f"G{int(numbers[i])} Expressway"))
    # First-class highways join the city and towns (spanning tree plus loops), and leave the map.
    nodes = np.array([[ct["x"], ct["y"]] for ct in plan.centres])
    dist = np.hypot(*(nodes[:, None, :] - nodes[None, :, :]).transpose(2, 0, 1))
    mst = minimum_spanning_tree(dist).toarray()
    edges = sorted({(min(i, j), max(i, j)) for i, j in zip(*np.nonzero(mst), strict=True)})
    med = float(np.median([dist[i, j] for i, j in edges])) if edges else L
    for i in range(len(nodes)):
        order = np.argsort(dist[i])
        for j in order[1:3]:
            e = (min(i, int(j)), max(i, int(j)))
            if e not in edges and dist[e] < 1.5 * med:
                edges.append(e)
    edges.sort()
    segs = [(nodes[i], nodes[j]) for i, j in edges]
    for i, (x, y) in enumerate(nodes):
        gaps = [x - left, right - x, y - bottom, top - y]
        k = int(np.argmin(gaps))
        if i == 0 or gaps[k] < 0.22 * L:
            target = [(left - 10, y), (right + 10, y), (x, bottom - 10), (x, top + 10)][k]
            segs.append((nodes[i], np.array(target)))
    highway_no = 200 + rng.permutation(100)
    for k, (p0, p1) in enumerate(segs):
        cands = [_wiggly(rng, p0, p1, amp_frac=0.05, step_m=200.0) for _ in range(5)]
        line = _longest(choose(cands).intersection(extent))
        if line is not None:
            plan.roads.append((line, "highway", f"S{int(highway_no[k % 100])}"))
    # Local roads: a jittered, gappy grid of county and village roads over the whole map.
    sp = 2200.0
    phi = rng.normal(0, 0.08)
    n_side = int(math.ceil(1.5 * L / sp)) + 1
    ii, jj = np.meshgrid(np.arange(n_side), np.arange(n_side), indexing="ij")
    u = (jj - n_side / 2) * sp + rng.uniform(-0.25, 0.25, ii.shape) * sp
    v = (ii - n_side / 2) * sp + rng.uniform(-0.25, 0.25, ii.shape) * sp
    gx = (left + right) / 2 + u * math.cos(phi) - v * math.sin(phi)
    gy = (top + bottom) / 2 + u * math.sin(phi) + v * math.cos(phi)
    city_disc = Point(c["x"], c["y"]).buffer(0.8 * c["r"])
    local = []
    for i in range(n_side):
        for j in range(n_side):
            for di, dj, tag in ((0, 1, "row"), (1, 0, "col")):
                if i + di >= n_side or j + dj >= n_side:
                    continue
                # (Both draws are made for every segment, so the stream does not depend on the map.)
                keep = rng.random() < 0.82
                over_hill = rng.random() < 0.7  # some roads climb over the hills
                if not keep:
                    continue
                seg = LineString([(gx[i, j], gy[i, j]), (gx[i + di, j + dj], gy[i + di, j + dj])])
                if not seg.intersects(extent) or seg.intersects(city_disc) or seg.intersects(hard):
                    continue
                if seg.intersects(hill_cores) and not over_hill:
                    continue
                line = _longest(seg.intersection(extent))
                if line is not None:
                    num = i if tag == "row" else j
                    local.append((line, "local", f"X{(100 if tag == 'row' else 300) + num:03d}"))
    # Streets: a denser grid inside the city core.
    sp_c = 800.0 * max(s, 0.6)
    m = int(math.ceil(c["r"] / sp_c)) + 1
    disc = Point(c["x"], c["y"]).buffer(0.85 * c["r"])
    psi = phi + rng.normal(0, 0.1)
    for k in range(-m, m + 1):
        for horizontal in (True, False):
            a = np.array([-c["r"], k * sp_c]) if horizontal else np.array([k * sp_c, -c["r"]])
            b = np.array([c["r"], k * sp_c]) if horizontal else np.array([k * sp_c, c["r"]])
            rot = np.array([[math.cos(psi), -math.sin(psi)], [math.sin(psi), math.cos(psi)]])
            p0, p1 = rot @ a + (c["x"], c["y"]), rot @ b + (c["x"], c["y"])
            line = _longest(LineString([p0, p1]).intersection(disc).intersection(extent))
            if line is not None:
                kind = "East Road" if horizontal else "North Road"
                local.append((line, "local", f"{c['name'].removesuffix(' City')} {kind} {k + m + 1}"))
    plan.roads.extend(local)


def _plan_villages(rng, plan: _Plan):
    L, s = plan.extent_m, plan.s
    left, bottom, right, top = plan.bounds
    sp = 1150.0
    n = int(math.ceil(L / sp))
    ii, jj = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    xs = left + (jj.ravel() + 0.5 + rng.uniform(-0.42, 0.42, ii.size)) * sp
    ys = top - (ii.ravel() + 0.5 + rng.uniform(-0.42, 0.42, ii.size)) * sp
    keep = rng.random(ii.size) < 0.85
    radius = np.clip(rng.lognormal(math.log(215.0), 0.3, ii.size), 120.0, 420.0)
    excl = shapely.union_all(
        [Point(ct["x"], ct["y"]).buffer(ct["r"] * (1.0 if ct["core"] else 1.25)) for ct in plan.centres]
        + _hill_polys(plan, 0.95)
        + [w[0].buffer(200) for w in plan.water]
        + [p.buffer(200) for p, _ in plan.subsidence]
        + [m["geom"].buffer(200) for m in plan.mines]
        + [p.buffer(150) for p, _ in plan.dumps]
        + [r[0].buffer(750 if r[3] else 300) for r in plan.rivers]
        + [p for p, _ in plan.reserves]
        + [p.buffer(100) for p in plan.meadows + plan.ponds + plan.marshes + plan.industry]
    )
    shapely.prepare(excl)
    keep &= ~shapely.intersects_xy(excl, xs, ys)
    keep &= (xs > left) & (xs < right) & (ys > bottom) & (ys < top)
    for x, y, r in zip(xs[keep], ys[keep], radius[keep], strict=True):
        plan.villages.append(_blob(rng, x, y, r, r * rng.uniform(0.55, 0.95), rng.uniform(0, math.pi), rough=0.35))
    # Urban parks (green space inside the core) and construction sites on its fringe.
    c = plan.core
    wet = shapely.union_all([w[0] for w in plan.water] + [r[0].buffer(r[2]) for r in plan.rivers])
    for k in range(6):
        ang = rng.uniform(0, 2 * math.pi, 16)
        dist = (rng.uniform(0.1, 0.6, 16) if k < 3 else rng.uniform(0.95, 1.1, 16)) * c["r"]
        r = (rng.uniform(250.0, 450.0) if k < 3 else rng.uniform(180.0, 320.0)) * s
        x, y = _best_point(c["x"] + dist * np.cos(ang), c["y"] + dist * np.sin(ang), [(wet, r)])
        blob = _blob(rng, x, y, r, 0.7 * r, rng.uniform(0, math.pi), rough=0.2)
        if k < 3:
            plan.parks.append((blob, 20 if rng.random() < 0.5 else 30))
        else:
            plan.construction.append(blob)


def _plan_landuse(rng, plan: _Plan):
    """Floodplain meadows, fish-pond clusters, marshes and industrial parks."""
    L, s = plan.extent_m, plan.s
    area = (L / 1000) ** 2
    main = plan.rivers[0][0]
    rivers = shapely.union_all([r[0] for r in plan.rivers])
    settled = shapely.union_all(
        [Point(c["x"], c["y"]).buffer(c["r"] * (0.8 if c["core"] else 1.3)) for c in plan.centres]
    )
    waters = shapely.union_all([w[0] for w in plan.water] + [p for p, _ in plan.subsidence])
    mines = shapely.union_all([m["geom"] for m in plan.mines] + [p for p, _ in plan.dumps])
    hills = shapely.union_all(_hill_polys(plan, 0.9))
    taken: list = []
    for _ in range(_count(3.0, area, 1)):
        r = rng.uniform(800.0, 1200.0) * plan.s_src
        on = shapely.line_interpolate_point(main, rng.uniform(0.03, 0.97, 32), normalized=True)
        xs, ys = shapely.get_x(on), shapely.get_y(on)
        obstacles = [(settled, r), (waters, 0.5 * r), (mines, r)] + [(p, q + r) for p, q in taken]
        x, y = _best_point(xs, ys, obstacles)
        taken.append((Point(x, y), r))
        t = main.project(Point(x, y), normalized=True)
        p, q = main.interpolate(t - 0.003, normalized=True), main.interpolate(t + 0.003, normalized=True)
        theta = math.atan2(q.y - p.y, q.x - p.x)
        plan.meadows.append(_blob(rng, x, y, r, 0.55 * r, theta, rough=0.25))
    # Fish ponds cluster on low ground near rivers and lakes.
    near_water = shapely.union_all([rivers.buffer(1500.0 * s), waters.buffer(1200.0 * s)])
    for _ in range(_count(8.0, area, 1)):
        r = rng.uniform(600.0, 1000.0) * s
        xs, ys = _uniform(rng, plan.bounds, r, 64)
        inside = shapely.intersects_xy(near_water, xs, ys)
        xs, ys = (xs[inside], ys[inside]) if inside.any() else (xs, ys)
        obstacles = [(settled, r + 200), (waters, r + 100), (rivers, r + 120), (mines, r + 300), (hills, r)]
        obstacles += [(p, q + r) for p, q in taken]
        x, y = _best_point(xs, ys, obstacles)
        taken.append((Point(x, y), r))
        plan.ponds.append(_blob(rng, x, y, r, r * rng.uniform(0.5, 0.9), rng.uniform(0, math.pi), rough=0.2))
    # Marshes in low ground: reed beds with pools.
    for _ in range(_count(4.0, area, 1)):
        r = rng.uniform(900.0, 1300.0) * s
        xs, ys = _uniform(rng, plan.bounds, r, 64)
        obstacles = [(settled, r + 300), (waters, r + 300), (rivers, r + 300), (mines, r + 500), (hills, r + 300)]
        obstacles += [(p, q + r + 300) for p, q in taken]
        x, y = _best_point(xs, ys, obstacles)
        taken.append((Point(x, y), r))
        plan.marshes.append(_blob(rng, x, y, r, r * rng.uniform(0.55, 0.85), rng.uniform(0, math.pi), rough=0.3))
    # Industrial parks on the edge of the city (three) and, on bigger maps, of the towns.
    for k in range(_count(3.0, area, 1)):
        c = plan.core if k < 3 or len(plan.centres) == 1 else plan.centres[1 + k % (len(plan.centres) - 1)]
        small = 1.0 if c["core"] else 0.6
        a, b = rng.uniform(900.0, 1400.0) * s * small, rng.uniform(500.0, 800.0) * s * small
        ang = rng.uniform(0, 2 * math.pi, 24)
        dist = c["r"] * rng.uniform(0.95, 1.25, 24) + (0 if c["core"] else a)
        obstacles = [(hills, a), (waters, a), (rivers, a), (mines, a)] + [(p, q + a) for p, q in taken]
        x, y = _best_point(c["x"] + dist * np.cos(ang), c["y"] + dist * np.sin(ang), obstacles)
        taken.append((Point(x, y), a))
        turn = math.atan2(y - c["y"], x - c["x"]) + rng.normal(0, 0.3)
        plan.industry.append(shapely.affinity.rotate(box(x - a, y - b, x + a, y + b), turn, use_radians=True))


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


# --------------------------------------------------------------------------------------------
# Painting the plan onto the grid

_NOISES = {  # name: (largest blob size in m, spectral slope)
    "relief": (9000.0, 4.0),
    "micro": (600.0, 3.6),
    "ridge": (1400.0, 3.6),
    "veg": (500.0, 4.3),
    "edge": (900.0, 4.5),
    "patch": (260.0, 5.0),
    "wet": (380.0, 4.5),
    "vigor": (300.0, 3.6),
    "bright": (140.0, 3.6),
    "climate": (15000.0, 4.5),
    "soil": (2500.0, 4.0),
}


class _Fields:
    """The noise fields, each from its own stream and made on first use."""

    def __init__(self, rng, shape, cell_m):
        self._rngs = dict(zip(_NOISES, rng.spawn(len(_NOISES)), strict=True))
        # Bare-soil fraction per crop parcel, in a table tiled over the map (sizes coprime).
        self.parcels = rng.uniform(0.0, 0.45, (97, 89)).astype(np.float32)
        self._shape, self._cell = shape, cell_m
        self._cache: dict[str, np.ndarray] = {}

    def __getitem__(self, name) -> np.ndarray:
        if name not in self._cache:
            scale, beta = _NOISES[name]
            self._cache[name] = _noise(self._rngs[name], self._shape, self._cell, scale, beta)
        return self._cache[name]


def _terrain(plan: _Plan, grid: Grid, nz: _Fields):
    """DEM (m) and the hill fields that decide vegetation: height above plain and a veg rank."""
    h, w = grid.shape
    cell = grid.cell_size_m
    left, bottom, right, top = plan.bounds
    cx, cy = (left + right) / 2, (top + bottom) / 2
    xs = (left + (np.arange(w) + 0.5) * cell - cx).astype(np.float32)
    ys = (top - (np.arange(h) + 0.5) * cell - cy).astype(np.float32)
    fx, fy = plan.flow
    main = [r[0] for r in plan.rivers if r[3]]
    tribs = [r[0] for r in plan.rivers if not r[3]]
    d_main = _distance_m(_burn(grid, [(g, 1) for g in main], all_touched=True).astype(bool), cell)
    d_trib = _distance_m(_burn(grid, [(g, 1) for g in tribs], all_touched=True).astype(bool), cell)
    # The plain falls gently downstream (about 12 m across half the map); relief noise fades
    # towards the river so that the channel keeps falling.
    slope = np.float32(-12.0 / (plan.extent_m / 2))
    plain = (xs[None, :] * np.float32(fx) + ys[:, None] * np.float32(fy)) * slope + np.float32(36.0)
    plain += np.float32(3.0) * nz["relief"] * (1 - np.exp(-((d_main / np.float32(1500.0)) ** 2)))
    plain -= np.float32(6.0) * np.exp(-((d_main / np.float32(1000.0)) ** 2))
    plain -= np.float32(3.0) * np.exp(-((d_trib / np.float32(500.0)) ** 2))
    plain += np.float32(0.6) * nz["micro"]
    hill_h = np.zeros(grid.shape, np.float32)
    veg_rank = np.zeros(grid.shape, np.uint8)  # 0 none, 1 grass, 2 shrub, 3 forest
    ridge = np.clip(1 - np.abs(nz["ridge"]), 0, 1)
    veg = nz["veg"]
    for hill in plan.hills:
        win = _window(grid, hill.x, hill.y, hill.a)
        if win is None:
            continue
        sl, wx, wy = win
        # Smooth noise on the normalised distance makes outlines lobed rather than elliptic.
        e = _ellipse_e(wx, wy, hill.a, hill.b, hill.theta) * (1 + np.float32(0.3) * nz["edge"][sl])
        rel = np.clip(1 - e, 0, 1) ** 2 * (0.45 + 0.55 * ridge[sl])
        hill_h[sl] = np.maximum(hill_h[sl], np.float32(hill.height_m) * rel)
        v = veg[sl]
        # Forest on the upper slopes of forested hills; shrub and grass lower down, and on the
        # drier hills shrub and grass only.
        t_forest = 0.12 + 0.07 * v if hill.forested else 2.0
        t_shrub = 0.07 + 0.04 * v if hill.forested else 0.30 + 0.12 * v
        rank = np.where(rel > t_forest, 3, np.where(rel > t_shrub, 2, np.where(rel > 0.025 + 0.015 * v, 1, 0)))
        veg_rank[sl] = np.maximum(veg_rank[sl], rank.astype(np.uint8))
    return plain, hill_h, veg_rank, d_main, d_trib


def _urban_fields(plan: _Plan, grid: Grid, edge: np.ndarray):
    """Built-up land of the city and towns (bool) and urban intensity U (0..1, 1 downtown)."""
    built = np.zeros(grid.shape, bool)
    U = np.zeros(grid.shape, np.float32)
    for x, y, r in plan.city_blobs:
        # A smooth noise moves the edge by up to a third of the radius: ragged, not speckled.
        win = _window(grid, x, y, 1.6 * r)
        if win is not None:
            sl, wx, wy = win
            built[sl] |= np.sqrt(_ellipse_e(wx, wy, r, r, 0.0)) < 1 + np.float32(0.22) * edge[sl]
    for c in plan.centres:
        r = c["r"] * (0.9 if c["core"] else 1.2)
        win = _window(grid, c["x"], c["y"], 3 * r)
        if win is not None:
            sl, wx, wy = win
            U[sl] = np.maximum(U[sl], np.float32(c["strength"]) * np.exp(-_ellipse_e(wx, wy, r, r, 0.0)))
    return built, U


def _paint(plan: _Plan, grid: Grid, nz: _Fields):
    """Land cover, DEM and the masks the other layers are derived from."""
    cell = grid.cell_size_m
    plain, hill_h, veg_rank, d_main, d_trib = _terrain(plan, grid, nz)
    lc = np.full(grid.shape, 10, np.uint8)
    # Scattered woods and grassy plots in the cropland matrix: islets, not sources.
    lc[nz["patch"] > 2.5] = 20
    lc[nz["patch"] < -2.6] = 30
    lc = np.where(veg_rank > 0, np.array([10, 30, 40, 20], np.uint8)[veg_rank], lc)
    # Floodplain belts of reed wetland, grass and poplar stands along the rivers.
    edge = nz["edge"]
    belt = (d_main < 700.0 * (1 + 0.4 * edge)) | (d_trib < 220.0 * (1 + 0.4 * edge))
    wet = nz["wet"]
    lc[belt & (wet > 0.1)] = 50
    lc[belt & (wet <= 0.1) & (wet > -0.9)] = 30
    lc[belt & (wet < -1.3)] = 20
    del belt
    built, U = _urban_fields(plan, grid, edge)
    lc[built] = 80
    del built
    # Subsidence bowls over underground workings, benched open pits and waste-dump mounds.
    under = [m for m in plan.mines if m["method"] == "underground"]
    pits = [m for m in plan.mines if m["method"] == "open_pit"]
    # (Clipped at zero: FFT round-off would otherwise leave +-1e-7 m everywhere, and the benches
    # would turn it into 8 m steps.)
    bowl = np.maximum(_blur(_burn(grid, [(m["geom"], m["depth_m"]) for m in under], dtype=np.float32), 350.0, cell), 0)
    pit = np.maximum(_blur(_burn(grid, [(m["geom"], m["depth_m"]) for m in pits], dtype=np.float32), 120.0, cell), 0)
    pit = np.floor(pit / np.float32(8.0)) * np.float32(8.0)
    mound = np.maximum(_blur(_burn(grid, [(p, 35.0) for p, _ in plan.dumps], dtype=np.float32), 110.0, cell), 0)
    dem = plain + hill_h - bowl - pit + np.minimum(mound * np.float32(1.4), np.float32(35.0))
    lc[(bowl > 3.0) & (wet > -0.2) & (lc == 10)] = 50  # waterlogged subsidence ground
    # Polygons, in painting order (later wins).
    lakes = [w[0] for w in plan.water]
    rings = [p.buffer(180.0).difference(p) for p in lakes]
    ring = _burn(grid, [(r, 1) for r in rings]).astype(bool) & (wet > -0.5)
    shapes = [(p, c) for p, c in plan.parks] + [(p, 90) for p in plan.construction]
    shapes += [(p, 30) for p in plan.meadows] + [(p, 50) for p in plan.marshes]
    shapes += [(p, 80) for p in plan.villages + plan.industry]
    lc_poly = _burn(grid, shapes)
    lc = np.where(lc_poly > 0, lc_poly, lc)
    lc[(lc_poly == 30) & (nz["veg"] > 0.7)] = 40  # shrubby patches in the meadows
    lc[(lc_poly == 50) & (wet > 0.6)] = 60  # open pools in the marshes
    lc[ring] = 50
    # Fish ponds: ~120 x 60 m basins between one-cell dykes.
    pw, ph = max(2, int(round(150.0 / cell))), max(2, int(round(90.0 / cell)))
    in_ponds = _burn(grid, [(p, 1) for p in plan.ponds]).astype(bool)
    basin = ((np.arange(grid.height) % ph) < ph - 1)[:, None] & ((np.arange(grid.width) % pw) < pw - 1)[None, :]
    lc[in_ponds & basin] = 60
    del in_ponds, basin
    rivers = [r[0].buffer(r[2] / 2, cap_style="flat") for r in plan.rivers]
    sub_rims = [p.buffer(90.0).difference(p) for p, _ in plan.subsidence]
    shapes = [(p, 60) for p in lakes + rivers] + [(p, 50) for p in sub_rims]
    shapes += [(p, 60) for p, _ in plan.subsidence] + [(p, 80) for p, _ in plan.sites]
    # Dumps of closed mines have been reclaimed to grass; working ones are bare gangue.
    status = {m["name"]: m["status"] for m in plan.mines}
    shapes += [(p, 30 if status[n] == "abandoned" else 90) for p, n in plan.dumps]
    shapes += [(m["geom"], 90) for m in pits]
    shapes += [(p, 60) for p in plan.pit_lakes]
    lc_poly = _burn(grid, shapes)
    lc = np.where(lc_poly > 0, lc_poly, lc)
    # Still water lies flat at the level of its lowest cell; channels sit below the plain.
    still = lakes + [p for p, _ in plan.subsidence] + plan.pit_lakes
    ids = _burn(grid, [(p, i + 1) for i, p in enumerate(still)], dtype=np.int32)
    if still:
        level = ndi.minimum(dem, ids, index=np.arange(1, len(still) + 1))
        table = np.concatenate([[0.0], np.nan_to_num(np.asarray(level, float))]).astype(np.float32)
        dem = np.where(ids > 0, table[ids] - np.float32(0.5), dem)
    channel = _burn(grid, [(p, 1) for p in rivers]).astype(bool)
    dem[channel] -= np.float32(2.5)
    # Roads last, with a width by class; the centre line is burnt touching every cell it
    # crosses so that even one-cell roads are 4-connected and split 8-connected habitat.
    road_polys, road_lines = [], []
    for line, cls, _ in plan.roads:
        width = max(1, int(round(ROAD_WIDTH_M[cls] / cell))) * cell
        road_polys.append((line.buffer(width / 2, cap_style="flat"), 1))
        road_lines.append((line, 1))
    roads = (_burn(grid, road_polys) | _burn(grid, road_lines, all_touched=True)).astype(bool)
    lc[roads] = 80
    mine_works = _burn(
        grid, [(m["geom"], 1) for m in pits] + [(p, 1) for p, _ in plan.dumps] + [(p, 1) for p, _ in plan.sites]
    ).astype(bool)
    mineral = {m["name"]: m["mineral"] for m in plan.mines}
    coal = _burn(
        grid,
        [(m["geom"], 1) for m in pits if m["mineral"] == "coal"]
        + [(p, 1) for p, name in plan.dumps if mineral[name] == "coal"],
    ).astype(bool) & (lc == 90)
    return dict(
        lc=lc,
        dem=np.round(dem, 2).astype(np.float32),
        plain=plain,
        U=U,
        roads=roads,
        mine_works=mine_works,
        coal=coal,
        d_main=d_main,
    )


def _bands(lc: np.ndarray, coal: np.ndarray, nz: _Fields, grid: Grid):
    """Landsat-like surface reflectance (0..1), each band float32."""
    cell = grid.cell_size_m
    table = np.zeros((256, 6), np.float32)
    for code, refl in _SPECTRA.items():
        table[code] = refl
    vigor = nz["vigor"]
    bright = np.float32(1.0) + np.float32(0.05) * nz["bright"]
    vegetated = (lc >= 10) & (lc <= 50)
    crop = lc == 10
    # Fields at different growth stages: a random bare-soil fraction per ~250 x 400 m parcel.
    rows = (np.arange(grid.height) * cell // 250.0).astype(np.int64)
    cols = (np.arange(grid.width) * cell // 400.0).astype(np.int64)
    parcel = nz.parcels
    soil_frac = parcel[(rows % 97)[:, None], (cols % 89)[None, :]] * crop
    water = lc == 60
    out = {}
    for k, name in enumerate(_BANDS):
        b = table[lc, k]
        b = np.where(coal, np.float32(_COAL_SPECTRUM[k]), b)
        b = b * (1 - soil_frac) + np.float32(_SOIL_SPECTRUM[k]) * soil_frac
        if name == "nir":
            b = np.where(vegetated, b * (1 + np.float32(0.12) * vigor), b)
        elif name == "red":
            b = np.where(vegetated, b * (1 - np.float32(0.15) * vigor), b)
        elif name in ("swir1", "swir2"):
            b = np.where(vegetated, b * (1 - np.float32(0.05) * vigor), b)
        if name in ("blue", "green", "red"):  # turbid and shallow water is brighter
            b = np.where(water, b + np.float32(0.008) * nz["wet"], b)
        b *= bright
        # Mixed pixels at class edges, as a sensor's point spread blurs them.
        b = ndi.gaussian_filter(b, 0.5, mode="reflect")
        out[name] = np.round(np.clip(b, 0.001, 1.0), 4).astype(np.float32)
    return out


def _ratio(a, b) -> np.ndarray:
    return np.round((a - b) / np.maximum(a + b, np.float32(1e-6)), 4).astype(np.float32)


def _derived(plan: _Plan, grid: Grid, nz: _Fields, p: dict):
    """Thermal, night lights, population and the InVEST inputs."""
    cell = grid.cell_size_m
    lc, dem, plain, U = p["lc"], p["dem"], p["plain"], p["U"]
    lst_table = np.zeros(256, np.float32)
    for code, t in _LST_C.items():
        lst_table[code] = t
    t = lst_table[lc]
    t = np.where(p["coal"], np.float32(41.0), t)
    t += np.float32(4.0) * _blur(U, 600.0, cell)  # urban heat island
    t -= np.float32(0.0065) * np.maximum(dem - plain, 0)  # lapse rate on the hills
    t += np.float32(0.8) * nz["climate"] + np.float32(0.4) * nz["veg"]
    thermal = np.round(_blur(t, 45.0, cell), 2).astype(np.float32)
    # Night lights: emission from built-up land (brightest in the core) and working mines,
    # smeared by a VIIRS-like 500 m footprint.
    built = lc == 80
    emit = np.where(built, np.float32(2.5) + np.float32(110.0) * U ** np.float32(1.3), np.float32(0.15))
    emit = np.where((lc == 20) | (lc == 60), np.float32(0.02), emit)
    # (Working pits and the surface sites of working underground mines, not their whole fields.)
    producing = {m["name"] for m in plan.mines if m["status"] == "producing"}
    working = _burn(
        grid,
        [(m["geom"], 1) for m in plan.mines if m["name"] in producing and m["method"] == "open_pit"]
        + [(site, 1) for site, name in plan.sites if name in producing],
    )
    emit += np.float32(25.0) * working.astype(np.float32)
    nightlight = np.round(np.maximum(_blur(emit, 350.0, cell), 0), 3).astype(np.float32)
    # Population (persons/km2): dense in the core, thin in villages, nearly none on water.
    pop = np.full(grid.shape, np.float32(60.0))
    pop = np.where(built, np.float32(1200.0) + np.float32(21000.0) * U ** np.float32(1.1), pop)
    pop = np.where(np.isin(lc, (20, 40, 50)), np.float32(4.0), pop)
    pop = np.where((lc == 60) | (lc == 90), np.float32(0.0), pop)
    pop = np.where(p["roads"] & (U < 0.05), np.float32(60.0), pop)  # nobody lives on rural roads
    pop *= np.float32(1.0) + np.float32(0.15) * nz["bright"]
    population = np.round(np.maximum(_blur(pop, 60.0, cell), 0), 1).astype(np.float32)
    # Climate: ~850 mm rain rising to the south-east and with altitude (orographic), PET
    # following temperature.
    left, bottom, right, top = plan.bounds
    ys = ((top - (np.arange(grid.height) + 0.5) * cell - (top + bottom) / 2) / plan.extent_m).astype(np.float32)
    xs = ((left + (np.arange(grid.width) + 0.5) * cell - (left + right) / 2) / plan.extent_m).astype(np.float32)
    relief = np.maximum(dem - plain, 0)
    precip = np.float32(850.0) + np.float32(40.0) * (xs[None, :] - ys[:, None]) + np.float32(0.45) * relief
    precip += np.float32(12.0) * nz["climate"]
    precipitation = np.round(precip, 1).astype(np.float32)
    pet = np.float32(1000.0) + np.float32(9.0) * (_blur(thermal, 500.0, cell) - np.float32(30.0))
    pet += np.float32(15.0) * nz["soil"] - np.float32(0.25) * relief
    pet_mm = np.round(np.clip(pet, 880.0, 1120.0), 1).astype(np.float32)
    # Soils: deep alluvial loam on the plain, sandy Yellow River alluvium by the river, thin
    # stony soils on the hills, gangue on the dumps.
    soil = nz["soil"]
    thin = np.exp(-relief / np.float32(40.0))
    sandy = np.exp(-((p["d_main"] / np.float32(1500.0)) ** 2))
    root = (np.float32(1700.0) + np.float32(250.0) * soil) * thin + np.float32(250.0) * (1 - thin)
    root = np.where(p["mine_works"], np.float32(300.0), root)
    root_depth = np.round(np.clip(root, 100.0, 3000.0), 0).astype(np.float32)
    pawc = np.float32(0.17) + np.float32(0.025) * soil - np.float32(0.06) * sandy - np.float32(0.07) * (1 - thin)
    pawc = np.where(lc == 50, np.float32(0.26), pawc)
    pawc = np.where(p["mine_works"], np.float32(0.05), pawc)
    pawc = np.round(np.clip(pawc, 0.02, 0.6), 3).astype(np.float32)
    # Rainfall erosivity from annual rain (Renard & Freimund 1994), in MJ mm/(ha h a).
    erosivity = np.round(np.float32(0.0483) * precipitation ** np.float32(1.61), 1).astype(np.float32)
    k = np.float32(0.033) + np.float32(0.004) * soil + np.float32(0.012) * sandy - np.float32(0.01) * (1 - thin)
    k = np.where((lc == 50) | (lc == 60), np.float32(0.02), k)
    k = np.where(p["mine_works"], np.float32(0.05), k)
    erodibility = np.round(np.clip(k, 0.005, 0.07), 4).astype(np.float32)
    one, zero = np.float32(1.0), np.float32(0.0)
    return {
        "thermal": thermal,
        "nightlight": nightlight,
        "population": population,
        "precipitation_mm": precipitation,
        "pet_mm": pet_mm,
        "root_depth_mm": root_depth,
        "pawc": pawc,
        "erosivity": erosivity,
        "erodibility": erodibility,
        "threat_urban": np.where(built & ~p["roads"] & ~p["mine_works"], one, zero),
        "threat_roads": np.where(p["roads"], one, zero),
        "threat_mines": np.where(p["mine_works"], one, zero),
        "threat_cropland": np.where(lc == 10, one, zero),
    }


# --------------------------------------------------------------------------------------------
# Vector layers


def _gdf(rows: list[dict]) -> gpd.GeoDataFrame:
    geoms = [r.pop("geometry") for r in rows]
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=CRS) if rows else gpd.GeoDataFrame(geometry=[], crs=CRS)


def _parts(geom) -> list[Polygon]:
    return [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon" and not g.is_empty]


def _polygonize(mask: np.ndarray, transform, min_area_m2: float, tolerance_m: float) -> list[Polygon]:
    """Polygons of a mask's regions, with their staircase outlines rounded off (m)."""
    out = []
    for geom, _ in features.shapes(mask.astype(np.uint8), mask=mask, transform=transform, connectivity=8):
        poly = shapely.geometry.shape(geom).buffer(tolerance_m).buffer(-tolerance_m).simplify(tolerance_m / 2)
        if poly.area >= min_area_m2:
            out.extend(_parts(shapely.make_valid(poly)))
    return out


def _coarse(grid: Grid, target_m: float):
    f = max(1, int(round(target_m / grid.cell_size_m)))
    left, _, _, top = grid.bounds
    return f, Affine(f * grid.cell_size_m, 0, left, 0, -f * grid.cell_size_m, top)


def _block_mean(a: np.ndarray, f: int) -> np.ndarray:
    h, w = a.shape
    H, W = -(-h // f), -(-w // f)
    p = np.zeros((H * f, W * f), np.float32)
    p[:h, :w] = a
    return p.reshape(H, f, W, f).mean(axis=(1, 3))


def _townships(rng, plan: _Plan) -> gpd.GeoDataFrame:
    """Township boundaries that tile the extent: warped nearest-seat regions, simplified together."""
    left, bottom, right, top = plan.bounds
    L = plan.extent_m
    n = int(np.clip(L / 150.0, 60, 400))
    cs = L / n
    c = plan.core
    seats = [(ct["x"], ct["y"], ct["name"], "town") for ct in plan.centres[1:]]
    m = max(2, int(round(4 * c["r"] / 7000.0)))
    for k, ang in enumerate(np.linspace(0, 2 * math.pi, m, endpoint=False) + rng.uniform(0, math.pi)):
        seats.insert(
            k,
            (
                c["x"] + 0.45 * c["r"] * math.cos(ang),
                c["y"] + 0.45 * c["r"] * math.sin(ang),
                f"{plan.namer()} Subdistrict",
                "subdistrict",
            ),
        )
    # Rural townships fill what the towns leave (best-candidate sampling).
    spacing = math.sqrt(L * L / max(len(seats), 1)) * 0.9
    for _ in range(4 * len(seats)):
        xs, ys = _uniform(rng, plan.bounds, 0.0, 32)
        pts = np.array([(sx, sy) for sx, sy, *_ in seats])
        dmin = cKDTree(pts).query(np.column_stack([xs, ys]))[0]
        i = int(np.argmax(dmin))
        if dmin[i] < spacing:
            break
        seats.append((float(xs[i]), float(ys[i]), f"{plan.namer()} Township", "township"))
    # Warp the plane smoothly before assigning each cell to its nearest seat, so that boundaries
    # wander like real ones.
    ccs = (np.arange(n) + 0.5) * cs
    gx, gy = np.meshgrid(left + ccs, top - ccs)
    warp = 0.18 * spacing
    dx = _noise(rng, (n, n), cs, 6000.0, 4.0) * np.float32(warp)
    dy = _noise(rng, (n, n), cs, 6000.0, 4.0) * np.float32(warp)
    tree = cKDTree(np.array([(sx, sy) for sx, sy, *_ in seats]))
    labels = tree.query(np.column_stack([(gx + dx).ravel(), (gy + dy).ravel()]))[1].reshape(n, n) + 1
    # A region split by the warp keeps its largest piece; stray pieces join their neighbours.
    for k in range(1, len(seats) + 1):
        comp, nc = ndi.label(labels == k)
        if nc > 1:
            sizes = np.bincount(comp.ravel())[1:]
            labels[(comp > 0) & (comp != int(np.argmax(sizes)) + 1)] = 0
    if (labels == 0).any():
        idx = ndi.distance_transform_edt(labels == 0, return_distances=False, return_indices=True)
        labels = labels[idx[0], idx[1]]
    transform = Affine(cs, 0, left, 0, -cs, top)
    polys: dict[int, list] = {}
    for geom, val in features.shapes(labels.astype(np.int32), transform=transform, connectivity=4):
        polys.setdefault(int(val), []).append(shapely.geometry.shape(geom))
    keys = sorted(polys)
    merged = [shapely.union_all(polys[k]) for k in keys]
    # Simplifying the polygons as one coverage keeps shared borders shared (shapely >= 2.1);
    # without it the staircase borders stay, which still tile.
    simplify = getattr(shapely, "coverage_simplify", None)
    simple = simplify(np.array(merged, dtype=object), tolerance=1.2 * cs) if simplify else merged
    rows = []
    for k, geom in zip(keys, simple, strict=True):
        geom = _longest(shapely.make_valid(geom))
        _, _, name, kind = seats[k - 1]
        rows.append(dict(name=name, kind=kind, geometry=geom))
    return _gdf(rows)


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
    return {k: v[k] for k in VECTOR_LAYERS}


# --------------------------------------------------------------------------------------------


def generate_city(size: int = 1500, seed: int = 0, cell_size_m: float = 30.0) -> DemoCity:
    """Generate the synthetic mining city: ``size`` x ``size`` cells of ``cell_size_m`` metres.

    Pure and deterministic: the same arguments give the same arrays and geometries.
    """
    if size < 50:
        raise ValueError(f"size must be at least 50 cells, got {size}")
    if cell_size_m <= 0:
        raise ValueError(f"cell_size_m must be positive, got {cell_size_m}")
    x0, y0 = ORIGIN_XY
    extent = size * cell_size_m
    grid = Grid.from_bounds(CRS, x0, y0 - extent, x0 + extent, y0, cell_size_m)
    rng = np.random.default_rng(seed)
    plan_rng, noise_rng, vector_rng = rng.spawn(3)
    plan = _plan(plan_rng, grid)
    nz = _Fields(noise_rng, grid.shape, cell_size_m)
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
    rasters = {k: rasters[k] for k in RASTER_INFO}
    vectors = _vectors(vector_rng, plan, grid, lc, rasters["population"])
    return DemoCity(grid=grid, rasters=rasters, vectors=vectors, seed=seed, size=size)
