"""Benchmark: an 8-factor resistance surface on 4000 x 4000 cells (issue 5).

Factors: land cover (class table), slope (manual breaks), night light (natural breaks on a
10 000-cell sample), population (quantiles), distance to major roads and distance to water
(Euclidean, m), density of local roads and of rivers (quartic kernel, km/km², radius 1 km and
2 km); weights by AHP. The landscape is synthetic (smooth random fields, random polylines) and
built before timing starts. Target: at most 60 s and 6 GB peak memory (whole process, ru_maxrss).

    uv run python benchmarks/bench_resistance.py [--size 4000]
    uv run python benchmarks/bench_resistance.py --size 4000 --compare 512

``--window N`` builds the surface on N x N windows (issue 20; 0: the whole grid); ``--compare N``
runs the whole grid and N x N windows each in a fresh process and prints time, peak memory and
whether the surfaces are identical (benchmarks/_windowed.py).
"""

from __future__ import annotations

import argparse
import resource
import time

import geopandas as gpd
import numpy as np
from _windowed import compare, measure, report
from affine import Affine
from rasterio.crs import CRS
from scipy import ndimage as ndi
from shapely.geometry import LineString, Point

from econet.config import parse_study
from econet.grid import Grid
from econet.landcover import GLOBELAND30
from econet.resistance.build import build_resistance

FACTORS = [
    {"name": "landcover", "kind": "landcover"},
    {"name": "slope", "kind": "slope", "layer": "dem", "grading": "manual", "breaks": [2, 6, 15, 25]},
    {"name": "nightlight", "kind": "raster", "layer": "nightlight", "grading": "natural_breaks"},
    {"name": "population", "kind": "raster", "layer": "population", "grading": "quantiles"},
    {
        "name": "major_roads",
        "kind": "distance",
        "vector": "roads",
        "where": {"road_class": ["expressway", "highway"]},
        "grading": "manual",
        "breaks": [100, 300, 600, 1000],
        "direction": "decreasing",
    },
    {"name": "water", "kind": "distance", "vector": "water", "grading": "natural_breaks"},
    {"name": "local_roads", "kind": "density", "vector": "roads", "where": {"road_class": ["local"]}, "radius_m": 1000},
    {"name": "rivers", "kind": "density", "vector": "rivers", "radius_m": 2000, "direction": "decreasing"},
]
NAMES = [f["name"] for f in FACTORS]
# A consistent judgement matrix from priorities 8..1 (CR = 0).
PRIORITY = np.arange(len(NAMES), 0, -1, dtype=float)
MATRIX = [[f"{int(a)}/{int(b)}" for b in PRIORITY] for a in PRIORITY]


