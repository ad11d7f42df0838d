"""The cost-distance kernel: multi-source Dijkstra on the 8-neighbour grid, in numba.

Step cost between neighbouring cells u and v is (r_u + r_v) / 2 x step length, with step
length = cell size for rook moves and √2 x cell size for diagonal moves: GRASS r.cost's
default rule (and ArcGIS Cost Distance's). Costs are in resistance units x metres. Cells with
NaN or non-positive resistance are impassable. Every source cell starts at cost 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

# Neighbour offsets; back-link k means "the predecessor lies at (row - DR[k], col - DC[k])".
DR = np.array([-1, -1, -1, 0, 0, 1, 1, 1], dtype=np.int64)
DC = np.array([-1, 0, 1, -1, 1, -1, 0, 1], dtype=np.int64)
STEP = np.array([math.sqrt(2), 1, math.sqrt(2), 1, 1, math.sqrt(2), 1, math.sqrt(2)])


@dataclass
class CostDistance:
    """Accumulated cost (float64, inf where unreachable), allocation (label of the cheapest
    source, 0 if none) and back-links (int8 direction to the predecessor, -1 at sources)."""

    cost: np.ndarray
    allocation: np.ndarray
    backlink: np.ndarray


def cost_distance(
    resistance: np.ndarray, source_labels: np.ndarray, cell_size_m: float, max_cost: float = np.inf
) -> CostDistance:
    """Cumulative least cost from every labelled source cell (labels > 0) over ``resistance``.

    Costs above ``max_cost`` are not expanded (left at inf), which bounds the search.
    """
    if resistance.shape != source_labels.shape:
        raise ValueError("resistance and source labels must have the same shape")
    rows, cols = np.nonzero(source_labels > 0)
    res = np.ascontiguousarray(resistance, dtype=np.float64)
    labels = source_labels[rows, cols].astype(np.int32)
    cost, alloc, back = _dijkstra(
        res, rows.astype(np.int64), cols.astype(np.int64), labels, float(cell_size_m), float(max_cost)
    )
    return CostDistance(cost, alloc, back)


def trace_path(backlink: np.ndarray, row: int, col: int) -> np.ndarray:
    """Cells (row, col) from (row, col) back to its source, following back-links."""
    return _trace(backlink, int(row), int(col))


@numba.njit(cache=True)
def _trace(back, r, c):
    out = np.empty((back.size if back.size < 1 << 20 else 1 << 20, 2), dtype=np.int64)
    n = 0
    while True:
        if n == out.shape[0]:
            bigger = np.empty((out.shape[0] * 2, 2), dtype=np.int64)
            bigger[:n] = out[:n]
            out = bigger
        out[n, 0] = r
        out[n, 1] = c
        n += 1
        k = back[r, c]
        if k < 0:
            break
        r -= DR[k]
        c -= DC[k]
    return out[:n].copy()


@numba.njit(cache=True)
def _dijkstra(res, rows, cols, labels, cell, max_cost):
    h, w = res.shape
    cost = np.full((h, w), np.inf)
    alloc = np.zeros((h, w), dtype=np.int32)
    back = np.full((h, w), -1, dtype=np.int8)
    step = STEP * cell
    cap = max(1024, 4 * rows.size)
    hc = np.empty(cap, dtype=np.float64)  # binary heap with lazy deletion
    hi = np.empty(cap, dtype=np.int64)
    n = 0
    for s in range(rows.size):
        r, c = rows[s], cols[s]
        cost[r, c] = 0.0
        alloc[r, c] = labels[s]
        hc, hi, n = _push(hc, hi, n, 0.0, r * w + c)
    done = np.zeros((h, w), dtype=np.bool_)
    while n > 0:
        d, idx, hc, hi, n = _pop(hc, hi, n)
        r = idx // w
        c = idx - r * w
        if done[r, c] or d > cost[r, c]:
            continue
        done[r, c] = True
        ru = res[r, c]
        if not (ru > 0.0) or not math.isfinite(ru):
            continue
        for k in range(8):
            rr = r + DR[k]
            cc = c + DC[k]
            if rr < 0 or rr >= h or cc < 0 or cc >= w or done[rr, cc]:
                continue
            rv = res[rr, cc]
            if not (rv > 0.0) or not math.isfinite(rv):
                continue
            nd = d + 0.5 * (ru + rv) * step[k]
            if nd < cost[rr, cc] and nd <= max_cost:
                cost[rr, cc] = nd
                alloc[rr, cc] = alloc[r, c]
                back[rr, cc] = k
                hc, hi, n = _push(hc, hi, n, nd, rr * w + cc)
    return cost, alloc, back


@numba.njit(cache=True, inline="always")
def _push(hc, hi, n, d, idx):
    if n == hc.size:
        hc2 = np.empty(hc.size * 2, dtype=np.float64)
        hi2 = np.empty(hc.size * 2, dtype=np.int64)
        hc2[:n] = hc[:n]
        hi2[:n] = hi[:n]
        hc, hi = hc2, hi2
    i = n
    n += 1
    while i > 0:
        p = (i - 1) >> 1
        if hc[p] <= d:
            break
        hc[i] = hc[p]
        hi[i] = hi[p]
        i = p
    hc[i] = d
    hi[i] = idx
    return hc, hi, n


@numba.njit(cache=True, inline="always")
def _pop(hc, hi, n):
    d0, i0 = hc[0], hi[0]
    n -= 1
    d, idx = hc[n], hi[n]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= n:
            break
        if child + 1 < n and hc[child + 1] < hc[child]:
            child += 1
        if hc[child] >= d:
            break
        hc[i] = hc[child]
        hi[i] = hi[child]
        i = child
    if n > 0:
        hc[i] = d
        hi[i] = idx
    return d0, i0, hc, hi, n
