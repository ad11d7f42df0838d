"""Time every indicator on a 4000 x 4000 grid and print the figures (issue 9: at most 3 minutes).

Usage: uv run python benchmarks/bench_indicators.py [--size 4000] [--invest-size 600]

Inputs: the demo city generated at 1000 x 1000 and mirrored (numpy reflect padding) out to
``--size`` cells a side, so every layer keeps its real texture and the DEM stays continuous.
Prints each model's wall time, the total and the peak resident memory. With natcap.invest
installed it also times InVEST and econet on the same ``--invest-size`` city, in this process,
and prints the ratios (InVEST time / econet time).

``--compare N`` (issue 20) runs ``compute_indicators`` (every econet model, less those
``--without`` names, e.g. ``--without sediment,sensitivity``: SDR is computed on the whole grid)
on the whole grid and on N x N windows, each in a fresh process, and prints time, peak memory
and whether the rasters are identical (benchmarks/_windowed.py); ``--window N`` is one such run
(0: the whole grid).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time

import numpy as np
from _windowed import compare, measure, report

from econet.demo.city import generate_city
from econet.indicators import invest, spectral
from econet.indicators.biophysical import DEMO_THREATS, column, default_biophysical_table
from econet.indicators.carbon import POOLS, carbon_sink, carbon_storage, sink_coefficients
from econet.indicators.compute import compute_indicators
from econet.indicators.elasticity import eco_elasticity, shannon_diversity
from econet.indicators.habitat_quality import ThreatSpec, habitat_quality
from econet.indicators.rsei import rsei
from econet.indicators.sediment import sediment_retention
from econet.indicators.sensitivity import DEFAULT_BREAKS, ecological_sensitivity, grade, vegetation_cover
from econet.indicators.water_conservation import water_conservation
from econet.indicators.water_yield import water_yield
from econet.landcover import GLOBELAND30, landcover_values
from econet.rasterops import slope_deg
from econet.zonal import zonal_mean, zonal_sum


def _grow(a: np.ndarray, size: int) -> np.ndarray:
    h, w = a.shape
    while a.shape[0] < size or a.shape[1] < size:
        a = np.pad(
            a, ((0, min(size - a.shape[0], a.shape[0] - 1)), (0, min(size - a.shape[1], a.shape[1] - 1))), "reflect"
        )
    return np.ascontiguousarray(a[:size, :size])


def run_all(r: dict, cell: float, timings: dict) -> None:
    lc = r["landcover"].astype(np.int32)
    t = default_biophysical_table()

    def by_class(name):
        return landcover_values(lc, column(t, name))

    def timed(name, fn):
        t0 = time.perf_counter()
        out = fn()
        timings[name] = time.perf_counter() - t0
        return out

    b = {k: r[k] for k in ("blue", "green", "red", "nir", "swir1", "swir2")}
    ndvi = timed("ndvi", lambda: spectral.ndvi(b["nir"], b["red"]))
    mndwi = timed("mndwi", lambda: spectral.mndwi(b["green"], b["swir1"]))
    wet = timed("wet", lambda: spectral.wetness(*b.values(), sensor="landsat8"))
    ndbsi = timed("ndbsi", lambda: spectral.ndbsi(b["blue"], b["green"], b["red"], b["nir"], b["swir1"]))
    lst = timed("lst", lambda: spectral.lst(r["thermal"]))
    timed("rsei", lambda: rsei(ndvi, wet, ndbsi, lst, mask=~(mndwi > 0)))
    sink = timed("carbon_sink", lambda: carbon_sink(lc, sink_coefficients(GLOBELAND30), cell * cell))
    threats = {th.name: r[th.layer] for th in DEMO_THREATS}
    specs = {th.name: ThreatSpec(th.max_distance_m, th.weight, th.decay) for th in DEMO_THREATS}
    timed(
        "habitat_quality",
        lambda: habitat_quality(
            lc, threats, specs, column(t, "habitat"), {k: column(t, k) for k in threats}, cell, 0.5
        ),
    )
    timed("carbon_storage", lambda: carbon_storage(lc, {p: column(t, p) for p in POOLS}))
    wy = timed(
        "water_yield",
        lambda: water_yield(
            r["precipitation_mm"],
            r["pet_mm"],
            r["root_depth_mm"],
            r["pawc"],
            by_class("kc"),
            by_class("root_depth"),
            by_class("lulc_veg"),
            5.0,
        ),
    )
    timed(
        "water_conservation",
        lambda: water_conservation(wy.water_yield, r["precipitation_mm"], by_class("runoff_coefficient")),
    )
    sed = timed(
        "sediment",
        lambda: sediment_retention(
            r["dem"], r["erosivity"], r["erodibility"], by_class("usle_c"), by_class("usle_p"), cell, 1000
        ),
    )
    window = int(round(990 / cell)) | 1
    timed(
        "elasticity",
        lambda: eco_elasticity(
            by_class("elasticity_resistance"), shannon_diversity(lc, window), by_class("elasticity_recovery")
        ),
    )
    timed(
        "sensitivity",
        lambda: ecological_sensitivity(
            {
                "dem": grade(r["dem"], DEFAULT_BREAKS["dem"]),
                "slope": grade(slope_deg(r["dem"], cell), DEFAULT_BREAKS["slope"]),
                "vegetation": grade(vegetation_cover(ndvi), DEFAULT_BREAKS["vegetation"]),
                "erosion": grade(np.nan_to_num(sed.usle), DEFAULT_BREAKS["erosion"]),
                "landcover": by_class("sensitivity_grade"),
            },
            {"dem": 0.15, "slope": 0.2, "vegetation": 0.2, "erosion": 0.2, "landcover": 0.25},
        ),
    )
    # Per-zone means: 100 square zones standing in for sources.
    zones = (np.arange(lc.shape[0])[:, None] * 10 // lc.shape[0]) * 10 + np.arange(lc.shape[1])[
        None, :
    ] * 10 // lc.shape[1]
    timed("zonal_means", lambda: [zonal_mean(zones, a) for a in (ndvi, sink, wy.water_yield, sed.retention)])
    timed("carbon sink per zone", lambda: zonal_sum(zones, sink))


def compare_invest(size: int) -> None:
    c = generate_city(size, 0)
    r, g = c.rasters, c.grid
    lc = r["landcover"].astype(np.int32)
    t = default_biophysical_table()
    threats = {th.name: r[th.layer] for th in DEMO_THREATS}
    specs = {th.name: ThreatSpec(th.max_distance_m, th.weight, th.decay) for th in DEMO_THREATS}
    ours: dict[str, float] = {}
    run_all(r, g.cell_size_m, ours)
    ref = {}
    with tempfile.TemporaryDirectory() as ws:
        for name, fn in (
            ("habitat_quality", lambda: invest.habitat_quality(lc, threats, specs, t, g, 0.5, ws)),
            ("carbon_storage", lambda: invest.carbon_storage(lc, t, g, ws)),
            (
                "water_yield",
                lambda: invest.water_yield(
                    lc, r["precipitation_mm"], r["pet_mm"], r["root_depth_mm"], r["pawc"], t, g, 5.0, ws
                ),
            ),
            ("sediment", lambda: invest.sdr(lc, r["dem"], r["erosivity"], r["erodibility"], t, g, ws, 1000)),
        ):
            t0 = time.perf_counter()
            fn()
            ref[name] = time.perf_counter() - t0
    print(f"\nnatcap.invest vs econet on the {size} x {size} demo city (same process, wall seconds):")
    for name, sec in ref.items():
        print(f"  {name:18s} invest {sec:7.2f} s   econet {ours[name]:7.2f} s   ratio {sec / ours[name]:6.1f}x")


MODELS = [
    "spectral",
    "rsei",
    "carbon_sink",
    "carbon_storage",
    "habitat_quality",
    "water_yield",
    "water_conservation",
    "sediment",
    "elasticity",
    "sensitivity",
]


def one_run(size: int, window: int | None, models: list[str]) -> None:
    """``compute_indicators`` with every econet model on the demo city grown to ``size``, on
    ``window`` x ``window`` windows (None: the whole grid); prints its figures as one JSON line."""
    from econet.config import parse_study
    from econet.grid import Grid

    city = generate_city(1000, 0)
    crs, transform = city.grid.crs, city.grid.transform
    needed = ["landcover", "blue", "green", "red", "nir", "swir1", "swir2", "thermal", "dem", "erosivity"]
    needed += ["erodibility", "precipitation_mm", "pet_mm", "root_depth_mm", "pawc"]
    needed += [th.layer for th in DEMO_THREATS]
    r = {k: _grow(city.rasters[k], size) for k in needed}
    del city
    grid = Grid(crs, transform, (size, size))
    threats = {
        th.name: {"layer": th.layer, "max_distance_m": th.max_distance_m, "weight": th.weight} for th in DEMO_THREATS
    }
    doc = {
        "layers": {k: {"path": f"{k}.tif", "kind": "categorical" if k == "landcover" else "continuous"} for k in r},
        "landcover": {"table": "globeland30"},
        "indicators": {"models": models, "lst_layer": "thermal", "threats": threats},
    }
    cfg = parse_study(doc, check_files=False).indicators
    lc = r["landcover"].astype(np.int32)
    res, seconds, traced = measure(
        lambda: compute_indicators(
            cfg, r.__getitem__, lc, lc > 0, GLOBELAND30, grid, default_biophysical_table(), window=window
        )
    )
    report(window, seconds, traced, list(res.rasters.values()))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=4000)
    ap.add_argument("--invest-size", type=int, default=600)
    ap.add_argument("--window", type=int, default=None, help="window side in cells (0: whole grid); one JSON line")
    ap.add_argument("--compare", type=int, default=None, help="compare N x N windows with the whole grid")
    ap.add_argument("--without", default="", help="models left out of --compare / --window, comma-separated")
    args = ap.parse_args()
    if args.compare:
        return compare(__file__, ["--size", str(args.size), "--without", args.without], args.compare)
    if args.window is not None:
        small = generate_city(200, 0)  # compile the numba kernels outside the measurement
        run_all(small.rasters, small.grid.cell_size_m, {})
        return one_run(args.size, args.window or None, [m for m in MODELS if m not in args.without.split(",")])
    # Warm up the compiled kernels (numba) on a small city so the big run times work, not compiling.
    small = generate_city(200, 0)
    run_all(small.rasters, small.grid.cell_size_m, {})
    city = generate_city(1000, 0)
    r = {k: _grow(v, args.size) for k, v in city.rasters.items()}
    del city
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    run_all(r, 30.0, timings)
    total = time.perf_counter() - t0
    print(f"Indicators on {args.size} x {args.size} cells ({args.size**2 / 1e6:.1f} M), wall seconds:")
    for name, sec in timings.items():
        print(f"  {name:18s} {sec:8.2f}")
    print(f"  {'TOTAL':18s} {total:8.2f}   (limit 180 s: {'OK' if total <= 180 else 'OVER'})")
    print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2:.2f} GiB")
    if invest.available():
        compare_invest(args.invest_size)
    else:
        print("natcap.invest not installed: no comparison (install the 'invest' extra)")


if __name__ == "__main__":
    main()