def _field(rng, shape, sigma):
    small = rng.standard_normal((shape[0] // 8, shape[1] // 8)).astype(np.float32)
    f = ndi.zoom(ndi.gaussian_filter(small, sigma / 8), 8, order=1)
    return (f - f.mean()) / f.std()


def _lines(rng, n, extent, x0, y0, steps, step_m):
    out = []
    for _ in range(n):
        p = np.array([x0 + rng.uniform(0, extent), y0 - rng.uniform(0, extent)])
        heading = rng.uniform(0, 2 * np.pi)
        pts = [p.copy()]
        for _ in range(steps):
            heading += rng.normal(0, 0.3)
            p = p + step_m * np.array([np.cos(heading), np.sin(heading)])
            pts.append(p.copy())
        out.append(LineString(pts))
    return out


def landscape(size: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    cell, x0, y0 = 30.0, 400_000.0, 3_900_000.0
    grid = Grid(CRS.from_epsg(4548), Affine(cell, 0, x0, 0, -cell, y0), (size, size))
    extent = size * cell
    lc_field = _field(rng, grid.shape, 40)
    lc = np.select(
        [lc_field < -1.2, lc_field < -0.6, lc_field < 0.6, lc_field < 1.1, lc_field < 1.6],
        [60, 20, 10, 30, 80],
        90,
    ).astype(np.int32)
    rasters = {
        "landcover": lc,
        "dem": (60 + 40 * _field(rng, grid.shape, 60)).astype(np.float32),
        "nightlight": np.exp(1.5 * _field(rng, grid.shape, 20)).astype(np.float32),
        "population": np.exp(2 + _field(rng, grid.shape, 15)).astype(np.float32),
    }
    classes = rng.choice(["expressway", "highway", "local"], p=[0.05, 0.15, 0.8], size=400)
    roads = gpd.GeoDataFrame(
        {"road_class": classes}, geometry=_lines(rng, 400, extent, x0, y0, 60, 300.0), crs="EPSG:4548"
    )
    rivers = gpd.GeoDataFrame(geometry=_lines(rng, 40, extent, x0, y0, 150, 400.0), crs="EPSG:4548")
    lakes = [
        Point(x0 + rng.uniform(0, extent), y0 - rng.uniform(0, extent)).buffer(rng.uniform(200, 1500))
        for _ in range(60)
    ]
    water = gpd.GeoDataFrame(geometry=list(rivers.geometry.buffer(40)) + lakes, crs="EPSG:4548")
    return grid, rasters, {"roads": roads, "rivers": rivers, "water": water}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=4000)
    ap.add_argument("--window", type=int, default=None, help="window side in cells (0: whole grid); one JSON line")
    ap.add_argument("--compare", type=int, default=None, help="compare N x N windows with the whole grid")
    args = ap.parse_args()
    if args.compare:
        return compare(__file__, ["--size", str(args.size)], args.compare)
    t0 = time.perf_counter()
    grid, rasters, vectors = landscape(args.size)
    t_data = time.perf_counter() - t0
    rss_data = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    doc = {
        "layers": {
            k: {"path": f"{k}.tif", "kind": "categorical" if k == "landcover" else "continuous"} for k in rasters
        },
        "vectors": {k: {"path": "x.gpkg", "layer": k} for k in vectors},
        "landcover": {"table": "globeland30"},
        "resistance": {"factors": FACTORS, "weighting": "ahp", "ahp": {"factors": NAMES, "matrix": MATRIX}},
    }
    study = parse_study(doc, check_files=False)
    import mapclassify  # noqa: F401  (import cost, several seconds, reported apart)

    t_import = time.perf_counter() - t0 - t_data
    if args.window is not None:
        return one_run(study, grid, rasters, vectors, args.window or None)
    t1 = time.perf_counter()
    timings: dict[str, float] = {}
    res = build_resistance(
        study.resistance,
        rasters.__getitem__,
        vectors.__getitem__,
        grid,
        rasters["landcover"] > 0,
        GLOBELAND30,
        timings=timings,
    )
    seconds = time.perf_counter() - t1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    s = res.surface
    print(f"grid {args.size} x {args.size} ({args.size**2 / 1e6:.1f} M cells), {len(FACTORS)} factors")
    print(f"synthetic landscape built in {t_data:.1f} s (not timed); mapclassify import {t_import:.1f} s (not timed)")
    print(f"resistance surface: {seconds:.1f} s (target <= 60 s)")
    print(
        f"peak memory (ru_maxrss, whole process): {peak:.2f} GB (target <= 6 GB); after building inputs {rss_data:.2f} GB"
    )
    kinds = {f["name"]: f["kind"] + (f" ({f['grading']})" if "grading" in f else "") for f in FACTORS}
    for name, sec in timings.items():
        print(f"  {name:<16} {kinds.get(name, ''):<28} {sec:6.2f} s")
    print(f"surface range {np.nanmin(s):.3f} .. {np.nanmax(s):.3f}, mean {np.nanmean(s):.3f}")
    print(res.weights[["factor", "weight", "CR"]].to_string(index=False))
    ok = seconds <= 60 and peak <= 6
    print("PASS" if ok else "FAIL")


def one_run(study, grid, rasters, vectors, window) -> None:
    """Build the surface on ``window`` x ``window`` windows (None: the whole grid) and print its figures."""
    res, seconds, traced = measure(
        lambda: build_resistance(
            study.resistance,
            rasters.__getitem__,
            vectors.__getitem__,
            grid,
            rasters["landcover"] > 0,
            GLOBELAND30,
            window=window,
        )
    )
    report(window, seconds, traced, [res.surface, *res.grades.values()])


if __name__ == "__main__":
    main()
