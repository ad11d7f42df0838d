"""Linkage Mapper's circuit tools over a resistance raster and source patches (METHODS.md §6).

* Pinchpoint Mapper: for each corridor pair, the normalised least-cost corridor
  NLCC = cwd_a + cwd_b - LCD cut at a cost-weighted-distance width; Circuitscape pairwise inside
  it (the two sources short-circuited as focal regions); current maps combined by maximum (or
  sum). Or all-to-one over the union of corridors.
* Barrier Mapper: for search radius r, restoring a disk of diameter 2r at cost 1 per map unit
  lets a path reach min_disk(cwd_a) + min_disk(cwd_b) + 2r; improvement = LCD minus that,
  per map unit restored = improvement / 2r, percent = 100 improvement / LCD; maximum over radii
  and over pairs (or sum over pairs).
* Centrality Mapper: current-flow centrality on the source graph (nodes = sources, edge
  resistance = corridor cost): 1 A between every pair, node and link currents summed.
* ``classify_top`` / ``top_class_polygons``: natural breaks (exact Fisher-Jenks) and the top
  class as polygons with area and majority land cover (seed 002: 4 classes, top kept).

Cost distances come from the one kernel, ``econet.corridors.cost_distance`` (resistance x metres).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from econet.circuit.currents import branch_currents
from econet.circuit.graph import Graph, network_graph, raster_graph
from econet.circuit.modes import one_to_all, pairwise
from econet.classify import natural_breaks


@dataclass
class SourceCosts:
    """Cost-weighted distance from each source (label -> array), and pairwise least costs."""

    cwd: dict[int, np.ndarray]

    def lcd(self, a: int, b: int, labels: np.ndarray) -> float:
        """Least cost distance between sources a and b (cwd from a, read on b's cells)."""
        vals = self.cwd[a][labels == b]
        return float(vals.min()) if vals.size else float("inf")


def source_costs(resistance: np.ndarray, labels: np.ndarray, cell_size_m: float, ids=None) -> SourceCosts:
    """Cost distance from every source patch on its own (one Dijkstra per source)."""
    from econet.corridors import cost_distance

    ids = np.unique(labels[labels > 0]) if ids is None else ids
    out = {}
    for s in ids:
        out[int(s)] = cost_distance(resistance, np.where(labels == s, labels, 0), cell_size_m).cost
    return SourceCosts(out)


def corridor_mask(costs: SourceCosts, labels: np.ndarray, a: int, b: int, cutoff: float) -> np.ndarray:
    """Cells of the a-b least-cost corridor: NLCC = cwd_a + cwd_b - LCD <= cutoff, plus both sources."""
    lcd = costs.lcd(a, b, labels)
    nlcc = costs.cwd[a] + costs.cwd[b] - lcd
    return (nlcc <= cutoff) | (labels == a) | (labels == b)


def _window(mask: np.ndarray):
    rows = np.nonzero(mask.any(axis=1))[0]
    cols = np.nonzero(mask.any(axis=0))[0]
    return slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)


@dataclass
class PinchResult:
    current: np.ndarray  # combined current map (0 outside every corridor)
    resistance: dict[tuple[int, int], float]  # effective resistance per corridor pair (-1 not connected)
    corridors: np.ndarray  # bool: union of the corridors analysed


