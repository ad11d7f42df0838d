"""Circuitscape's modes over a conductance graph: pairwise, one-to-all, all-to-one, advanced.

Every solve runs per connected component. Pairwise needs only k - 1 solves per component: the
focal node listed first is grounded, 1 A is injected at each other focal node in turn, and the
k x k block of the grounded Green's function gives every effective resistance,
R_ab = G_aa + G_bb - 2 G_ab (docs/methods/circuit.md). The voltages of pair (a, b), 1 A in at b and out at
a, are x_b - x_a shifted so that V(a) = 0 (Circuitscape's voltage maps).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from econet.circuit.currents import node_currents, pairwise_current_maps
from econet.circuit.graph import Graph, RasterGraph
from econet.circuit.solve import GroundedSolver, choose_method

EMPTY = np.zeros(0)


@dataclass
class Component:
    """One connected component: its nodes, its Laplacian and its edges in local numbering."""

    nodes: np.ndarray
    local: np.ndarray  # global node -> local index (-1 outside); shared scratch, valid for this component
    lap: object
    u: np.ndarray
    v: np.ndarray
    w: np.ndarray


class Components:
    """Splits a graph into connected components once; ``get(c)`` builds one on demand."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.label = graph.components()
        self.lap = graph.laplacian()
        order = np.argsort(self.label, kind="stable")
        bounds = np.searchsorted(self.label[order], np.arange(self.label.max() + 2 if graph.n else 1))
        self._order, self._bounds = order, bounds
        self._edge_comp = self.label[graph.u] if graph.u.size else np.zeros(0, dtype=np.int64)
        self._local = np.full(graph.n, -1, dtype=np.int64)

    def get(self, c: int) -> Component:
        g = self.graph
        nodes = self._order[self._bounds[c] : self._bounds[c + 1]]
        if nodes.size == g.n:  # the usual single-component raster: no copies
            local = np.arange(g.n)
            return Component(nodes, local, self.lap, g.u, g.v, g.w)
        self._local[:] = -1
        self._local[nodes] = np.arange(nodes.size)
        sel = self._edge_comp == c
        lap = self.lap[nodes][:, nodes]
        return Component(nodes, self._local, lap, self._local[g.u[sel]], self._local[g.v[sel]], g.w[sel])


def _order(graph: Graph, comp: Component, method: str):
    """A geometric fill-reducing order for SuperLU on raster graphs (PARDISO orders by itself)."""
    if isinstance(graph, RasterGraph) and choose_method(comp.nodes.size, method) == "splu":
        return graph.ordering()[comp.nodes]
    return None


@dataclass
class PairwiseResult:
    ids: np.ndarray
    resistance: np.ndarray  # k x k; -1 not connected or not included, 0 on the diagonal
    cumulative: np.ndarray | None  # current per graph node summed over pairs
    maximum: np.ndarray | None
    solver: str


