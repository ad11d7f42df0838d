"""Robustness under node and edge attacks (the Xuzhou SEEC preprint, §3.6.1 and §4.3.1; Tong et al.
2025, §2.2.4 and §3.5.2).

After removing N_r of the N nodes (an attack removes a node with all its corridors):

- connectivity R = C / (N - N_r), C the size of the largest connected component (the Xuzhou
  SEEC preprint, eq. 6; Tong et al. 2025); undefined (NaN) once every node is gone. S = C / N, the largest
  component's share of the intact network, is reported too.
- node recovery D = 1 - (N_r - N_d) / N and edge recovery E = 1 - (M_r - M_e) / M (the Xuzhou
  SEEC preprint, eqs. 4-5), with N_d the removed nodes that are recovered and M_r, M_e the
  corridors lost with the removed nodes and those recovered. The preprint does not say when a
  node is "recovered"; its curves do (§4.3.1): D stays exactly 1 for the first 17-23 removals and then
  falls "from slow to fast", and E falls "from slow to fast" under random attack but steadily
  under degree attack. We read recovery as recolonisation along a corridor, the reading that
  reproduces those shapes (a removed node with all of its neighbours gone cannot be restored):

  ``recovery="neighbour"`` (default): a removed node is recovered when at least one of its
  neighbours in the intact network survives; a lost corridor is recovered when both of its
  ends are present again (surviving or recovered). D and E are then the shares of the
  original nodes and corridors present after one round of recovery. Under random attack
  E ≈ 1 - f² (slow to fast) and D ≈ 1 - Σ f^(k+1) p_k: both flat at first, as in the preprint.

  ``recovery="largest-component"``: only the largest surviving component can recolonise: a
  removed node is recovered when one of its neighbours lies in it (the stricter reading,
  for networks where small fragments are not considered self-sustaining).

  Check against the Xuzhou SEEC preprint's numbers (81 nodes, 151 corridors; D first below 1 at the 18th node
  under random and the 24th under malicious attack, below 0.1 at the 79th and 77th): on 20
  random spatial networks of that size (benchmarks/bench_network.py's generator), the
  "neighbour" reading gives 15 (random, median of 50 orders), 22 (degree, static), 52 (degree,
  recalculated) and 80; "largest-component" gives 2, 4, 4 and 80. So "neighbour" is the
  reading the preprint's curves support, and its malicious attack was most likely a static degree
  ranking.

Attacks are random (``repeats`` permutations from ``numpy.random.default_rng(seed)``,
summarised by the mean and standard deviation at each step) or targeted: nodes by descending
degree or betweenness, edges by descending edge betweenness or degree product k_u k_v (Holme
et al. 2002, Phys. Rev. E 65, 056109), the ranking either fixed on the intact network
("static") or recalculated after each removal ("recalculated"); ties go to the lower node id
(edge: the lower (from, to) pair). The strategy is named in the output, e.g.
``targeted-degree-recalculated``.

Curves are summarised by the area under them (trapezoid over the removed fraction 0 to 1)
and a least-squares line against the removed fraction (the slopes of Tong et al. 2025,
e.g. -1.11 random and -0.90 targeted, with R²).
"""

from __future__ import annotations

import networkx as nx
import numba
import numpy as np
import pandas as pd

from econet.errors import EconetError
from econet.steps import counter
from econet.tasks import map_tasks

NODE_METRICS = ("R", "S", "D", "E")
EDGE_METRICS = ("S",)
RECOVERY = ("neighbour", "largest-component")


# ---- graph as arrays -------------------------------------------------------------------------


def _arrays(g: nx.Graph):
    """Node ids sorted (ties in rankings go to the lower id), CSR adjacency, edge list."""
    try:
        nodes = sorted(g.nodes)
    except TypeError:
        nodes = list(g.nodes)
    index = {v: i for i, v in enumerate(nodes)}
    edges = np.array([sorted((index[u], index[v])) for u, v in g.edges if u != v], dtype=np.int64).reshape(-1, 2)
    edges = edges[np.lexsort((edges[:, 1], edges[:, 0]))] if len(edges) else edges
    n = len(nodes)
    both = np.concatenate([edges, edges[:, ::-1]]) if len(edges) else np.zeros((0, 2), np.int64)
    both = both[np.argsort(both[:, 0], kind="stable")]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(indptr, both[:, 0] + 1, 1)
    return nodes, np.cumsum(indptr), both[:, 1].copy(), edges