def pinchpoints(
    resistance: np.ndarray,
    labels: np.ndarray,
    cell_size_m: float,
    pairs: list[tuple[int, int]],
    cutoff: float,
    mode: str = "pairwise",
    combine: str = "max",
    four_neighbours: bool = False,
    average_resistance: bool = False,
    method: str = "auto",
    costs: SourceCosts | None = None,
) -> PinchResult:
    """Pinchpoint Mapper. ``resistance``: NaN or <= 0 is not habitat; ``labels``: source IDs (0 none);
    ``pairs``: the corridors (source ID pairs); ``cutoff``: corridor width in cost-weighted
    distance (resistance x metres, the units of ``cost_distance``; seed 002: 2000).
    ``mode``: "pairwise" (one circuit per corridor) or "all_to_one" (over the union of corridors,
    each source grounded in turn with 1 A in every other). ``combine``: "max" or "sum" over pairs.
    """
    if mode not in ("pairwise", "all_to_one"):
        raise ValueError("mode must be 'pairwise' or 'all_to_one'")
    if combine not in ("max", "sum"):
        raise ValueError("combine must be 'max' or 'sum'")
    if cutoff < 0:
        raise ValueError("the corridor cutoff must be >= 0 (cost-weighted distance units)")
    res = np.asarray(resistance, dtype=np.float64)
    habitat = np.isfinite(res) & (res > 0)
    ids = sorted({int(x) for p in pairs for x in p})
    costs = costs or source_costs(res, labels, cell_size_m, ids)
    current = np.zeros(res.shape)
    union = np.zeros(res.shape, dtype=bool)
    reff: dict[tuple[int, int], float] = {}
    masks = {}
    for a, b in pairs:
        masks[(a, b)] = corridor_mask(costs, labels, a, b, cutoff) & habitat
        union |= masks[(a, b)]
    if mode == "pairwise":
        for (a, b), mask in masks.items():
            if not mask.any():
                reff[(a, b)] = -1.0
                continue
            rs, cs = _window(mask)
            sub = mask[rs, cs]
            g = np.where(sub, 1.0 / np.where(sub, res[rs, cs], 1.0), 0.0)
            lab = labels[rs, cs]
            cells = [np.nonzero((lab == s).ravel() & sub.ravel())[0] for s in (a, b)]
            if any(c.size == 0 for c in cells):
                reff[(a, b)] = -1.0
                continue
            graph = raster_graph(g, four_neighbours, average_resistance, groups=[c for c in cells if c.size > 1])
            flat = graph.node_of_cell.ravel()
            out = pairwise(graph, np.array([a, b]), np.array([flat[cells[0][0]], flat[cells[1][0]]]), method=method)
            reff[(a, b)] = float(out.resistance[0, 1])
            grid = graph.to_grid(out.cumulative)
            if combine == "max":
                current[rs, cs] = np.maximum(current[rs, cs], grid)
            else:
                current[rs, cs] += grid
        return PinchResult(current, reff, union)
    # all-to-one over the union of corridors, every source a short-circuited region
    if not union.any():
        return PinchResult(current, {p: -1.0 for p in pairs}, union)
    rs, cs = _window(union)
    sub = union[rs, cs]
    g = np.where(sub, 1.0 / np.where(sub, res[rs, cs], 1.0), 0.0)
    lab = labels[rs, cs]
    cells = [np.nonzero((lab == s).ravel() & sub.ravel())[0] for s in ids]
    graph = raster_graph(g, four_neighbours, average_resistance, groups=[c for c in cells if c.size > 1])
    flat = graph.node_of_cell.ravel()
    fnodes = np.array([flat[c[0]] if c.size else -1 for c in cells], dtype=np.int64)
    out = one_to_all(graph, np.array(ids), fnodes, all_to_one=True, method=method)
    current[rs, cs] = graph.to_grid(out.cumulative)
    return PinchResult(current, {p: -1.0 for p in pairs}, union)


def _disk(radius_cells: float) -> np.ndarray:
    r = int(np.floor(radius_cells))
    yy, xx = np.mgrid[-r : r + 1, -r : r + 1]
    return (yy**2 + xx**2) <= radius_cells**2 + 1e-9


@dataclass
class BarrierResult:
    improvement: np.ndarray  # best LCD reduction (cost units), max over radii (and pairs, or summed)
    per_unit: np.ndarray  # improvement / (2 r): per map unit restored
    percent: np.ndarray  # 100 x improvement / LCD
    best_radius_m: np.ndarray  # radius giving ``per_unit`` (0 where no improvement)


def barriers(
    resistance: np.ndarray,
    labels: np.ndarray,
    cell_size_m: float,
    pairs: list[tuple[int, int]],
    radii_m: list[float],
    combine: str = "max",
    costs: SourceCosts | None = None,
) -> BarrierResult:
    """Barrier Mapper: how much restoring a disk of radius r (to resistance 1) centred on each
    cell would cut each corridor's least cost. Scores are at the disk centre; values <= 0 are 0."""
    from scipy.ndimage import minimum_filter

    if combine not in ("max", "sum"):
        raise ValueError("combine must be 'max' or 'sum'")
    if not radii_m or min(radii_m) <= 0:
        raise ValueError("give at least one search radius > 0 m")
    res = np.asarray(resistance, dtype=np.float64)
    ids = sorted({int(x) for p in pairs for x in p})
    costs = costs or source_costs(res, labels, cell_size_m, ids)
    shape = res.shape
    imp_all, unit_all, pct_all = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    best_r = np.zeros(shape)
    for a, b in pairs:
        lcd = costs.lcd(a, b, labels)
        if not np.isfinite(lcd) or lcd <= 0:
            continue
        imp_p, unit_p, r_p = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        for r in radii_m:
            foot = _disk(r / cell_size_m)
            ma = minimum_filter(costs.cwd[a], footprint=foot, mode="constant", cval=np.inf)
            mb = minimum_filter(costs.cwd[b], footprint=foot, mode="constant", cval=np.inf)
            with np.errstate(invalid="ignore"):
                imp = np.nan_to_num(lcd - ma - mb - 2.0 * r, nan=0.0, neginf=0.0, posinf=0.0)
            imp = np.maximum(imp, 0.0)
            unit = imp / (2.0 * r)
            better = unit > unit_p
            r_p = np.where(better, r, r_p)
            unit_p = np.maximum(unit_p, unit)
            imp_p = np.maximum(imp_p, imp)
        pct_p = 100.0 * imp_p / lcd
        if combine == "max":
            best_r = np.where(unit_p > unit_all, r_p, best_r)
            imp_all, unit_all, pct_all = (
                np.maximum(imp_all, imp_p),
                np.maximum(unit_all, unit_p),
                np.maximum(pct_all, pct_p),
            )
        else:
            best_r = np.where(unit_p > 0, np.maximum(best_r, r_p), best_r)
            imp_all, unit_all, pct_all = imp_all + imp_p, unit_all + unit_p, pct_all + pct_p
    return BarrierResult(imp_all, unit_all, pct_all, best_r)


