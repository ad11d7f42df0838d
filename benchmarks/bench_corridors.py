"""The whole corridor stage on a big random landscape, timed step by step.

Usage: uv run python benchmarks/bench_corridors.py [--size 4000] [--sources 80] [--width 15000] [--pairs allocation_adjacency]

A random resistance surface (uniform 1-100, float32, 30 m cells, fixed seed) with ``--sources``
source patches of 10 x 10 cells. Runs what the pipeline's corridors stage runs
(``econet.corridors.corridor_network``): multi-source cost distance and allocation, pair
selection, one bounded search per source, least-cost paths, the NLCC corridor mosaic truncated
at ``--width`` (resistance x m), the gravity model, width tiers. Issue 6 asks for at most 5
minutes at 4000 x 4000 with 80 sources. Prints wall seconds per step and peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np
from affine import Affine
from rasterio.crs import CRS


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=4000)
    ap.add_argument("--sources", type=int, default=80)
    ap.add_argument("--width", type=float, default=15000.0)
    ap.add_argument("--pairs", default="allocation_adjacency")
    args = ap.parse_args()

    from econet.config import CorridorsSection
    from econet.corridors import corridor_network, cost_distance, gravity, link_sources, source_mean_resistance
    from econet.grid import Grid
    from econet.habitat import Sources, patch_table
    from econet.landcover import GLOBELAND30

    rng = np.random.default_rng(0)
    n = args.size
    res = rng.uniform(1.0, 100.0, (n, n)).astype(np.float32)
    labels = np.zeros((n, n), np.int32)
    placed = 0
    while placed < args.sources:
        r, c = rng.integers(10, n - 20, 2)
        if labels[max(0, r - 2) : r + 12, max(0, c - 2) : c + 12].any():
            continue
        placed += 1
        labels[r : r + 10, c : c + 10] = placed
    grid = Grid(CRS.from_epsg(32650), Affine(30.0, 0, 500000.0, 0, -30.0, 4000000.0), (n, n))
    table = patch_table(labels, np.full((n, n), 20, np.int32), grid, GLOBELAND30)
    sources = Sources(table=table, labels=labels)
    cfg = CorridorsSection(pairs=args.pairs, width_cost=args.width)
    print(f"{n} x {n} cells, {args.sources} sources, pairs {args.pairs}, width {args.width:g}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    # Warm the compiled kernels on a small case so the timings below are the work itself.
    small = Grid(grid.crs, grid.transform, (40, 40))
    lab_s = np.zeros((40, 40), np.int32)
    lab_s[2:5, 2:5], lab_s[30:33, 30:33] = 1, 2
    small_table = patch_table(lab_s, np.full((40, 40), 20, np.int32), small, GLOBELAND30)
    corridor_network(np.ones((40, 40), np.float32), Sources(small_table, lab_s), small, cfg)

    t_all, c_all = time.perf_counter(), time.process_time()
    t = time.perf_counter()
    cd = cost_distance(res, labels, grid.cell_size_m)
    t_cd = time.perf_counter() - t
    t = time.perf_counter()
    link = link_sources(res, labels, table, grid, pairs=args.pairs, allocation=cd.allocation, width_cost=args.width)
    t_link = time.perf_counter() - t
    t = time.perf_counter()
    ids = table["id"].to_numpy()
    import pandas as pd

    area = pd.Series(table["area_km2"].to_numpy() * 1e6, index=ids)
    mean_res = pd.Series(source_mean_resistance(res, labels, ids), index=ids)
    g = gravity(link.paths, area, mean_res)
    t_grav = time.perf_counter() - t
    steps, cpu = time.perf_counter() - t_all, time.process_time() - c_all
    print(f"  cost distance + allocation (all sources): {t_cd:7.2f} s")
    print(f"  pairs, per-source searches, paths, NLCC:  {t_link:7.2f} s")
    print(f"  gravity model:                            {t_grav:7.2f} s")
    print(f"  steps total:                              {steps:7.2f} s ({cpu:.1f} CPU seconds over all threads)")
    t = time.perf_counter()
    out = corridor_network(res, sources, grid, cfg)
    t_stage = time.perf_counter() - t
    print(f"whole stage function (corridor_network, incl. tiers): {t_stage:.2f} s (limit 300 s)")
    print(
        f"corridors {len(out.paths)}, important {int((g['class'] == 'important').sum())}, "
        f"dropped {len(out.dropped)}, NLCC cells {int(np.isfinite(out.nlcc).sum())}"
    )
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
