"""Time the connectivity engine on the issue's two cases and print the figures.

Usage: uv run python benchmarks/bench_connectivity.py [--n 2000] [--side-km 100] [--threads N]

1. Makurhini Spain, 359 nodes, all 64,261 pairs (Conefor 2.7.3 run in
   tests/fixtures/connectivity): every node importance, dPC with intra/flux/connector and dIIC.
   Target: ≤ 2 s (Conefor 2.7.3 took 122 s on the project machine). Also checks the result
   against Conefor's output and times a brute-force removal (scipy, every pair recomputed for
   each removed node) on a few nodes to give a same-machine ratio.
2. ``--n`` random nodes (uniform in a ``--side-km`` square, lognormal areas), links between pairs
   ≤ 5 km apart (edge list from an STRtree), PC with p = 0.5 at 5 km and IIC with a 5 km threshold,
   all node importances. Target: ≤ 60 s and ≤ 2 GB.

The first call of each kernel includes loading numba's compiled cache (or compiling, the very
first time); it is timed separately ("first call").
"""

from __future__ import annotations

import argparse
import gzip
import resource
import sys
import time
from pathlib import Path

import numba
import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import shortest_path

from econet.connectivity import Links, edge_distances, iic_indices, pc_indices
from econet.connectivity.conefor import read_connection_file, read_node_file

SPAIN = Path(__file__).parents[1] / "tests" / "fixtures" / "connectivity" / "conefor_2.7.3_runs" / "spain_makurhini"
CONEFOR_SPAIN_S = 122.0  # Conefor 2.7.3, same case, project machine (oracle INDEX)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def all_importances(a, links, distance, probability, threshold):
    pc = pc_indices(a, links, distance, probability)
    iic = iic_indices(a, links, threshold)
    return pc, iic


def brute_removal_seconds(a, links, k, nodes):
    """Seconds per removed node for the naive method: all-pairs Dijkstra without the node."""
    n = a.size
    w = k * links.distance
    t0 = time.perf_counter()
    for drop in nodes:
        keep = (links.i != drop) & (links.j != drop)
        i, j, ww = links.i[keep], links.j[keep], w[keep]
        g = sp.csr_array((np.r_[ww, ww], (np.r_[i, j], np.r_[j, i])), shape=(n, n))
        p = np.exp(-shortest_path(g, method="D", directed=False))
        a @ p @ a
    return (time.perf_counter() - t0) / len(nodes)


def spain() -> None:
    nodes = read_node_file(SPAIN / "nodes_359.txt")
    with gzip.open(SPAIN / "dist_359.txt.gz", "rt") as f:
        tmp = Path("/tmp") / "econet_bench_dist_359.txt"
        tmp.write_text(f.read())
    links = read_connection_file(tmp, nodes.id)
    tmp.unlink()
    a = nodes.attr
    d = 980966.64
    t0 = time.perf_counter()
    all_importances(a, links, d, 0.5, d)
    first = time.perf_counter() - t0
    times = []
    c0 = time.process_time()
    for _ in range(3):
        t0 = time.perf_counter()
        (pc, pcn), (iic, iicn) = all_importances(a, links, d, 0.5, d)
        times.append(time.perf_counter() - t0)
    cpu = (time.process_time() - c0) / 3
    want = pd.read_csv(SPAIN / "spain359_node_importances.txt", sep="\t")
    err = np.max(np.abs(pcn["dPC"] - want["dPC"]) / np.maximum(np.abs(want["dPC"]), 1e-6))
    brute = brute_removal_seconds(a, links, -np.log(0.5) / d, np.arange(5))
    best = min(times)
    print(f"Spain 359 nodes, {links.i.size} pairs (all), dPC+fractions and dIIC for every node")
    print(f"  first call (numba cache load): {first:.2f} s")
    print(f"  warm: best {best:.3f} s, runs {', '.join(f'{t:.3f}' for t in times)} s   target <= 2 s")
    print(f"  CPU time per run (all threads): {cpu:.3f} s")
    print(f"  PCnum {pc['PCnum']:.6g} (Conefor 2.54445e+12), max rel. diff of dPC vs Conefor {err:.1e}")
    print(f"  Conefor 2.7.3: {CONEFOR_SPAIN_S:.0f} s -> {CONEFOR_SPAIN_S / best:.0f}x faster")
    print(
        f"  brute-force removal (scipy all pairs per node): {brute:.3f} s/node -> {brute * a.size:.1f} s "
        f"for all 359 (PC only) -> {brute * a.size / best:.0f}x"
    )


def random_case(n: int, side_km: float, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, side_km * 1000, (n, 2))
    a = rng.lognormal(3, 1, n)
    t0 = time.perf_counter()
    links = edge_distances(shapely.points(xy), max_distance=5000.0)
    t_links = time.perf_counter() - t0
    assert isinstance(links, Links)
    pc_indices(a[:50], Links(links.i[:0], links.j[:0], links.distance[:0]), 5000, 0.5)  # warm the cache
    c0, t0 = time.process_time(), time.perf_counter()
    pc, pcn = pc_indices(a, links, 5000.0, 0.5)
    t_pc, c_pc = time.perf_counter() - t0, time.process_time() - c0
    c0, t0 = time.process_time(), time.perf_counter()
    iic, iicn = iic_indices(a, links, 5000.0)
    t_iic, c_iic = time.perf_counter() - t0, time.process_time() - c0
    deg = 2 * links.i.size / n
    conn_pc = int((pcn["dPCconnector"] > 0).sum())
    print(
        f"Random {n} nodes in {side_km:g} x {side_km:g} km, links d <= 5 km: {links.i.size} links, mean degree {deg:.1f}"
    )
    print(f"  link list (STRtree): {t_links:.2f} s")
    print(f"  PC + dPC fractions: {t_pc:.2f} s; IIC + dIIC fractions: {t_iic:.2f} s; total {t_pc + t_iic:.2f} s "
          f"(target <= 60 s)")  # fmt: skip
    print(f"  CPU time (all threads): PC {c_pc:.2f} s, IIC {c_iic:.2f} s (wall x threads when the machine is quiet)")
    print(f"  PC {pc['PCnum']:.6g}, nodes with a connector role: {conn_pc}")
    print(f"  peak memory (ru_maxrss): {peak_mb():.0f} MB (target <= 2048 MB)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--side-km", type=float, default=100.0)
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args()
    if args.threads:
        numba.set_num_threads(args.threads)
    print(f"numba threads: {numba.get_num_threads()}, python {sys.version.split()[0]}")
    spain()
    random_case(args.n, args.side_km)


if __name__ == "__main__":
    main()