@numba.njit(cache=True)
def _find(parent, x):
    """Root of x's set, compressing the path. With :func:`_union` the one union-find in econet:
    attacks add nodes or edges back one at a time, which needs an incremental structure (a fixed
    set of pairs is grouped with scipy's ``connected_components`` instead)."""
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:
        parent[x], x = root, parent[x]
    return root


@numba.njit(cache=True)
def _union(parent, size, x, y):
    """Join the sets of x and y (union by size); the joined set's size, or 0 if already one set."""
    a, b = _find(parent, x), _find(parent, y)
    if a == b:
        return 0
    if size[a] < size[b]:
        a, b = b, a
    parent[b] = a
    size[a] += size[b]
    return size[a]


@numba.njit(cache=True)
def _largest_after_node_removals(indptr, indices, order):
    """C and the number of components after removing order[:j], j = 0..n (nodes added back in
    reverse order into a union-find: Newman and Ziff 2000)."""
    n = len(order)
    parent = np.arange(n)
    size = np.ones(n, dtype=np.int64)
    alive = np.zeros(n, dtype=np.bool_)
    big = np.zeros(n + 1, dtype=np.int64)
    comps = np.zeros(n + 1, dtype=np.int64)
    best, count = 0, 0
    for j in range(n - 1, -1, -1):
        v = order[j]
        alive[v] = True
        count += 1
        best = max(best, 1)
        for t in range(indptr[v], indptr[v + 1]):
            w = indices[t]
            if alive[w]:
                joined = _union(parent, size, v, w)
                if joined:
                    count -= 1
                    best = max(best, joined)
        big[j] = best
        comps[j] = count
    return big, comps


@numba.njit(cache=True)
def _lost_neighbour(indptr, indices, order):
    """Removed nodes that no surviving neighbour can recover, and corridors with such an end,
    after each removal (index j = after removing order[:j])."""
    n = len(order)
    alive_nb = np.empty(n, dtype=indptr.dtype)
    for v in range(n):  # a loop, not np.diff: numba compiles np.diff slowly (seconds, once)
        alive_nb[v] = indptr[v + 1] - indptr[v]
    removed = np.zeros(n, dtype=np.bool_)
    lost = np.zeros(n, dtype=np.bool_)
    lost_nodes = np.zeros(n + 1, dtype=np.int64)
    lost_edges = np.zeros(n + 1, dtype=np.int64)
    ln, le = 0, 0
    for j in range(n):
        v = order[j]
        removed[v] = True
        for t in range(indptr[v], indptr[v + 1]):
            alive_nb[indices[t]] -= 1
        # v itself, then its removed neighbours that just lost their last surviving neighbour
        for k in range(-1, indptr[v + 1] - indptr[v]):
            z = v if k < 0 else indices[indptr[v] + k]
            if removed[z] and not lost[z] and alive_nb[z] == 0:
                lost[z] = True
                ln += 1
                for t in range(indptr[z], indptr[z + 1]):
                    if not lost[indices[t]]:
                        le += 1
        lost_nodes[j + 1] = ln
        lost_edges[j + 1] = le
    return lost_nodes, lost_edges


@numba.njit(cache=True)
def _lost_largest(indptr, indices, order):
    """As ``_lost_neighbour`` but only the largest surviving component recovers (components of
    equal largest size all count). O(N (N + M)): one labelling per step."""
    n = len(order)
    alive = np.ones(n, dtype=np.bool_)
    lost_nodes = np.zeros(n + 1, dtype=np.int64)
    lost_edges = np.zeros(n + 1, dtype=np.int64)
    label = np.empty(n, dtype=np.int64)
    stack = np.empty(n, dtype=np.int64)
    present = np.empty(n, dtype=np.bool_)
    for j in range(1, n + 1):
        alive[order[j - 1]] = False
        label[:] = -1
        sizes = np.zeros(n, dtype=np.int64)
        nl = 0
        for s in range(n):
            if alive[s] and label[s] < 0:
                label[s] = nl
                top = 0
                stack[0] = s
                top = 1
                while top:
                    top -= 1
                    x = stack[top]
                    sizes[nl] += 1
                    for t in range(indptr[x], indptr[x + 1]):
                        y = indices[t]
                        if alive[y] and label[y] < 0:
                            label[y] = nl
                            stack[top] = y
                            top += 1
                nl += 1
        best = sizes[:nl].max() if nl else 0
        ln = 0
        for v in range(n):
            present[v] = alive[v]
            if not alive[v]:
                for t in range(indptr[v], indptr[v + 1]):
                    y = indices[t]
                    if alive[y] and sizes[label[y]] == best:
                        present[v] = True
                        break
            if not present[v]:
                ln += 1
        le = 0
        for v in range(n):
            for t in range(indptr[v], indptr[v + 1]):
                y = indices[t]
                if v < y and not (present[v] and present[y]):
                    le += 1
        lost_nodes[j] = ln
        lost_edges[j] = le
    return lost_nodes, lost_edges


