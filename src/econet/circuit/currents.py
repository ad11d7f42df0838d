"""Currents from voltages, in numba (Circuitscape conventions, docs/methods/circuit.md).

Branch current on edge (u, v) = w |V_u - V_v|. Node current = max(sum of inflows, sum of
outflows) over its branches, a finite ground's current counting as a branch to 0 V; at a focal
node this equals the injected current. For many pairs the cumulative and maximum maps are
built straight from the k - 1 grounded solutions, V_ab = x_b - x_a, without forming each pair.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np


@numba.njit(cache=True)
def node_currents(u, v, w, volt, shunt):
    """Current through every node for voltages ``volt``; ``shunt`` holds finite-ground
    conductances (length n, or empty)."""
    n = volt.size
    inflow = np.zeros(n)
    outflow = np.zeros(n)
    for e in range(u.size):
        f = w[e] * (volt[u[e]] - volt[v[e]])
        if f > 0:
            outflow[u[e]] += f
            inflow[v[e]] += f
        else:
            outflow[v[e]] -= f
            inflow[u[e]] -= f
    if shunt.size == n:
        for i in range(n):
            f = shunt[i] * volt[i]
            if f > 0:
                outflow[i] += f
            else:
                inflow[i] -= f
    return np.maximum(inflow, outflow)


@numba.njit(cache=True)
def branch_currents(u, v, w, volt):
    """|current| on every edge."""
    out = np.empty(u.size)
    for e in range(u.size):
        out[e] = abs(w[e] * (volt[u[e]] - volt[v[e]]))
    return out


@numba.njit(cache=True)
def _pair_into(u, v, w, x, a, b, inflow, outflow):
    for i in range(inflow.size):
        inflow[i] = 0.0
        outflow[i] = 0.0
    for e in range(u.size):
        p = u[e]
        q = v[e]
        dv = x[b, p] - x[b, q]
        if a >= 0:
            dv -= x[a, p] - x[a, q]
        f = w[e] * dv
        if f > 0:
            outflow[p] += f
            inflow[q] += f
        else:
            outflow[q] -= f
            inflow[p] -= f


# Pairs are dealt round-robin into a fixed number of chunks, each with its own accumulators, and
# the chunks' sums added in chunk order: the same bits whatever the thread count. Four chunks
# keep the accumulators to 4 (or 8, with the maximum map) node-sized arrays.
CHUNKS = 4


def pairwise_current_maps(u, v, w, x, pa, pb, want_max, threads: int | None = None):
    """Cumulative (sum) and maximum node currents over pairs (pa[i], pb[i]).

    ``x`` is m x n: row j holds the voltages for 1 A injected at focal j with the ground focal at
    0 V; a pair index of -1 stands for the ground focal itself (a zero row). The pairs run on
    ``threads`` threads (default: the machine's cores).
    """
    n = x.shape[1]
    chunks = max(1, min(CHUNKS, pa.size))
    cum = np.zeros((chunks, n))
    mx = np.zeros((chunks, n if want_max else 0))

    def run(c):
        _pair_chunk(u, v, w, x, pa, pb, want_max, c, chunks, cum[c], mx[c])

    with ThreadPoolExecutor(min(chunks, threads or os.cpu_count() or 1)) as pool:
        list(pool.map(run, range(chunks)))
    total = np.zeros(n)
    for c in range(chunks):
        total += cum[c]
    return total, (mx.max(axis=0) if want_max else np.zeros(0))


@numba.njit(cache=True, nogil=True)
def _pair_chunk(u, v, w, x, pa, pb, want_max, chunk, chunks, cum, mx):
    """Add the currents of pairs ``chunk, chunk + chunks, ...`` to ``cum`` (and their maximum
    into ``mx``)."""
    n = x.shape[1]
    inflow = np.empty(n)
    outflow = np.empty(n)
    for k in range(chunk, pa.size, chunks):
        a, b = pa[k], pb[k]
        if b < 0:  # keep the ground focal as 'a' so only one row can be missing
            a, b = b, a
        _pair_into(u, v, w, x, a, b, inflow, outflow)
        for i in range(n):
            c = max(inflow[i], outflow[i])
            cum[i] += c
            if want_max and c > mx[i]:
                mx[i] = c
