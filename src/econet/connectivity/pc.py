"""Probability of connectivity PC, ECA and node importance dPC (Saura & Pascual-Hortal 2007,
Conefor 2.6 conventions; METHODS.md §3).

p_ij = exp(-k d_ij) with k = -ln(p) / d for probability p at distance d; p*_ij is the best
product of probabilities over all paths. PCnum = Σ_i Σ_j a_i a_j p*_ij (ordered pairs, i = j
included), PC = PCnum / A_L², ECA = √PCnum, dPC_k = 100 (PCnum - PCnum_without_k) / PCnum.
This is the exact all-pairs computation; node removal recomputes only the shortest-path
rows that pass through the node. The connectivity issue's faster algorithm replaces it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import shortest_path


def edge_distances(geoms) -> np.ndarray:
    """Edge-to-edge Euclidean distance matrix between polygons (map units, 0 when touching)."""
    geoms = np.asarray(geoms, dtype=object)
    return shapely.distance(geoms[:, None], geoms[None, :]).astype(float)


def _graph(neg_log_p: np.ndarray, drop: int = -1) -> sp.csr_array:
    """The link graph on -ln p, optionally with node ``drop`` cut off.

    scipy reads a dense (near-)0 as "no edge", so the graph is a sparse matrix whose explicit
    zeros keep touching patches (d = 0, p = 1) linked.
    """
    n = neg_log_p.shape[0]
    keep = ~np.eye(n, dtype=bool) & np.isfinite(neg_log_p)
    if drop >= 0:
        keep[drop, :] = keep[:, drop] = False
    i, j = np.nonzero(keep)
    return sp.csr_array((neg_log_p[i, j], (i, j)), shape=(n, n))


def _no_connectivity(n: int) -> tuple[dict, pd.DataFrame]:
    """The result for no nodes, or nodes with zero attribute: every index is 0."""
    zeros = np.zeros(n)
    nodes = pd.DataFrame({"dPC": zeros, "dPCintra": zeros, "dPCflux": zeros, "dPCconnector": zeros})
    return {"PCnum": 0.0, "PC": 0.0, "ECA": 0.0}, nodes


def probability_of_connectivity(
    attr: np.ndarray, distances: np.ndarray, distance_m: float, probability: float, landscape_area: float
) -> tuple[dict, pd.DataFrame]:
    """Overall PC, PCnum, ECA and per-node dPC with its intra/flux/connector fractions.

    Exact. Removing node k changes p*_ij only for sources i whose shortest-path tree passes
    through k, so only those rows are recomputed (one Dijkstra each, on the graph without k);
    a node that is intermediate on no best path has dPC = intra + flux.
    """
    attr = np.asarray(attr, dtype=float)
    n = attr.size
    k = -np.log(probability) / distance_m
    neg_log_p = k * np.asarray(distances, dtype=float)
    np.fill_diagonal(neg_log_p, 0.0)
    if n == 0:
        return _no_connectivity(n)
    dist, pred = shortest_path(_graph(neg_log_p), method="D", directed=False, return_predecessors=True)
    best = np.exp(-dist)
    flow = best @ attr
    num = float(attr @ flow)
    if num <= 0:
        return _no_connectivity(n)
    intra = 100.0 * attr**2 / num
    flux = 100.0 * 2 * (attr * flow - attr**2) / num
    d = intra + flux
    on_path = (pred >= 0) & (pred != np.arange(n)[:, None])
    for node in np.unique(pred[on_path]):
        rows = np.flatnonzero((pred == node).any(axis=1))
        rows = rows[rows != node]
        new = np.exp(-shortest_path(_graph(neg_log_p, drop=node), method="D", directed=False, indices=rows))
        new[:, node] = 0.0
        old = best[rows]
        # PCnum without the node: drop its row and column, then swap in the changed rows.
        without = num - 2 * attr[node] * flow[node] + attr[node] ** 2
        without += attr[rows] @ ((new @ attr) - (old @ attr - old[:, node] * attr[node]))
        d[node] = 100.0 * (num - without) / num
    nodes = pd.DataFrame({"dPC": d, "dPCintra": intra, "dPCflux": flux, "dPCconnector": d - intra - flux})
    overall = {"PCnum": num, "PC": num / landscape_area**2, "ECA": float(np.sqrt(num))}
    return overall, nodes


__all__ = ["edge_distances", "probability_of_connectivity"]