@numba.njit(cache=True)
def _largest_after_edge_removals(n, edges, order):
    """C and the number of components after removing edges[order[:j]], j = 0..m."""
    m = len(order)
    parent = np.arange(n)
    size = np.ones(n, dtype=np.int64)
    big = np.zeros(m + 1, dtype=np.int64)
    comps = np.zeros(m + 1, dtype=np.int64)
    best = 1 if n else 0
    count = n
    for j in range(m - 1, -1, -1):
        big[j + 1] = best
        comps[j + 1] = count
        joined = _union(parent, size, edges[order[j], 0], edges[order[j], 1])
        if joined:
            count -= 1
            best = max(best, joined)
    big[0] = best
    comps[0] = count
    return big, comps


# ---- one attack, given its order ------------------------------------------------------------


def node_attack_curve(g: nx.Graph, order, recovery: str = "neighbour") -> pd.DataFrame:
    """R, S, D, E (and C, components) after each removal of ``order`` (node ids; row 0 = intact)."""
    _check_recovery(recovery)
    nodes, indptr, indices, edges = _arrays(g)
    index = {v: i for i, v in enumerate(nodes)}
    idx = np.array([index[v] for v in order], dtype=np.int64)
    if len(set(idx.tolist())) != len(nodes) or len(idx) != len(nodes):
        raise EconetError("an attack order must list every node of the network exactly once")
    return _node_frame(indptr, indices, idx, len(edges), recovery)


def _node_frame(indptr, indices, idx, m, recovery) -> pd.DataFrame:
    n = len(idx)
    big, comps = _largest_after_node_removals(indptr, indices, idx) if n else (np.zeros(1), np.zeros(1))
    lost_nodes, lost_edges = (
        (_lost_neighbour if recovery == "neighbour" else _lost_largest)(indptr, indices, idx)
        if n
        else (np.zeros(1), np.zeros(1))
    )
    removed = np.arange(n + 1)
    left = n - removed
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(left > 0, big / np.maximum(left, 1), np.nan)
    return pd.DataFrame(
        {
            "removed": removed,
            "removed_fraction": removed / max(n, 1),
            "C": big,
            "components": comps,
            "R": r,
            "S": big / max(n, 1),
            "D": 1 - lost_nodes / max(n, 1),
            "E": 1 - lost_edges / m if m else np.where(removed == 0, 1.0, np.nan),
        }
    )


def edge_attack_curve(g: nx.Graph, order) -> pd.DataFrame:
    """C, S = C / N and components after each removal of ``order`` ((u, v) corridors)."""
    nodes, _, _, edges = _arrays(g)
    index = {v: i for i, v in enumerate(nodes)}
    pos = {(int(a), int(b)): k for k, (a, b) in enumerate(edges)}
    idx = np.array([pos[tuple(sorted((index[u], index[v])))] for u, v in order], dtype=np.int64)
    if len(set(idx.tolist())) != len(edges) or len(idx) != len(edges):
        raise EconetError("an edge attack order must list every corridor of the network exactly once")
    return _edge_frame(len(nodes), edges, idx)


def _edge_frame(n, edges, idx) -> pd.DataFrame:
    m = len(idx)
    big, comps = _largest_after_edge_removals(n, edges, idx)
    removed = np.arange(m + 1)
    return pd.DataFrame(
        {
            "removed": removed,
            "removed_fraction": removed / max(m, 1),
            "C": big,
            "components": comps,
            "S": big / max(n, 1),
        }
    )


# ---- attack strategies ----------------------------------------------------------------------


