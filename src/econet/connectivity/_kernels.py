"""Compiled kernels for the connectivity indices: one pass per source node, in numba.

For a source ``s`` the pass runs Dijkstra on the link graph (weights -ln p for PC, 1 for IIC),
sums the source's flux, and builds the *dominator tree* of the shortest-path DAG: node ``k``
dominates ``v`` when every best path from ``s`` to ``v`` passes through ``k``. Removing ``k``
changes the best path value of exactly the pairs (s, v) with ``v`` below ``k`` in that tree, so
only those targets are recomputed, by a Dijkstra restricted to ``k``'s subtree that starts from
the unchanged distances of its neighbours (Ramalingam & Reps style deletion update). Nodes that
dominate nothing (most of them) never trigger a recomputation. The graph is undirected, so the
loss of a pair is the same from either end: each pair is counted from its smaller node only,
and a restricted search stops as soon as those targets are settled.

Ties: two paths are the same length when they differ by at most ``tie_rtol`` (relative). A tie
that is missed only makes the dominator tree deeper (more recomputation, still exact); a false tie
can only hide a connector change below ``tie_rtol`` of a pair's value.
"""

from __future__ import annotations

import numba
import numpy as np

PC_MODE = 0  # value of a path = exp(-length), length = sum of -ln p
IIC_MODE = 1  # value of a path = 1 / (1 + number of links)


@numba.njit(cache=True, inline="always")
def _value(length, mode):
    if length == np.inf:
        return 0.0
    if mode == PC_MODE:
        return np.exp(-length)
    return 1.0 / (1.0 + length)


@numba.njit(cache=True, inline="always")
def _push(hkey, hnode, size, key, node):
    i = size
    hkey[i] = key
    hnode[i] = node
    while i > 0:
        parent = (i - 1) >> 1
        if hkey[parent] <= key:
            break
        hkey[i] = hkey[parent]
        hnode[i] = hnode[parent]
        i = parent
    hkey[i] = key
    hnode[i] = node
    return size + 1


