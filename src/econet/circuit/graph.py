"""The conductance graph of a raster, with Circuitscape's conventions (docs/methods/circuit.md).

Cells with conductance g > 0 are nodes. Neighbours (4 or 8) are joined by

* average conductance: (g1 + g2) / 2, diagonal (g1 + g2) / (2 √2), or
* average resistance: 2 / (1/g1 + 1/g2), diagonal 2 / (√2 (1/g1 + 1/g2)).

No cell-size factor is applied, so resistances are in cell units (as in Circuitscape). Cells that
share a short-circuit label (polygons, focal regions) collapse into one node; a labelled cell on
NODATA still takes that node, so under average conductance it links to its neighbours through
(0 + g) / 2 (Circuitscape.jl's ``construct_node_map``). Edges inside one node are dropped and
parallel edges are summed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components


@dataclass
class Graph:
    """An undirected conductance graph: edges (u, v, w) with u < v, nodes 0..n-1."""

    n: int
    u: np.ndarray  # int64
    v: np.ndarray  # int64
    w: np.ndarray  # float64 conductance (> 0)

    def adjacency(self) -> sp.csr_matrix:
        a = sp.coo_matrix((self.w, (self.u, self.v)), shape=(self.n, self.n)).tocsr()
        return (a + a.T).tocsr()

    def laplacian(self) -> sp.csr_matrix:
        a = self.adjacency()
        return (sp.diags(np.asarray(a.sum(axis=1)).ravel()) - a).tocsr()

    def components(self) -> np.ndarray:
        """Component label of every node (0..c-1)."""
        if self.n == 0:
            return np.zeros(0, dtype=np.int64)
        _, labels = connected_components(self.adjacency(), directed=False)
        return labels.astype(np.int64)


@dataclass
class RasterGraph(Graph):
    """A Graph built from a raster; ``node_of_cell`` maps each cell to its node (-1: none)."""

    node_of_cell: np.ndarray = None  # type: ignore[assignment]

    def ordering(self) -> np.ndarray:
        """A fill-reducing rank per node (geometric nested dissection of the cells; a merged node
        takes the rank of its earliest cell)."""
        rank = nested_dissection(self.node_of_cell.shape)
        flat = self.node_of_cell.ravel()
        has = flat >= 0
        out = np.full(self.n, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(out, flat[has], rank[has])
        return out

    def to_grid(self, values: np.ndarray, fill: float = 0.0) -> np.ndarray:
        """Spread per-node values onto the raster (cells without a node get ``fill``)."""
        out = np.full(self.node_of_cell.shape, fill, dtype=np.float64)
        has = self.node_of_cell >= 0
        out[has] = values[self.node_of_cell[has]]
        return out


def conductance_from(values: np.ndarray, nodata_mask: np.ndarray, is_resistance: bool, layer: str = "habitat"):
    """Cell conductance (0 where there is no habitat): 1/r for resistances, g as given otherwise.

    A resistance of 0 has no finite conductance and is refused, as Circuitscape does.
    """
    from econet.errors import LayerError

    vals = np.asarray(values, dtype=np.float64)
    bad = nodata_mask | ~np.isfinite(vals)
    if is_resistance:
        if np.any((vals == 0) & ~bad):
            raise LayerError(layer, "resistance 0 found: use a small positive value or NODATA (Circuitscape refuses 0)")
        with np.errstate(divide="ignore"):
            g = np.where(bad | (vals < 0), 0.0, 1.0 / np.where(vals == 0, 1.0, vals))
    else:
        g = np.where(bad | (vals < 0), 0.0, vals)
    return g


def node_map(conductance: np.ndarray, groups: list[np.ndarray] | None = None) -> np.ndarray:
    """Number the nodes: each cell with g > 0 is a node, except that cells tied by a group
    (arrays of flat cell indices: a polygon, a focal region) share one node, even on NODATA.
    Groups sharing a cell are merged. Returns an int64 grid, -1 where there is no node."""
    h, w = conductance.shape
    ncell = h * w
    active = (conductance > 0).ravel()
    rows, cols = [], []
    for cells in groups or []:
        cells = np.asarray(cells, dtype=np.int64)
        if cells.size:
            rows.append(np.full(cells.size, cells[0]))
            cols.append(cells)
    flat = np.full(ncell, -1, dtype=np.int64)
    if rows:
        r = np.concatenate(rows)
        c = np.concatenate(cols)
        tied = np.zeros(ncell, dtype=bool)
        tied[c] = True
        link = sp.coo_matrix((np.ones(r.size), (r, c)), shape=(ncell, ncell)).tocsr()
        _, lab = connected_components(link, directed=False)
        # a group's node takes the number of its first cell in raster order
        idx = np.nonzero(tied | active)[0]
        key = np.where(tied[idx], lab[idx], ncell + idx)
        _, first, inv = np.unique(key, return_index=True, return_inverse=True)
        rank = np.empty(first.size, dtype=np.int64)
        rank[np.argsort(first)] = np.arange(first.size)
        flat[idx] = rank[inv]
    else:
        idx = np.nonzero(active)[0]
        flat[idx] = np.arange(idx.size)
    return flat.reshape(h, w)


def raster_graph(
    conductance: np.ndarray,
    four_neighbours: bool = False,
    average_resistance: bool = False,
    groups: list[np.ndarray] | None = None,
) -> RasterGraph:
    """The conductance graph of a grid of cell conductances (0 = not habitat)."""
    g = np.asarray(conductance, dtype=np.float64)
    nodes = node_map(g, groups)
    n = int(nodes.max()) + 1 if nodes.size and nodes.max() >= 0 else 0
    offsets = [(0, 1, 1.0), (1, 0, 1.0)]
    if not four_neighbours:
        offsets += [(1, 1, math.sqrt(2)), (1, -1, math.sqrt(2))]
    us, vs, ws = [], [], []
    h, w = g.shape
    for dr, dc, step in offsets:
        ra = slice(0, h - dr)
        rb = slice(dr, h)
        if dc >= 0:
            ca, cb = slice(0, w - dc), slice(dc, w)
        else:
            ca, cb = slice(-dc, w), slice(0, w + dc)
        na, nb = nodes[ra, ca].ravel(), nodes[rb, cb].ravel()
        ga, gb = g[ra, ca].ravel(), g[rb, cb].ravel()
        keep = (na >= 0) & (nb >= 0) & (na != nb)
        na, nb, ga, gb = na[keep], nb[keep], ga[keep], gb[keep]
        if average_resistance:
            with np.errstate(divide="ignore"):
                ok = (ga > 0) & (gb > 0)
                wt = np.zeros(ga.size)
                wt[ok] = 2.0 / (step * (1.0 / ga[ok] + 1.0 / gb[ok]))
        else:
            wt = (ga + gb) / (2.0 * step)
        pos = wt > 0
        us.append(np.minimum(na, nb)[pos])
        vs.append(np.maximum(na, nb)[pos])
        ws.append(wt[pos])
    u, v, wt = _coalesce(np.concatenate(us), np.concatenate(vs), np.concatenate(ws), n)
    return RasterGraph(n=n, u=u, v=v, w=wt, node_of_cell=nodes)


def _coalesce(u, v, w, n):
    """Sum parallel edges (a polygon touching a neighbour through several cells)."""
    if u.size == 0:
        return u.astype(np.int64), v.astype(np.int64), w.astype(np.float64)
    m = sp.coo_matrix((w, (u, v)), shape=(n, n)).tocsr()
    m.sum_duplicates()
    coo = m.tocoo()
    return coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data.astype(np.float64)


def network_graph(n1: np.ndarray, n2: np.ndarray, values: np.ndarray, is_resistance: bool) -> tuple[Graph, np.ndarray]:
    """A Graph from an edge list of node IDs (Circuitscape network mode). Returns the graph and
    the sorted original IDs (node k of the graph is ``ids[k]``)."""
    ids, inv = np.unique(np.concatenate([n1, n2]), return_inverse=True)
    a, b = inv[: n1.size], inv[n1.size :]
    vals = np.asarray(values, dtype=np.float64)
    with np.errstate(divide="ignore"):
        w = 1.0 / vals if is_resistance else vals
    keep = (a != b) & np.isfinite(w) & (w > 0)
    u, v = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    u, v, w = _coalesce(u, v, w[keep], ids.size)
    return Graph(n=int(ids.size), u=u, v=v, w=w), ids


def nested_dissection(shape: tuple[int, int], leaf: int = 64) -> np.ndarray:
    """Rank of every cell in a geometric nested-dissection order of the grid.

    Rectangles are split across their longer side by a one-cell-wide separator, which cuts every
    4- and 8-neighbour path; both halves are ordered first, the separator last. On grids this is
    as good a fill-reducing order as METIS's and costs almost nothing to compute.
    """
    h, w = shape
    return _nd_order(int(h), int(w), int(leaf))


@numba.njit(cache=True)
def _nd_order(h, w, leaf):
    rank = np.empty(h * w, dtype=np.int64)
    # explicit stack of (r0, r1, c0, c1, stage); stage 0: split, 1: emit separator
    stack = np.empty((64 * (int(np.log2(h * w + 1)) + 2), 6), dtype=np.int64)
    top = 0
    stack[0] = (0, h, 0, w, 0, -1)
    top = 1
    nxt = 0
    while top > 0:
        top -= 1
        r0, r1, c0, c1, stage, sep = stack[top]
        if r1 <= r0 or c1 <= c0:
            continue
        if stage == 1:  # the separator of a rectangle whose halves are done
            if sep >= 0:  # a row
                for c in range(c0, c1):
                    rank[sep * w + c] = nxt
                    nxt += 1
            else:
                col = -sep - 1
                for r in range(r0, r1):
                    rank[r * w + col] = nxt
                    nxt += 1
            continue
        if (r1 - r0) * (c1 - c0) <= leaf:
            for r in range(r0, r1):
                for c in range(c0, c1):
                    rank[r * w + c] = nxt
                    nxt += 1
            continue
        if r1 - r0 >= c1 - c0:
            m = (r0 + r1) // 2
            stack[top] = (r0, r1, c0, c1, 1, m)
            stack[top + 1] = (m + 1, r1, c0, c1, 0, 0)
            stack[top + 2] = (r0, m, c0, c1, 0, 0)
        else:
            m = (c0 + c1) // 2
            stack[top] = (r0, r1, c0, c1, 1, -m - 1)
            stack[top + 1] = (r0, r1, m + 1, c1, 0, 0)
            stack[top + 2] = (r0, r1, c0, m, 0, 0)
        top += 3
    return rank