def random_attack(
    g: nx.Graph, repeats: int = 100, seed: int = 0, recovery: str = "neighbour", element: str = "node"
) -> pd.DataFrame:
    """Mean and standard deviation (columns ``<metric>_sd``) of each metric over ``repeats``
    random removal orders of nodes or edges (``element``), from ``default_rng(seed)``."""
    _check_recovery(recovery)
    if repeats < 1:
        raise EconetError("random attacks need repeats >= 1 ([robustness] random_repeats)")
    rng = np.random.default_rng(seed)
    nodes, indptr, indices, edges = _arrays(g)
    # The orders are drawn here, one after the other from one stream, and each repeat is a task
    # (econet.tasks) that gets its order: the same curves on threads or on a cluster.
    n = len(nodes) if element == "node" else len(edges)
    orders = [rng.permutation(n) for _ in range(repeats)]
    shared = {"indptr": indptr, "indices": indices, "edges": edges, "n_nodes": len(nodes), "recovery": recovery}
    what = counter(f"random {element} attacks (repeats)", repeats)
    runs = map_tasks(_node_attack if element == "node" else _edge_attack, orders, shared=shared, done=what)
    return _mean_sd(runs, "random", NODE_METRICS if element == "node" else EDGE_METRICS, element)


def _node_attack(order, *, indptr, indices, edges, n_nodes, recovery) -> pd.DataFrame:
    return _node_frame(indptr, indices, order, len(edges), recovery)


def _edge_attack(order, *, indptr, indices, edges, n_nodes, recovery) -> pd.DataFrame:
    return _edge_frame(n_nodes, edges, order)


def _mean_sd(runs, strategy, metrics, element) -> pd.DataFrame:
    first = runs[0]
    out = first[["removed", "removed_fraction"]].copy()
    out.insert(0, "element", element)
    out.insert(0, "strategy", strategy)
    stack = {c: np.stack([r[c].to_numpy(float) for r in runs]) for c in ("C", "components", *metrics)}
    for c, a in stack.items():
        out[c] = a.mean(0)
    for c in metrics:
        out[f"{c}_sd"] = stack[c].std(0)
    return out