def pairwise(
    graph: Graph,
    ids: np.ndarray,
    focal_nodes: np.ndarray,
    included: np.ndarray | None = None,
    method: str = "auto",
    currents: bool = True,
    max_map: bool = False,
    on_pair: Callable[[int, int, np.ndarray, np.ndarray], None] | None = None,
    tol: float = 1e-6,
) -> PairwiseResult:
    """Effective resistance between every pair of focal IDs, and current maps.

    ``focal_nodes[i]`` is the graph node of ``ids[i]`` (-1: on no node). ``included`` (k x k bool)
    limits the pairs solved. ``on_pair(i, j, volts, amps)`` receives, for each connected included
    pair i < j, the node voltages (V(i) = 0, V(j) = R_ij) and node currents over the whole graph.
    """
    ids = np.asarray(ids)
    fnodes = np.asarray(focal_nodes, dtype=np.int64)
    k = ids.size
    inc = np.ones((k, k), dtype=bool) if included is None else np.asarray(included, dtype=bool)
    res = -np.ones((k, k))
    np.fill_diagonal(res, 0.0)
    cum = np.zeros(graph.n) if currents else None
    mx = np.zeros(graph.n) if (currents and max_map) else None
    used = choose_method(graph.n, method)
    if graph.n == 0:
        return PairwiseResult(ids, res, cum, mx, used)
    comps = Components(graph)
    valid = np.nonzero(fnodes >= 0)[0]
    for c in np.unique(comps.label[fnodes[valid]]):
        members = valid[comps.label[fnodes[valid]] == c]
        # Circuitscape solves and maps every pair of a component; the include list only decides
        # which resistances are reported (sgVerify13 writes maps for excluded pairs).
        pairs = [(i, j) for ii, i in enumerate(members) for j in members[ii + 1 :]]
        if not any(inc[i, j] or inc[j, i] for i, j in pairs) and included is not None:
            continue
        uniq = np.unique(fnodes[members])
        slot = {int(nd): p for p, nd in enumerate(uniq)}
        distinct = [(i, j) for i, j in pairs if fnodes[i] != fnodes[j]]
        for i, j in pairs:
            if fnodes[i] == fnodes[j]:
                res[i, j] = res[j, i] = 0.0
                if on_pair is not None:
                    on_pair(i, j, np.zeros(graph.n), np.zeros(graph.n))
        if not distinct:
            continue
        comp = comps.get(int(c))
        loc = comp.local[uniq]
        solver = GroundedSolver(comp.lap, [loc[0]], method=method, tol=tol, order=_order(graph, comp, method))
        used = solver.method
        rhs = np.zeros((comp.nodes.size, uniq.size - 1))
        rhs[loc[1:], np.arange(uniq.size - 1)] = 1.0
        x = np.ascontiguousarray(solver.solve(rhs).T)  # (m-1) x n_c; row p-1 = inject at uniq[p]
        solver.free()
        green = np.zeros((uniq.size, uniq.size))
        green[:, 1:] = x[:, loc].T
        for i, j in distinct:
            p, q = slot[int(fnodes[i])], slot[int(fnodes[j])]
            res[i, j] = res[j, i] = green[p, p] + green[q, q] - 2.0 * green[p, q]
        for i, j in pairs:
            if not (inc[i, j] or inc[j, i]):
                res[i, j] = res[j, i] = -1.0
        counted = [(i, j) for i, j in distinct if inc[i, j] or inc[j, i]]  # cumulative map: included only
        if currents and counted:
            pa = np.array([slot[int(fnodes[i])] - 1 for i, _ in counted], dtype=np.int64)
            pb = np.array([slot[int(fnodes[j])] - 1 for _, j in counted], dtype=np.int64)
            csum, cmax = pairwise_current_maps(comp.u, comp.v, comp.w, x, pa, pb, max_map)
            cum[comp.nodes] += csum
            if max_map:
                mx[comp.nodes] = np.maximum(mx[comp.nodes], cmax)
        if on_pair is not None:
            for i, j in distinct:
                p, q = slot[int(fnodes[i])], slot[int(fnodes[j])]
                volt = (x[q - 1] if q else 0.0) - (x[p - 1] if p else np.zeros(comp.nodes.size))
                volt = volt - volt[loc[p]]
                amps = node_currents(comp.u, comp.v, comp.w, volt, EMPTY)
                fv, fa = np.zeros(graph.n), np.zeros(graph.n)
                fv[comp.nodes], fa[comp.nodes] = volt, amps
                on_pair(i, j, fv, fa)
    return PairwiseResult(ids, res, cum, mx, used)


@dataclass
class AdvancedResult:
    voltage: np.ndarray  # per graph node (0 in components not solved)
    current: np.ndarray
    solved: np.ndarray  # bool per node: its component had a ground and was solved
    solver: str


def advanced(
    graph: Graph,
    sources: np.ndarray,
    ground_conductance: np.ndarray,
    method: str = "auto",
    tol: float = 1e-6,
    comps: Components | None = None,
) -> AdvancedResult:
    """Current sources (A per node) and grounds (conductance to 0 V per node, inf = direct).

    A component with no ground cannot carry current and is left at 0 V; one with sources but no
    ground is likewise skipped (Circuitscape does the same).
    """
    src = np.asarray(sources, dtype=np.float64)
    gnd = np.asarray(ground_conductance, dtype=np.float64)
    volt = np.zeros(graph.n)
    solved = np.zeros(graph.n, dtype=bool)
    used = choose_method(graph.n, method)
    comps = comps or Components(graph)
    active = np.unique(comps.label[gnd > 0]) if graph.n else []  # a component without ground carries nothing
    for c in active:
        comp = comps.get(int(c))
        s, g = src[comp.nodes], gnd[comp.nodes]
        if not np.any(s):
            solved[comp.nodes] = True
            continue
        direct = np.nonzero(np.isinf(g))[0]
        shunt = np.where(np.isinf(g), 0.0, g)
        solver = GroundedSolver(
            comp.lap, direct, shunt=shunt, method=method, tol=tol, order=_order(graph, comp, method)
        )
        used = solver.method
        volt[comp.nodes] = solver.solve(s)
        solver.free()
        solved[comp.nodes] = True
    finite = np.where(np.isinf(gnd), 0.0, gnd)
    cur = node_currents(graph.u, graph.v, graph.w, volt, finite)
    return AdvancedResult(volt, cur, solved, used)


