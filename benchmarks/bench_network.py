"""Time the full network metric set on a 5000-node, average-degree-6 network and print the figures.

Usage: uv run python benchmarks/bench_network.py [--nodes 5000] [--degree 6] [--seed 0]
                                                 [--networkx-full] [--robustness]

The graph is a random geometric network (nodes in a 100 km square, each joined to its nearest
neighbours until the average degree is reached; corridor length = distance), like a city's
ecological network but larger. "Full metric set" = ``node_metrics`` (degree, degree centrality,
clustering, closeness on hops and on length, raw and normalised betweenness, eigenvector,
Louvain best of 10) + ``network_summary`` (density, components, average path length and diameter
on hops and length, clustering, modularity). Issue 8 asks for at most 15 s.

The reference is networkx's betweenness on the same graph: by default estimated from k = 250
sampled sources (its cost is linear in k, so x N/k), exactly with ``--networkx-full``
(about 85 s on the project machine). ``--robustness`` also times 100 random node attacks and
one recalculated degree attack. Peak memory is the process's ru_maxrss.
"""

from __future__ import annotations

import argparse
import resource
import time

import networkx as nx
import numpy as np
from scipy.spatial import cKDTree

from econet.network import attack_curves, node_metrics, topology


def spatial_network(n: int, degree: float, seed: int) -> nx.Graph:
    rng = np.random.default_rng(seed)
    pts = rng.uniform(0, 100_000, (n, 2))
    k = int(np.ceil(degree)) + 1
    dist, idx = cKDTree(pts).query(pts, k + 1)
    pairs = {}
    for i in range(n):
        for d, j in zip(dist[i, 1:], idx[i, 1:]):
            pairs[(min(i, j), max(i, j))] = d
    edges = sorted(pairs.items(), key=lambda kv: kv[1])[: int(n * degree / 2)]
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from((u, v, {"length_m": float(d)}) for (u, v), d in edges)
    return g


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--degree", type=float, default=6.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--networkx-full", action="store_true")
    ap.add_argument("--robustness", action="store_true")
    args = ap.parse_args()

    g = spatial_network(args.nodes, args.degree, args.seed)
    print(
        f"graph: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges, average degree "
        f"{2 * g.number_of_edges() / g.number_of_nodes():.2f}, {nx.number_connected_components(g)} components"
    )

    node_metrics(nx.path_graph(5))  # import igraph, warm up
    t0, c0 = time.perf_counter(), time.process_time()
    m, s = topology(g, "length_m")
    ours, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"econet full metric set  {ours:8.2f} s wall, {cpu:.2f} s CPU   (target <= 15 s: {'PASS' if ours <= 15 else 'FAIL'})"
    )
    print(
        f"  modularity {s['modularity']:.4f} in {s['communities']} communities, "
        f"average path {s['average_path_length_hops']:.2f} hops, diameter {s['diameter_hops']} hops"
    )

    t0 = time.perf_counter()
    if args.networkx_full:
        ref = nx.betweenness_centrality(g, normalized=False)
        nx_bc = time.perf_counter() - t0
        assert np.allclose(m["betweenness"], [ref[v] for v in g.nodes])
        label = "networkx betweenness (exact)"
    else:
        k = min(250, args.nodes)
        nx.betweenness_centrality(g, k=k, normalized=False, seed=0)
        nx_bc = (time.perf_counter() - t0) * args.nodes / k
        label = f"networkx betweenness (estimated from k={k})"
    print(f"{label:40s} {nx_bc:8.2f} s")
    print(f"ratio networkx betweenness alone / econet full set: {nx_bc / ours:.1f}x")

    if args.robustness:
        t0 = time.perf_counter()
        attack_curves(g, repeats=100, seed=0, by="degree", recalculate=True)
        print(f"robustness: 100 random + 1 recalculated degree attack  {time.perf_counter() - t0:8.2f} s")

    print(f"peak memory (ru_maxrss): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