def targeted_order(g: nx.Graph, by: str = "degree", recalculate: bool = True, element: str = "node") -> list:
    """Removal order of nodes (by "degree" or "betweenness") or edges (by "betweenness" or
    "degree" = k_u k_v), highest first, ranking static or recalculated; ties to the lower id."""
    import igraph as ig

    if by not in ("degree", "betweenness"):
        raise EconetError(f"targeted attacks rank by 'degree' or 'betweenness', not {by!r}")
    nodes, indptr, _, edges = _arrays(g)
    n, m = len(nodes), len(edges)
    h = ig.Graph(n=n, edges=edges.tolist(), directed=False)

    def score(sub):
        if element == "node":
            return np.array(sub.degree() if by == "degree" else sub.betweenness(directed=False), float)
        if by == "betweenness":
            return np.array(sub.edge_betweenness(directed=False), float)
        deg = np.array(sub.degree(), float)
        e = np.array(sub.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        return deg[e[:, 0]] * deg[e[:, 1]]

    if element == "node":
        if not recalculate:
            s = score(h)
            idx = np.lexsort((np.arange(n), -s))
        elif by == "degree":  # recalculated degree: vectorised, no graph rebuild
            deg = np.diff(indptr).astype(float)
            alive = np.ones(n, bool)
            nbr = [np.array(x, dtype=np.int64) for x in h.get_adjlist()]
            idx = []
            for _ in range(n):
                v = int(np.argmax(np.where(alive, deg, -1.0)))
                idx.append(v)
                alive[v] = False
                deg[nbr[v]] -= 1
            idx = np.array(idx, dtype=np.int64)
        else:
            alive = list(range(n))
            idx = []
            while alive:
                s = score(h.induced_subgraph(alive))
                k = int(np.lexsort((np.array(alive), -s))[0])
                idx.append(alive.pop(k))
            idx = np.array(idx, dtype=np.int64)
        return [nodes[i] for i in idx]
    if not recalculate:
        s = score(h)
        idx = np.lexsort((np.arange(m), -s))
    else:
        alive = list(range(m))
        idx = []
        while alive:
            sub = ig.Graph(n=n, edges=edges[alive].tolist(), directed=False)
            k = int(np.lexsort((np.array(alive), -score(sub)))[0])
            idx.append(alive.pop(k))
        idx = np.array(idx, dtype=np.int64)
    return [(nodes[a], nodes[b]) for a, b in edges[idx]]


def targeted_attack(
    g: nx.Graph, by: str = "degree", recalculate: bool = True, recovery: str = "neighbour", element: str = "node"
) -> pd.DataFrame:
    """One targeted attack (deterministic): nodes or edges removed in descending ``by``."""
    order = targeted_order(g, by, recalculate, element)
    if element == "node":
        curve = node_attack_curve(g, order, recovery)
    else:
        curve = edge_attack_curve(g, order)
    curve.insert(0, "element", element)
    curve.insert(0, "strategy", f"targeted-{by}-{'recalculated' if recalculate else 'static'}")
    return curve


def attack_curves(
    g: nx.Graph,
    repeats: int = 100,
    seed: int = 0,
    by: str = "degree",
    recalculate: bool = True,
    recovery: str = "neighbour",
    element: str = "node",
) -> pd.DataFrame:
    """Random (mean and sd) and targeted attack curves on nodes or edges, one table."""
    return pd.concat(
        [
            random_attack(g, repeats, seed, recovery, element),
            targeted_attack(g, by, recalculate, recovery, element),
        ],
        ignore_index=True,
    )


def compare_networks(networks: dict, **attack) -> pd.DataFrame:
    """Attack curves of several networks (e.g. {"before": g0, "after": g1}) with the same
    attacks and seed, in one table with a ``network`` column (the Xuzhou SEEC preprint,
    §4.3.1; Tong et al. 2025, §3.5.2)."""
    parts = []
    for name, g in networks.items():
        c = attack_curves(g, **attack)
        c.insert(0, "network", name)
        parts.append(c)
    return pd.concat(parts, ignore_index=True)


# ---- summaries ------------------------------------------------------------------------------


def curve_summary(curves: pd.DataFrame, metrics=None, fit_range=(0.0, 1.0)) -> pd.DataFrame:
    """Per curve (network, strategy, element) and metric: area under the curve over the removed
    fraction, least-squares slope, intercept and R² against the removed fraction (NaN points,
    such as R with no node left, are left out), and the first removal count at which the metric
    falls below 1 and below 0.1 (the Xuzhou SEEC preprint's reading of its curves). ``fit_range`` limits the
    line fit to removed fractions in [lo, hi]: R = C / (N - N_r) climbs back towards 1 as the
    last few nodes remain (C / (N - N_r) = 1 for one node), so a fit over the whole range
    mixes decline and recovery; Tong et al. (2025) do not say which range they fitted. (On random
    spatial networks of their size, 55 nodes and about 130 corridors, full-range fits give R² of
    about 0.58 random / 0.41 degree-targeted for R and 0.92 / 0.73 for S; they report 0.96 / 0.81.)"""
    keys = [k for k in ("network", "strategy", "element") if k in curves]
    metrics = [m for m in (metrics or (*NODE_METRICS,)) if m in curves]
    rows = []
    for key, part in curves.groupby(keys, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        x_all = part["removed_fraction"].to_numpy(float)
        for metric in metrics:
            y_all = part[metric].to_numpy(float)
            ok = np.isfinite(y_all)
            x, y = x_all[ok], y_all[ok]
            if len(x) < 2:
                continue
            fit = (x >= fit_range[0] - 1e-12) & (x <= fit_range[1] + 1e-12)
            xf, yf = x[fit], y[fit]
            if len(xf) < 2:
                continue
            slope, intercept = np.polyfit(xf, yf, 1)
            ss = ((yf - yf.mean()) ** 2).sum()
            r2 = 1 - ((yf - (slope * xf + intercept)) ** 2).sum() / ss if ss > 0 else 1.0
            removed = part["removed"].to_numpy()[ok]
            rows.append(
                {
                    **dict(zip(keys, key)),
                    "metric": metric,
                    "area": float(np.trapezoid(y, x)),
                    "slope": float(slope),
                    "intercept": float(intercept),
                    "r2": float(r2),
                    "first_below_1": _first(removed, y < 1 - 1e-9),
                    "first_below_0_1": _first(removed, y < 0.1),
                }
            )
    return pd.DataFrame(rows)


def _first(removed, mask):
    hit = np.flatnonzero(mask)
    return int(removed[hit[0]]) if len(hit) else None


def _check_recovery(recovery: str) -> None:
    if recovery not in RECOVERY:
        raise EconetError(f"recovery must be one of {RECOVERY} ([robustness] recovery), not {recovery!r}")