@numba.njit(cache=True, inline="always")
def _pop(hkey, hnode, size):
    """Remove the root; return the new size (the root was read by the caller)."""
    size -= 1
    key = hkey[size]
    node = hnode[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and hkey[child + 1] < hkey[child]:
            child += 1
        if hkey[child] >= key:
            break
        hkey[i] = hkey[child]
        hnode[i] = hnode[child]
        i = child
    if size > 0:
        hkey[i] = key
        hnode[i] = node
    return size


@numba.njit(cache=True)
def _source_pass(
    src, indptr, nbr, wt, attr, mode, tie_rtol, want_removal, dist, order, pos, idom, depth, nchild, first,
    pre, subsize, descmax, pv, prein, done, newd, hkey, hnode, token, conn, stack,
):  # fmt: skip
    """One source: returns (flow, direct, token); adds a_src * (pair losses) into ``conn``."""
    n = attr.size
    for v in range(n):
        dist[v] = np.inf
        pos[v] = -1
    dist[src] = 0.0
    size = _push(hkey, hnode, 0, 0.0, src)
    count = 0
    while size > 0:
        d = hkey[0]
        v = hnode[0]
        size = _pop(hkey, hnode, size)
        if pos[v] >= 0 or d > dist[v]:
            continue
        pos[v] = count
        order[count] = v
        count += 1
        for e in range(indptr[v], indptr[v + 1]):
            u = nbr[e]
            nd = d + wt[e]
            if nd < dist[u] and pos[u] < 0:
                dist[u] = nd
                size = _push(hkey, hnode, size, nd, u)

    flow = 0.0
    for c in range(count):
        v = order[c]
        flow += attr[v] * _value(dist[v], mode)
    direct = 0.0
    for e in range(indptr[src], indptr[src + 1]):
        u = nbr[e]
        if u != src:
            direct += attr[u] * _value(wt[e], mode)
    if not want_removal or attr[src] == 0.0:
        return flow, direct, token

    # Dominator tree of the shortest-path DAG, nodes taken in settling order.
    idom[src] = src
    depth[src] = 0
    for c in range(1, count):
        v = order[c]
        tol = tie_rtol * dist[v]
        dom = -1
        for e in range(indptr[v], indptr[v + 1]):
            u = nbr[e]
            if pos[u] < 0 or pos[u] >= c or dist[u] + wt[e] > dist[v] + tol:
                continue
            if dom < 0:
                dom = u
                continue
            x = u
            while x != dom:  # lowest common ancestor in the tree built so far
                if depth[x] >= depth[dom]:
                    x = idom[x]
                else:
                    dom = idom[dom]
        idom[v] = dom
        depth[v] = depth[dom] + 1

    # Preorder of the tree, so that every subtree is a contiguous slice of ``pre``.
    for c in range(count):
        nchild[order[c]] = 0
    for c in range(1, count):
        nchild[idom[order[c]]] += 1
    any_internal = False
    for c in range(1, count):
        v = order[c]
        if nchild[v] > 0:
            any_internal = True
    if not any_internal:
        return flow, direct, token
    acc = 0
    for c in range(count):  # first[v]: start of v's children in the ``stack`` scratch
        v = order[c]
        first[v] = acc
        acc += nchild[v]
        nchild[v] = 0
    for c in range(1, count):
        v = order[c]
        p = idom[v]
        stack[first[p] + nchild[p]] = v
        nchild[p] += 1
    # Iterative DFS: children are pushed together, so each subtree comes out contiguous.
    for v in range(n):
        prein[v] = -1  # unreached nodes lie outside every subtree
    todo = hnode  # the heap is empty now: reuse its node array as the DFS stack
    todo[0] = src
    top = 1
    k = 0
    while top > 0:
        top -= 1
        v = todo[top]
        pre[k] = v
        prein[v] = k
        k += 1
        for t in range(nchild[v]):
            todo[top] = stack[first[v] + t]
            top += 1
    for t in range(count - 1, -1, -1):
        v = pre[t]
        size_v = 1
        top_v = -1  # the largest node index below v
        for q in range(nchild[v]):
            child = stack[first[v] + q]
            size_v += subsize[child]
            top_v = max(top_v, child, descmax[child])
        subsize[v] = size_v
        descmax[v] = top_v
        pv[v] = _value(dist[v], mode)
    # Each unordered pair is handled once, from its smaller end (the loss is symmetric).
    a_src = attr[src]
    for t in range(1, count):
        kk = pre[t]
        if nchild[kk] == 0 or descmax[kk] < src:
            continue
        token += 1
        lo = t + 1
        hi = t + subsize[kk]
        # Seed each subtree node from its unchanged neighbours outside the subtree (kk's subtree
        # is the preorder slice [t, hi), kk included).
        size = 0
        targets = 0
        for q in range(lo, hi):
            v = pre[q]
            if v > src:
                targets += 1
            best = np.inf
            for e in range(indptr[v], indptr[v + 1]):
                pu = prein[nbr[e]]
                if pu < t or pu >= hi:
                    cand = dist[nbr[e]] + wt[e]
                    if cand < best:
                        best = cand
            newd[v] = best
            if best < np.inf and hi - lo > 1:
                size = _push(hkey, hnode, size, best, v)
        loss = 0.0
        if hi - lo == 1:  # a single node below kk: its seed is final
            v = pre[lo]
            loss = attr[v] * (pv[v] - _value(newd[v], mode))
            conn[kk] += 2.0 * a_src * loss
            continue
        while size > 0 and targets > 0:  # stop once every target above src is settled
            d = hkey[0]
            v = hnode[0]
            size = _pop(hkey, hnode, size)
            if done[v] == token or d > newd[v]:
                continue
            done[v] = token
            if v > src:
                targets -= 1
                loss += attr[v] * (pv[v] - _value(d, mode))
            for e in range(indptr[v], indptr[v + 1]):
                u = nbr[e]
                if prein[u] > t and prein[u] < hi and done[u] != token:
                    nd = d + wt[e]
                    if nd < newd[u]:
                        newd[u] = nd
                        size = _push(hkey, hnode, size, nd, u)
        if targets > 0:  # targets never reached: cut off from the source
            for q in range(lo, hi):
                v = pre[q]
                if v > src and done[v] != token:
                    loss += attr[v] * pv[v]
        conn[kk] += 2.0 * a_src * loss
    return flow, direct, token


@numba.njit(cache=True, nogil=True)
def source_chunk(indptr, nbr, wt, attr, mode, tie_rtol, want_removal, chunk, nchunks, flow, direct, conn):
    """The passes of the sources ``chunk, chunk + nchunks, ...``: their flow_i = Σ_j a_j v*_ij
    and direct_i = Σ_j a_j v_ij over their links into ``flow`` and ``direct``, and their share
    of conn_k = Σ_{i,j ≠ k} a_i a_j (v*_ij − v*_ij without k) (ordered pairs) into ``conn``.
    Chunks write disjoint entries of ``flow`` and ``direct``; each has its own ``conn``, so
    chunks run on any number of threads without locks (the GIL is released)."""
    n = attr.size
    cap = nbr.size + n + 1
    dist = np.empty(n)
    order = np.empty(n, np.int64)
    pos = np.empty(n, np.int64)
    idom = np.empty(n, np.int64)
    depth = np.empty(n, np.int64)
    nchild = np.empty(n, np.int64)
    first = np.empty(n, np.int64)
    pre = np.empty(n, np.int64)
    subsize = np.empty(n, np.int64)
    descmax = np.empty(n, np.int64)
    pv = np.empty(n)
    prein = np.empty(n, np.int64)
    done = np.zeros(n, np.int64)
    newd = np.empty(n)
    stack = np.empty(n, np.int64)
    hkey = np.empty(cap)
    hnode = np.empty(cap, np.int64)
    token = np.int64(0)  # not the literal 0: _source_pass would compile twice (literal, then int64)
    for s in range(chunk, n, nchunks):
        f, d, token = _source_pass(
            s, indptr, nbr, wt, attr, mode, tie_rtol, want_removal, dist, order, pos, idom, depth, nchild,
            first, pre, subsize, descmax, pv, prein, done, newd, hkey, hnode, token, conn, stack,
        )  # fmt: skip
        flow[s] = f
        direct[s] = d


@numba.njit(cache=True)
def best_values(indptr, nbr, wt, mode, sources):
    """Matrix of best path values v*_ij (rows = ``sources``): p* for PC, 1/(1+nl) for IIC."""
    n = indptr.size - 1
    out = np.zeros((sources.size, n))
    dist = np.empty(n)
    touched = np.empty(n, np.int64)
    hkey = np.empty(nbr.size + n + 1)
    hnode = np.empty(nbr.size + n + 1, np.int64)
    for r in range(sources.size):
        for v in range(n):
            dist[v] = np.inf
        _sweep(indptr, nbr, wt, sources[r], dist, touched, hkey, hnode)
        for v in range(n):
            out[r, v] = _value(dist[v], mode)
    return out


@numba.njit(cache=True)
def _sweep(indptr, nbr, wt, src, dist, touched, hkey, hnode):
    """Dijkstra from ``src`` over its component; returns the nodes reached, in settling order."""
    count = 0
    dist[src] = 0.0
    size = _push(hkey, hnode, 0, 0.0, src)
    while size > 0:
        d = hkey[0]
        v = hnode[0]
        size = _pop(hkey, hnode, size)
        if d > dist[v]:
            continue
        touched[count] = v
        count += 1
        for e in range(indptr[v], indptr[v + 1]):
            u = nbr[e]
            nd = d + wt[e]
            if nd < dist[u]:
                dist[u] = nd
                size = _push(hkey, hnode, size, nd, u)
    return count


@numba.njit(cache=True)
def sweep_order(indptr, nbr, wt):
    """A node order that follows the graph's geometry: component by component, by distance from
    a peripheral node (double sweep). Best-path subtrees seen from a source then mostly hold
    nodes that are all before or all after it, which lets ``all_sources`` skip them."""
    n = indptr.size - 1
    first = np.full(n, np.inf)
    second = np.full(n, np.inf)
    comp = np.full(n, -1, np.int64)
    touched = np.empty(n, np.int64)
    hkey = np.empty(nbr.size + n + 1)
    hnode = np.empty(nbr.size + n + 1, np.int64)
    ncomp = 0
    for s in range(n):
        if comp[s] >= 0:
            continue
        count = _sweep(indptr, nbr, wt, s, first, touched, hkey, hnode)
        far = s
        for q in range(count):
            v = touched[q]
            comp[v] = ncomp
            if first[v] > first[far]:
                far = v
        _sweep(indptr, nbr, wt, far, second, touched, hkey, hnode)
        ncomp += 1
    key = np.empty(n)
    for v in range(n):
        key[v] = second[v]
    order = np.argsort(key, kind="mergesort")
    # stable by component: gather components in order of their first node
    out = np.empty(n, np.int64)
    start = np.zeros(ncomp + 1, np.int64)
    for v in range(n):
        start[comp[v] + 1] += 1
    for c in range(ncomp):
        start[c + 1] += start[c]
    fill = start[:ncomp].copy()
    for q in range(n):
        v = order[q]
        out[fill[comp[v]]] = v
        fill[comp[v]] += 1
    return out
