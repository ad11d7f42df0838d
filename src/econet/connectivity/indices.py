"""Connectivity indices PC and IIC with node importances dPC and dIIC (Conefor conventions,
docs/methods/connectivity.md; Saura & Pascual-Hortal 2007, Saura & Rubio 2010).

Inputs are node attributes ``a`` (area or any other quantity) and distances, either a dense
``n x n`` matrix (every finite off-diagonal entry is a link, as Conefor's ``-t dist all``) or a
sparse :class:`Links` list (only the listed pairs are links, as ``-t dist notall``). A distance
of 0 is a link with p = 1. Results are exact: no link is dropped unless ``min_probability`` is
given.

* PC: p_ij = exp(-k d_ij), k = -ln(probability) / distance_m; p*_ij is the best product of
  probabilities over all paths; PCnum = Σ_i Σ_j a_i a_j p*_ij (ordered pairs, i = j included).
* IIC: links where d_ij ≤ threshold (< with ``strict=True``, Makurhini's rule); IICnum =
  Σ_i Σ_j a_i a_j / (1 + nl_ij), nl the fewest links between i and j, 0 when unconnected.
* X = num / A_L², EC(X) = √num; Xintra, Xdirect (pairs joined by a link, valued by that link)
  and Xstep (the rest) as % of num.
* dX_k = 100 (num − num₋ₖ) / num = dXintra + dXflux + dXconnector with dXintra = 100 a_k² / num,
  dXflux = 100 · 2 a_k Σ_{j≠k} a_j v*_kj / num; varX_k = (num − num₋ₖ) / A_L² (Conefor's
  absolute variation; the plain numerator difference when A_L is not given).

The connector term needs node removal, but only pairs whose every best path passes through k
change; see ``_kernels`` for how only those are recomputed.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from econet.connectivity import _kernels

if TYPE_CHECKING:
    import pandas as pd

TIE_RTOL = 1e-12  # two path lengths this close (relative) are the same best path


class Links(NamedTuple):
    """A sparse list of undirected links between nodes ``i`` and ``j`` (0-based) at ``distance``."""

    i: np.ndarray
    j: np.ndarray
    distance: np.ndarray


def links_from_matrix(distances: np.ndarray) -> Links:
    """All finite off-diagonal pairs of a square distance matrix (the smaller of d_ij, d_ji)."""
    d = np.asarray(distances, dtype=float)
    if d.ndim != 2 or d.shape[0] != d.shape[1]:
        raise ValueError(f"distance matrix must be square, got shape {d.shape}")
    if np.any(d < 0):
        raise ValueError("distances must be >= 0")
    sym = np.fmin(d, d.T)  # a NaN on one side takes the other side's value
    i, j = np.triu_indices(d.shape[0], k=1)
    dij = sym[i, j]
    ok = np.isfinite(dij)
    return Links(i[ok], j[ok], dij[ok])


def _as_links(distances, n: int) -> Links:
    if isinstance(distances, Links):
        i = np.asarray(distances.i, dtype=np.int64)
        j = np.asarray(distances.j, dtype=np.int64)
        d = np.asarray(distances.distance, dtype=float)
        if not (i.shape == j.shape == d.shape):
            raise ValueError("Links: i, j and distance must have the same length")
        if i.size and (min(i.min(), j.min()) < 0 or max(i.max(), j.max()) >= n):
            raise ValueError(f"Links: node indices must lie in 0..{n - 1}")
        if np.any(d < 0) or np.any(np.isnan(d)):
            raise ValueError("Links: distances must be >= 0 (no NaN)")
        return Links(i, j, d)
    d = np.asarray(distances, dtype=float)
    if d.shape != (n, n):
        raise ValueError(f"distance matrix has shape {d.shape}, expected ({n}, {n}) for {n} nodes")
    return links_from_matrix(d)


def _csr(n: int, i: np.ndarray, j: np.ndarray, w: np.ndarray):
    """Symmetric adjacency in CSR arrays; self links dropped, repeated pairs keep the lightest."""
    keep = i != j
    i, j, w = i[keep], j[keep], w[keep]
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    if lo.size:
        key = lo * n + hi
        order = np.lexsort((w, key))
        first = np.ones(order.size, bool)
        first[1:] = key[order][1:] != key[order][:-1]
        sel = order[first]
        lo, hi, w = lo[sel], hi[sel], w[sel]
    src = np.concatenate([lo, hi])
    dst = np.concatenate([hi, lo])
    ww = np.concatenate([w, w])
    order = np.argsort(src, kind="stable")
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, dst[order].astype(np.int64), ww[order].astype(float), lo, hi, w


def _decay(distance_m: float, probability: float) -> float:
    if not distance_m > 0:
        raise ValueError(f"distance_m must be > 0, got {distance_m}")
    if not 0 < probability <= 1:
        raise ValueError(f"probability must be in (0, 1], got {probability}")
    return -np.log(probability) / distance_m


def _check_attr(attr) -> np.ndarray:
    a = np.asarray(attr, dtype=float)
    if a.ndim != 1:
        raise ValueError("node attributes must be a 1-D array")
    if np.any(~np.isfinite(a)) or np.any(a < 0):
        raise ValueError("node attributes must be finite and >= 0")
    return a


# Sources are dealt round-robin into a fixed number of chunks and the chunks' connector sums
# added in chunk order, so the result is the same to the last bit whatever the thread count.
CHUNKS = 16


def _all_sources(indptr, nbr, wt, attr, mode, node_importance, threads: int | None = None):
    """flow, direct and conn of every node (see ``_kernels.source_chunk``), the chunks run on
    ``threads`` threads (default: the machine's cores)."""
    n = attr.size
    chunks = min(n, CHUNKS)
    flow, direct = np.zeros(n), np.zeros(n)
    conn = np.zeros((chunks, n))

    def run(c):
        _kernels.source_chunk(indptr, nbr, wt, attr, mode, TIE_RTOL, node_importance, c, chunks, flow, direct, conn[c])

    with ThreadPoolExecutor(min(chunks, threads or os.cpu_count() or 1)) as pool:
        list(pool.map(run, range(chunks)))
    total = np.zeros(n)
    for c in range(chunks):
        total += conn[c]
    return flow, direct, total


def _indices(name, a, csr, mode, landscape_area, node_importance, as_frame):
    n = a.size
    if n:
        indptr, nbr, wt, lo, hi, w = csr
        # Relabel nodes in a geometry-following order (pure speed: each pair is handled from its
        # smaller end, and whole subtrees on the larger side are then skipped).
        order = _kernels.sweep_order(indptr, nbr, wt)
        rank = np.empty(n, np.int64)
        rank[order] = np.arange(n)
        indptr, nbr, wt, *_ = _csr(n, rank[lo], rank[hi], w)
        flow, direct, conn = _all_sources(indptr, nbr, wt, a[order], mode, node_importance)
        flow, direct, conn = flow[rank], direct[rank], conn[rank]
    else:
        flow = direct = conn = np.zeros(0)
    num = float(a @ flow)
    intra_sum = float(a @ a)
    direct_sum = float(a @ direct)
    area2 = landscape_area**2 if landscape_area else None
    pct = 100.0 / num if num > 0 else 0.0
    overall = {
        f"{name}num": num,
        f"EC({name})": float(np.sqrt(num)),
        name: num / area2 if area2 else np.nan,
        f"{name}intra(%)": intra_sum * pct,
        f"{name}direct(%)": direct_sum * pct,
        f"{name}step(%)": (num - intra_sum - direct_sum) * pct,
    }
    if not node_importance:
        return overall, None
    intra = a * a
    flux = 2.0 * a * (flow - a)
    parts = {"": intra + flux + conn, "intra": intra, "flux": flux, "connector": conn}
    nodes = {f"d{name}{k}": v * pct for k, v in parts.items()}
    scale = 1.0 / area2 if area2 else 1.0
    nodes |= {f"var{name}{k}": v * scale for k, v in parts.items()}
    if not as_frame:
        return overall, nodes
    import pandas as pd  # on use: ``econet conefor`` writes its tables without pandas' start-up time

    return overall, pd.DataFrame(nodes)


def pc_indices(
    attr,
    distances,
    distance_m: float,
    probability: float,
    landscape_area: float | None = None,
    *,
    min_probability: float | None = None,
    node_importance: bool = True,
    as_frame: bool = True,
) -> tuple[dict, pd.DataFrame | dict[str, np.ndarray] | None]:
    """Overall PC indices and per-node dPC (with intra, flux, connector) over ``distances``.

    ``distances`` is an ``n x n`` matrix or :class:`Links` (map units, as ``distance_m``);
    ``landscape_area`` is A_L in the attribute's units (PC is NaN without it).
    ``min_probability`` (off by default, so exact) drops links with p_ij below it, like
    Conefor's ``-pcHeur`` and Makurhini's ``pij_min``.
    Returns (overall dict with keys PCnum, EC(PC), PC, PCintra(%), PCdirect(%), PCstep(%);
    DataFrame with dPC, dPCintra, dPCflux, dPCconnector and the varPC columns, or with
    ``as_frame=False`` a dict of those columns as arrays; None without ``node_importance``).
    """
    a = _check_attr(attr)
    k = _decay(distance_m, probability)
    links = _as_links(distances, a.size)
    w = k * links.distance
    if min_probability is not None:
        if not 0 < min_probability <= 1:
            raise ValueError(f"min_probability must be in (0, 1], got {min_probability}")
        keep = w <= -np.log(min_probability)
        links = Links(links.i[keep], links.j[keep], links.distance[keep])
        w = w[keep]
    keep = np.isfinite(w)
    csr = _csr(a.size, links.i[keep], links.j[keep], w[keep])
    return _indices("PC", a, csr, _kernels.PC_MODE, landscape_area, node_importance, as_frame)


def iic_indices(
    attr,
    distances,
    threshold: float,
    landscape_area: float | None = None,
    *,
    strict: bool = False,
    node_importance: bool = True,
    as_frame: bool = True,
) -> tuple[dict, pd.DataFrame | dict[str, np.ndarray] | None]:
    """Overall IIC indices and per-node dIIC (with intra, flux, connector).

    Links are the pairs with d ≤ ``threshold`` (Conefor), or d < ``threshold`` with ``strict``
    (Makurhini). Pass ``threshold=np.inf`` to use every listed link (a given graph topology).
    Returns dicts/columns named as :func:`pc_indices` with IIC in place of PC.
    """
    a = _check_attr(attr)
    links = _as_links(distances, a.size)
    keep = links.distance < threshold if strict else links.distance <= threshold
    csr = _csr(a.size, links.i[keep], links.j[keep], np.ones(int(keep.sum())))
    return _indices("IIC", a, csr, _kernels.IIC_MODE, landscape_area, node_importance, as_frame)


def best_probabilities(distances, n: int, distance_m: float, probability: float) -> np.ndarray:
    """The ``n x n`` matrix of maximum-product path probabilities p*_ij."""
    links = _as_links(distances, n)
    w = _decay(distance_m, probability) * links.distance
    keep = np.isfinite(w)
    indptr, nbr, wt, *_ = _csr(n, links.i[keep], links.j[keep], w[keep])
    return _kernels.best_values(indptr, nbr, wt, _kernels.PC_MODE, np.arange(n))


def directed_best_probabilities(n: int, tail, head, probability, sources=None) -> np.ndarray:
    """Most reliable path probabilities over a directed graph: row r holds p*(sources[r], v) for
    every node v (the best product of arc probabilities; 1 on the diagonal, 0 when unreachable).
    Arcs with p = 0 are absent; parallel arcs keep the best. ``sources`` defaults to every node."""
    p = np.asarray(probability, dtype=float)
    tail = np.asarray(tail, dtype=np.int64)
    head = np.asarray(head, dtype=np.int64)
    if np.any(~(p >= 0) | (p > 1)):
        raise ValueError("arc probabilities must lie in [0, 1]")
    keep = (p > 0) & (tail != head)
    tail, head, w = tail[keep], head[keep], -np.log(p[keep])
    order = np.lexsort((w, head, tail))
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(tail, minlength=n), out=indptr[1:])
    src = np.arange(n, dtype=np.int64) if sources is None else np.asarray(sources, dtype=np.int64)
    return _kernels.best_values(indptr, head[order], w[order], _kernels.PC_MODE, src)


__all__ = [
    "Links",
    "best_probabilities",
    "directed_best_probabilities",
    "iic_indices",
    "links_from_matrix",
    "pc_indices",
]