@dataclass
class OneAllResult:
    ids: np.ndarray
    resistance: np.ndarray  # per id: V(source)/I for one-to-all, 0 for all-to-one; -1 if not solved
    cumulative: np.ndarray


def one_to_all(
    graph: Graph,
    ids: np.ndarray,
    focal_nodes: np.ndarray,
    strengths: np.ndarray | None = None,
    all_to_one: bool = False,
    method: str = "auto",
    on_id: Callable[[int, np.ndarray, np.ndarray], None] | None = None,
    tol: float = 1e-6,
) -> OneAllResult:
    """Circuitscape's one-to-all (current in at one focal node, every other focal node grounded
    directly) or all-to-one (one focal node grounded, current in at every other). ``strengths``
    are the per-id source currents (default 1 A). ``on_id(i, volts, amps)`` gets each id's maps.
    """
    ids = np.asarray(ids)
    fnodes = np.asarray(focal_nodes, dtype=np.int64)
    amps = np.ones(ids.size) if strengths is None else np.asarray(strengths, dtype=np.float64)
    res = -np.ones(ids.size)
    cum = np.zeros(graph.n)
    comps = Components(graph) if graph.n else None
    for i in range(ids.size):
        node = fnodes[i]
        others = np.array([f for f in fnodes if f >= 0 and f != node], dtype=np.int64)
        if node < 0 or comps is None:
            if on_id is not None:
                on_id(i, np.zeros(graph.n), np.zeros(graph.n))
            continue
        same = others[comps.label[others] == comps.label[node]] if others.size else others
        src = np.zeros(graph.n)
        gnd = np.zeros(graph.n)
        if all_to_one:
            gnd[node] = np.inf
            for j in range(ids.size):
                if fnodes[j] >= 0 and fnodes[j] != node and comps.label[fnodes[j]] == comps.label[node]:
                    src[fnodes[j]] += amps[j]
        else:
            src[node] = amps[i]
            gnd[same] = np.inf
        if same.size == 0:
            if on_id is not None:
                on_id(i, np.zeros(graph.n), np.zeros(graph.n))
            continue
        out = advanced(graph, src, gnd, method=method, tol=tol, comps=comps)
        res[i] = 0.0 if all_to_one else out.voltage[node] / amps[i]
        cum += out.current
        if on_id is not None:
            on_id(i, out.voltage, out.current)
    return OneAllResult(ids, res, cum)


@dataclass
class RegionPairwiseResult:
    ids: np.ndarray
    resistance: np.ndarray
    cumulative: np.ndarray | None  # per cell (raster shape)
    maximum: np.ndarray | None
    solver: str


def pairwise_regions(
    build: Callable[[list[np.ndarray]], "RasterGraph"],
    ids: np.ndarray,
    cells: list[np.ndarray],
    included: np.ndarray | None = None,
    method: str = "auto",
    currents: bool = True,
    max_map: bool = False,
    on_pair: Callable[[int, int, np.ndarray, np.ndarray, "RasterGraph"], None] | None = None,
    tol: float = 1e-6,
) -> RegionPairwiseResult:
    """Pairwise mode when some focal IDs are focal regions (several cells).

    Circuitscape short-circuits a focal region only while its own pairs are solved, so the graph
    differs per pair: ``build(extra_groups)`` returns the raster graph with the two regions of the
    pair merged in, and each pair is solved on its own graph (one factorisation per pair).
    ``on_pair`` also receives that graph, to map node values onto cells.
    """
    ids = np.asarray(ids)
    k = ids.size
    inc = np.ones((k, k), dtype=bool) if included is None else np.asarray(included, dtype=bool)
    res = -np.ones((k, k))
    np.fill_diagonal(res, 0.0)
    cum = mx = None
    used = "none"
    for i in range(k):
        for j in range(i + 1, k):
            if not (inc[i, j] or inc[j, i]):
                continue
            graph = build([c for c in (cells[i], cells[j]) if c.size > 1])
            flat = graph.node_of_cell.ravel()
            fn = np.array([flat[cells[i][0]], flat[cells[j][0]]], dtype=np.int64)
            hook = None
            if on_pair is not None:

                def hook(_a, _b, volts, amps, graph=graph, i=i, j=j):
                    on_pair(i, j, volts, amps, graph)

            out = pairwise(graph, ids[[i, j]], fn, None, method, currents, max_map, hook, tol)
            used = out.solver
            res[i, j] = res[j, i] = out.resistance[0, 1]
            if currents:
                grid = graph.to_grid(out.cumulative)
                cum = grid if cum is None else cum + grid
                if max_map:
                    mgrid = graph.to_grid(out.maximum)
                    mx = mgrid if mx is None else np.maximum(mx, mgrid)
    return RegionPairwiseResult(ids, res, cum, mx, used)
