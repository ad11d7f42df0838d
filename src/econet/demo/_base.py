"""Shared pieces of the demo city generator: extent constants, noise fields, geometry helpers and the plan.

Part of the generator of :mod:`econet.demo.city`; pure, no I/O."""

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
from shapely.geometry import LineString, Polygon

from econet.grid import Grid
from econet.rasterops import rasterize

CRS = "EPSG:4548"  # CGCS2000 / 3-degree Gauss-Kruger CM 117E


ORIGIN_XY = (480_000.0, 3_830_000.0)  # upper-left corner: the plain around Xuzhou


REF_EXTENT_M = 45_000.0  # the default grid (1500 cells x 30 m); counts are tuned for it


REF_AREA_KM2 = (REF_EXTENT_M / 1000.0) ** 2


ROAD_WIDTH_M = {"expressway": 90.0, "highway": 60.0, "local": 30.0}


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
    reclaimed: list = field(default_factory=list)  # closed pits replanted with forest (a series' later epochs)
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


def _hill_polys(plan: _Plan, f=1.0):
    return [_ellipse(h.x, h.y, h.a * f, h.b * f, h.theta) for h in plan.hills]


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
