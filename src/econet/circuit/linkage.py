"""Linkage Mapper's circuit tools over a resistance raster and source patches (docs/methods/circuit.md).

* Pinchpoint Mapper (McRae et al. 2012): for each corridor pair, the normalised least-cost
  corridor NLCC = cwd_a + cwd_b - LCD cut at a cost-weighted-distance width; Circuitscape
  pairwise inside it (the two sources short-circuited as focal regions); current maps combined
  by maximum (or sum). Or all-to-one over the union of corridors.
* Barrier Mapper (McRae et al. 2012): for search radius r, restoring a disk of diameter 2r at
  cost 1 per map unit lets a path reach min_disk(cwd_a) + min_disk(cwd_b) + 2r; improvement =
  LCD minus that, per map unit restored = improvement / 2r, percent = 100 improvement / LCD;
  maximum over radii and over pairs (or sum over pairs).
* Centrality Mapper: current-flow centrality on the source graph (nodes = sources, edge
  resistance = corridor cost): 1 A between every pair, node and link currents summed.
* ``classify_top`` / ``top_class_polygons``: natural breaks (exact Fisher-Jenks) and the top
  class as polygons with area and majority land cover (4 classes, the top one kept).

Cost-weighted distances (resistance x metres) are the corridors package's bounded per-source
searches (``econet.corridors.pair_searches``, kept by ``link_sources`` as ``Linkage.searches``),
read one pair at a time. They are enough: a search with margin m holds cwd exactly wherever
cwd <= LCD + m for each partner. The pinch-point corridor NLCC_ab <= cutoff lies where
cwd_a, cwd_b <= LCD_ab + cutoff, so it needs m >= cutoff. A barrier improvement
LCD - min_disk(cwd_a) - min_disk(cwd_b) - 2r > 0 needs cells with cwd_a, cwd_b < LCD in the
disk, so any margin (even 0) will do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from econet.circuit.currents import branch_currents
from econet.circuit.graph import Graph, network_graph, raster_graph
from econet.circuit.modes import one_to_all, pairwise
from econet.classify import natural_breaks
from econet.corridors import SourceCost, cwd_surface, pair_corridor, pair_lcd, pair_searches
from econet.steps import counter
from econet.tasks import map_tasks


def _pair_ids(pairs) -> list[int]:
    return sorted({int(x) for p in pairs for x in p})


def _check_searches(searches: dict[int, SourceCost], ids: list[int], width: float = 0.0) -> None:
    """A search for every source, each made with a margin covering corridors ``width`` wide."""
    missing = [s for s in ids if s not in searches]
    if missing:
        raise ValueError(f"no search from sources {missing}: make the searches for these pairs")
    narrow = [s for s in ids if searches[s].margin < width]
    if narrow:
        raise ValueError(
            f"the searches from sources {narrow} were made with margin {searches[narrow[0]].margin:g}, "
            f"which covers corridors up to that width only; the cutoff {width:g} needs a margin >= {width:g}"
        )


def _box(flat: np.ndarray, width: int) -> tuple[int, int, int, int]:
    """Bounding box (row start, row stop, col start, col stop) of flat cell indices."""
    r, c = np.divmod(flat, width)
    return int(r.min()), int(r.max()) + 1, int(c.min()), int(c.max()) + 1


def _grow(box, pad: int, shape) -> tuple[int, int, int, int]:
    r0, r1, c0, c1 = box
    return max(r0 - pad, 0), min(r1 + pad, shape[0]), max(c0 - pad, 0), min(c1 + pad, shape[1])


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
    searches: dict[int, SourceCost] | None = None,
) -> PinchResult:
    """Pinchpoint Mapper. ``resistance``: NaN or <= 0 is not habitat; ``labels``: source IDs (0 none);
    ``pairs``: the corridors (source ID pairs); ``cutoff``: corridor width NLCC <= cutoff in
    cost-weighted distance (resistance x metres, the units of ``cost_distance``).
    ``mode``: "pairwise" (one circuit per corridor) or "all_to_one" (over the union of corridors,
    each source grounded in turn with 1 A in every other). ``combine``: "max" or "sum" over pairs.
    ``searches``: the per-source searches (``Linkage.searches``), made with a margin >= ``cutoff``
    (ValueError otherwise); without them they are made here with margin = ``cutoff``.
    """
    if mode not in ("pairwise", "all_to_one"):
        raise ValueError("mode must be 'pairwise' or 'all_to_one'")
    if combine not in ("max", "sum"):
        raise ValueError("combine must be 'max' or 'sum'")
    if cutoff < 0:
        raise ValueError("the corridor cutoff must be >= 0 (cost-weighted distance units)")
    res = np.asarray(resistance, dtype=np.float64)
    ids = _pair_ids(pairs)
    if searches is None:
        searches = pair_searches(res, labels, cell_size_m, pairs, margin=cutoff, trace=False)
    _check_searches(searches, ids, cutoff)
    shape = res.shape
    habitat = (np.isfinite(res) & (res > 0)).ravel()
    flat_labels = labels.ravel()
    source_cells = {s: np.flatnonzero(flat_labels == s) for s in ids}
    current = np.zeros(shape)
    union = np.zeros(shape, dtype=bool)
    reff: dict[tuple[int, int], float] = {}
    # One task per corridor (econet.tasks); the currents are combined here in corridor order.
    shared = dict(
        res=res,
        labels=labels,
        habitat=habitat,
        cutoff=cutoff,
        solve=mode == "pairwise",
        four_neighbours=four_neighbours,
        average_resistance=average_resistance,
        method=method,
    )
    items = [(a, b, searches[a], searches[b], source_cells[a], source_cells[b]) for a, b in pairs]
    for (a, b), (cells, r_ab, box, grid) in zip(
        pairs,
        map_tasks(
            _pair_current, items, shared=shared, done=counter("pinch points: current between each pair", len(items))
        ),
    ):
        union.ravel()[cells] = True
        if mode == "all_to_one":
            continue
        reff[(a, b)] = r_ab
        if grid is None:
            continue
        rs, cs = slice(box[0], box[1]), slice(box[2], box[3])
        if combine == "max":
            current[rs, cs] = np.maximum(current[rs, cs], grid)
        else:
            current[rs, cs] += grid
    if mode == "pairwise":
        return PinchResult(current, reff, union)
    # all-to-one over the union of corridors, every source a short-circuited region
    if not union.any():
        return PinchResult(current, {p: -1.0 for p in pairs}, union)
    r0, r1, c0, c1 = _box(np.flatnonzero(union), shape[1])
    rs, cs = slice(r0, r1), slice(c0, c1)
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


def _pair_current(
    item, *, res, labels, habitat, cutoff, solve, four_neighbours, average_resistance, method
) -> tuple[np.ndarray, float, tuple[int, int, int, int] | None, np.ndarray | None]:
    """One corridor's cells (flat, habitat only) and, with ``solve``, its effective resistance
    and cumulative current over its bounding box (box, grid); -1.0 and None when it has no
    circuit. A task of ``pinchpoints``: item = (a, b, their searches, their cells)."""
    a, b, sa, sb, cells_a, cells_b = item
    shape = res.shape
    inside, _ = pair_corridor({a: sa, b: sb}, a, b, cutoff, shape)
    cells = np.union1d(inside, np.concatenate([cells_a, cells_b]))
    cells = cells[habitat[cells]]
    if not solve or cells.size == 0:
        return cells, -1.0, None, None
    r0, r1, c0, c1 = _box(cells, shape[1])
    rs, cs = slice(r0, r1), slice(c0, c1)
    sub = np.zeros((r1 - r0, c1 - c0), dtype=bool)
    rr, cc = np.divmod(cells, shape[1])
    sub[rr - r0, cc - c0] = True
    g = np.where(sub, 1.0 / np.where(sub, res[rs, cs], 1.0), 0.0)
    lab = labels[rs, cs]
    ends = [np.nonzero((lab == s).ravel() & sub.ravel())[0] for s in (a, b)]
    if any(e.size == 0 for e in ends):
        return cells, -1.0, None, None
    graph = raster_graph(g, four_neighbours, average_resistance, groups=[e for e in ends if e.size > 1])
    flat = graph.node_of_cell.ravel()
    out = pairwise(graph, np.array([a, b]), np.array([flat[ends[0][0]], flat[ends[1][0]]]), method=method)
    return cells, float(out.resistance[0, 1]), (r0, r1, c0, c1), graph.to_grid(out.cumulative)


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
    searches: dict[int, SourceCost] | None = None,
) -> BarrierResult:
    """Barrier Mapper: how much restoring a disk of radius r (to resistance 1) centred on each
    cell would cut each corridor's least cost (resistance x metres). Scores are at the disk
    centre; values <= 0 are 0. ``searches``: the per-source searches (``Linkage.searches``, any
    margin); without them they are made here with margin 0.

    An improvement needs cells with cwd_a < LCD and cwd_b < LCD within r of the centre, so
    each pair is scored only in the window within the largest radius of both sets of cells."""

    if combine not in ("max", "sum"):
        raise ValueError("combine must be 'max' or 'sum'")
    if not radii_m or min(radii_m) <= 0:
        raise ValueError("give at least one search radius > 0 m")
    res = np.asarray(resistance, dtype=np.float64)
    if searches is None:
        searches = pair_searches(res, labels, cell_size_m, pairs, trace=False)
    _check_searches(searches, _pair_ids(pairs))
    shape = res.shape
    pad = int(np.floor(max(radii_m) / cell_size_m))
    imp_all, unit_all, pct_all = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    best_r = np.zeros(shape)
    # One task per corridor (econet.tasks); the scores are combined here in corridor order.
    items = []
    for a, b in pairs:
        lcd = pair_lcd(searches, a, b)
        if not np.isfinite(lcd) or lcd <= 0:
            continue
        # Only cells with cwd < LCD - 2r can score; a search holds every cell below its reach,
        # which passes its dearest partner's LCD.
        for s in (searches[a], searches[b]):
            if s.reach < lcd - 2.0 * min(radii_m):
                raise ValueError(
                    f"the search from source {s.source} is exact only below cost {s.reach:g}, short of the "
                    f"least cost {lcd:g} of {a}-{b}: make the searches for these pairs"
                )
        items.append((searches[a], searches[b], lcd))
    shared = {"shape": shape, "cell_size_m": float(cell_size_m), "radii_m": list(radii_m), "pad": pad}
    for scored in map_tasks(_pair_barriers, items, shared=shared, done=counter("barriers: each pair", len(items))):
        if scored is None:
            continue
        out, imp_p, unit_p, pct_p, r_p = scored
        at = (slice(out[0], out[1]), slice(out[2], out[3]))
        if combine == "max":
            best_r[at] = np.where(unit_p > unit_all[at], r_p, best_r[at])
            imp_all[at] = np.maximum(imp_all[at], imp_p)
            unit_all[at] = np.maximum(unit_all[at], unit_p)
            pct_all[at] = np.maximum(pct_all[at], pct_p)
        else:
            best_r[at] = np.where(unit_p > 0, np.maximum(best_r[at], r_p), best_r[at])
            imp_all[at] += imp_p
            unit_all[at] += unit_p
            pct_all[at] += pct_p
    return BarrierResult(imp_all, unit_all, pct_all, best_r)


def _pair_barriers(item, *, shape, cell_size_m, radii_m, pad):
    """One corridor's barrier scores over the window where they can be positive: (box,
    improvement, improvement per metre restored, percent of LCD, best radius), or None. A task
    of ``barriers``: item = (search from a, search from b, LCD_ab)."""
    from scipy.ndimage import minimum_filter

    sa, sb, lcd = item
    near = [s.index[s.cost < lcd] for s in (sa, sb)]
    if any(n.size == 0 for n in near):
        return None
    ba, bb = (_grow(_box(n, shape[1]), pad, shape) for n in near)
    out = (max(ba[0], bb[0]), min(ba[1], bb[1]), max(ba[2], bb[2]), min(ba[3], bb[3]))
    if out[0] >= out[1] or out[2] >= out[3]:
        return None
    # The disk minima are right on ``out`` when computed over it grown by the radius.
    r0, r1, c0, c1 = _grow(out, pad, shape)
    window = (slice(r0, r1), slice(c0, c1))
    crop = (slice(out[0] - r0, out[1] - r0), slice(out[2] - c0, out[3] - c0))
    cwd_a, cwd_b = cwd_surface(sa, shape, window), cwd_surface(sb, shape, window)
    wshape = cwd_a[crop].shape
    imp_p, unit_p, r_p = np.zeros(wshape), np.zeros(wshape), np.zeros(wshape)
    for r in radii_m:
        foot = _disk(r / cell_size_m)
        ma = minimum_filter(cwd_a, footprint=foot, mode="constant", cval=np.inf)[crop]
        mb = minimum_filter(cwd_b, footprint=foot, mode="constant", cval=np.inf)[crop]
        with np.errstate(invalid="ignore"):
            imp = np.nan_to_num(lcd - ma - mb - 2.0 * r, nan=0.0, neginf=0.0, posinf=0.0)
        imp = np.maximum(imp, 0.0)
        unit = imp / (2.0 * r)
        better = unit > unit_p
        r_p = np.where(better, r, r_p)
        unit_p = np.maximum(unit_p, unit)
        imp_p = np.maximum(imp_p, imp)
    return out, imp_p, unit_p, 100.0 * imp_p / lcd, r_p


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
    """Cells in the top natural-breaks class (Linkage Mapper: 4 classes, the highest kept)."""
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
    "barriers",
    "centrality",
    "classify_top",
    "positive_breaks",
    "pinchpoints",
    "top_class_polygons",
]