@dataclass
class Centrality:
    nodes: np.ndarray  # source IDs
    node_current: np.ndarray  # current-flow centrality per source (sum over all pairs)
    edges: list[tuple[int, int]]
    edge_current: np.ndarray  # per corridor


def centrality(edges: list[tuple[int, int]], edge_resistance: np.ndarray, method: str = "auto") -> Centrality:
    """Centrality Mapper: 1 A between every pair of sources on the corridor graph (edge resistance =
    corridor cost), node and link currents summed over pairs (Circuitscape network mode)."""
    a = np.array([e[0] for e in edges], dtype=np.float64)
    b = np.array([e[1] for e in edges], dtype=np.float64)
    graph, ids = network_graph(a, b, np.asarray(edge_resistance, dtype=np.float64), is_resistance=True)
    node_cur = np.zeros(graph.n)
    edge_cur = np.zeros(graph.u.size)

    def add(i, j, volts, amps):
        node_cur[:] += amps
        edge_cur[:] += branch_currents(graph.u, graph.v, graph.w, volts)

    pairwise(graph, ids, np.arange(graph.n), currents=False, on_pair=add, method=method)
    pos = {(int(ids[u]), int(ids[v])): k for k, (u, v) in enumerate(zip(graph.u, graph.v))}
    per_edge = np.array([edge_cur[pos.get((min(int(x), int(y)), max(int(x), int(y))), -1)] for x, y in edges])
    return Centrality(ids.astype(np.int64), node_cur, list(edges), per_edge)


def positive_breaks(values: np.ndarray, k: int = 4) -> np.ndarray:
    """Upper bounds of ``k`` natural-breaks classes of the finite values > 0 (empty if none)."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v) & (v > 0)]
    return natural_breaks(v, k) if v.size else np.zeros(0)


def classify_top(values: np.ndarray, k: int = 4) -> np.ndarray:
    """Cells in the top natural-breaks class (seed 002: 4 classes, the highest kept)."""
    bins = positive_breaks(values, k)
    if bins.size == 0:
        return np.zeros(np.shape(values), dtype=bool)
    lower = bins[-2] if bins.size > 1 else -np.inf
    v = np.asarray(values, dtype=np.float64)
    return np.isfinite(v) & (v > lower) & (v > 0)


def top_class_polygons(mask: np.ndarray, grid, landcover: np.ndarray | None = None, values: np.ndarray | None = None):
    """The top-class cells as polygons (8-connected patches): id, area_ha, cells, mean value and
    majority land-cover code, on ``grid`` (econet.grid.Grid)."""
    import geopandas as gpd
    from rasterio import features
    from scipy import ndimage
    from shapely.geometry import shape

    lab, n = ndimage.label(mask, structure=np.ones((3, 3)))
    records = []
    geoms = []
    cell_area_ha = grid.cell_size_m**2 / 1e4
    counts = np.bincount(lab.ravel(), minlength=n + 1)
    for geom, val in features.shapes(lab.astype(np.int32), mask=lab > 0, transform=grid.transform, connectivity=8):
        pid = int(val)
        rec = {"id": pid, "cells": int(counts[pid]), "area_ha": float(counts[pid] * cell_area_ha)}
        sel = lab == pid
        if values is not None:
            rec["mean_value"] = float(np.mean(values[sel]))
        if landcover is not None:
            codes, cnt = np.unique(landcover[sel], return_counts=True)
            rec["landcover"] = int(codes[np.argmax(cnt)])
        records.append(rec)
        geoms.append(shape(geom))
    gdf = (
        gpd.GeoDataFrame(records, geometry=geoms, crs=grid.crs)
        if records
        else gpd.GeoDataFrame({"id": [], "cells": [], "area_ha": []}, geometry=[], crs=grid.crs)
    )
    if len(gdf):
        gdf = gdf.dissolve(by="id", aggfunc="first").reset_index()
    return gdf


__all__ = [
    "BarrierResult",
    "Centrality",
    "Graph",
    "PinchResult",
    "SourceCosts",
    "barriers",
    "centrality",
    "classify_top",
    "corridor_mask",
    "positive_breaks",
    "pinchpoints",
    "source_costs",
    "top_class_polygons",
]
