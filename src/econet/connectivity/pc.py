"""Probability of connectivity PC, ECA and node importance dPC (Saura & Pascual-Hortal 2007,
Conefor 2.6 conventions; METHODS.md §3).

p_ij = exp(-k d_ij) with k = -ln(p) / d for probability p at distance d; p*_ij is the best
product of probabilities over all paths. PCnum = Σ_i Σ_j a_i a_j p*_ij (ordered pairs, i = j
included), PC = PCnum / A_L², ECA = √PCnum, dPC_k = 100 (PCnum - PCnum_without_k) / PCnum.
This is the exact all-pairs computation with node removal by recomputation; the fast
algorithm of the connectivity issue replaces the removal loop.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import pandas as pd
import shapely
from scipy.sparse.csgraph import shortest_path


def edge_distances(geoms) -> np.ndarray:
    """Edge-to-edge Euclidean distance matrix between polygons (map units, 0 when touching)."""
    geoms = np.asarray(geoms, dtype=object)
    return shapely.distance(geoms[:, None], geoms[None, :]).astype(float)


def _best_paths(neg_log_p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """p*_ij = exp(-shortest path on -ln p) and the predecessor matrix of those paths.

    scipy reads a dense (near-)0 as "no edge", so the graph goes in as a sparse matrix whose
    explicit zeros keep touching patches (d = 0, p = 1) linked.
    """
    n = neg_log_p.shape[0]
    i, j = np.nonzero(~np.eye(n, dtype=bool) & np.isfinite(neg_log_p))
    graph = sp.csr_array((neg_log_p[i, j], (i, j)), shape=(n, n))
    dist, pred = shortest_path(graph, method="D", directed=False, return_predecessors=True)
    return np.exp(-dist), pred


def _pc_num(attr: np.ndarray, neg_log_p: np.ndarray) -> float:
    if attr.size == 0:
        return 0.0
    return float(attr @ _best_paths(neg_log_p)[0] @ attr)


def probability_of_connectivity(
    attr: np.ndarray, distances: np.ndarray, distance_m: float, probability: float, landscape_area: float
) -> tuple[dict, pd.DataFrame]:
    """Overall PC, PCnum, ECA and per-node dPC with its intra/flux/connector fractions.

    Removing a node that is not intermediate on any chosen best path leaves every other p*
    unchanged, so its dPC is exactly intra + flux; only intermediate nodes are recomputed.
    """
    attr = np.asarray(attr, dtype=float)
    n = attr.size
    k = -np.log(probability) / distance_m
    neg_log_p = k * np.asarray(distances, dtype=float)
    np.fill_diagonal(neg_log_p, 0.0)
    if n == 0:
        return {"PCnum": 0.0, "PC": 0.0, "ECA": 0.0}, pd.DataFrame(columns=["dPC", "dPCintra", "dPCflux", "dPCconnector"])
    best, pred = _best_paths(neg_log_p)
    num = float(attr @ best @ attr)
    if num <= 0:
        zeros = np.zeros(n)
        nodes = pd.DataFrame({"dPC": zeros, "dPCintra": zeros, "dPCflux": zeros, "dPCconnector": zeros})
        return {"PCnum": 0.0, "PC": 0.0, "ECA": 0.0}, nodes
    intra = 100.0 * attr**2 / num
    flux = 100.0 * 2 * (attr * (best @ attr) - attr**2) / num
    d = intra + flux
    on_path = (pred >= 0) & (pred != np.arange(n)[:, None])
    for i in np.unique(pred[on_path]):
        keep = np.arange(n) != i
        d[i] = 100.0 * (num - _pc_num(attr[keep], neg_log_p[np.ix_(keep, keep)])) / num
    nodes = pd.DataFrame({"dPC": d, "dPCintra": intra, "dPCflux": flux, "dPCconnector": d - intra - flux})
    overall = {"PCnum": num, "PC": num / landscape_area**2, "ECA": float(np.sqrt(num))}
    return overall, nodes


__all__ = ["edge_distances", "probability_of_connectivity"]
