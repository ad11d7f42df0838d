"""Linkage Mapper tools: pinch points, barriers, centrality, natural breaks, polygons."""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine
from rasterio.crs import CRS

from econet.circuit import pairwise, raster_graph
from econet.circuit.linkage import (
    barriers,
    centrality,
    classify_top,
    pinchpoints,
    positive_breaks,
    top_class_polygons,
)
from econet.corridors import SourceCost, cost_distance, link_sources, pair_lcd, pair_searches
from econet.grid import Grid
from econet.habitat import patch_table
from econet.landcover import GLOBELAND30


def walled_landscape():
    """Two sources left and right of a high-resistance wall with a one-cell gap at row 10.

    Average resistance makes the one-cell wall tight; under average conductance it leaks
    ((1 + 1/1000) / 2 per step), the known Circuitscape behaviour."""
    res = np.ones((21, 31))
    res[:, 15] = 1000.0
    res[10, 15] = 1.0
    labels = np.zeros(res.shape, dtype=np.int32)
    labels[8:13, 1:3] = 1
    labels[8:13, 28:30] = 2
    return res, labels


def test_pinchpoint_current_funnels_through_the_gap():
    res, labels = walled_landscape()
    out = pinchpoints(res, labels, 30.0, [(1, 2)], cutoff=1e9, average_resistance=True)
    gap = out.current[10, 15]
    assert 0.9 < gap <= 1.0 + 1e-9  # nearly all of the 1 A crosses the gap; the wall leaks a little
    assert out.current[2, 15] < 0.01 and out.current[18, 15] < 0.01
    assert out.current.max() == pytest.approx(gap, rel=0.05) or out.current.max() > gap
    top = classify_top(np.where(out.corridors, out.current, 0.0), k=4)
    assert top[10, 15] and not top[2, 15]
    # the same circuit solved directly: sources short-circuited, nothing masked (cutoff is huge)
    g = 1.0 / res
    cells = [np.nonzero((labels == s).ravel())[0] for s in (1, 2)]
    graph = raster_graph(g, average_resistance=True, groups=cells)
    flat = graph.node_of_cell.ravel()
    ref = pairwise(graph, np.array([1, 2]), flat[[cells[0][0], cells[1][0]]])
    assert out.resistance[(1, 2)] == pytest.approx(ref.resistance[0, 1], rel=1e-9)
    assert np.allclose(out.current, graph.to_grid(ref.cumulative), atol=1e-9)


def test_pinchpoint_cutoff_narrows_the_corridor():
    res, labels = walled_landscape()
    wide = pinchpoints(res, labels, 30.0, [(1, 2)], cutoff=1e9, average_resistance=True)
    narrow = pinchpoints(res, labels, 30.0, [(1, 2)], cutoff=300.0, average_resistance=True)
    assert narrow.corridors.sum() < wide.corridors.sum()
    assert narrow.corridors[10, 15] and not narrow.corridors[0, 0]
    # less room to spread: a higher effective resistance, current still 1 A through the gap
    assert narrow.resistance[(1, 2)] > wide.resistance[(1, 2)]
    assert narrow.current[10, 15] == pytest.approx(1.0, abs=1e-6)
    assert np.all(narrow.current[~narrow.corridors] == 0)


def test_pinchpoint_all_to_one():
    res, labels = walled_landscape()
    labels[18:20, 14:17] = 3  # a third source straddling the wall at the bottom
    out = pinchpoints(res, labels, 30.0, [(1, 2), (1, 3), (2, 3)], cutoff=1e9, mode="all_to_one")
    assert out.current[10, 15] > 0.1
    assert np.all(out.current >= 0) and out.current.max() > 1.0


def test_barrier_scores_by_hand():
    # one row: sources at both ends, a 3-cell barrier (resistance 50) in the middle; 1 m cells
    res = np.ones((1, 21))
    res[0, 9:12] = 50.0
    labels = np.zeros((1, 21), dtype=np.int32)
    labels[0, 0], labels[0, 20] = 1, 2
    searches = pair_searches(res, labels, 1.0, [(1, 2)])
    lcd = pair_lcd(searches, 1, 2)
    assert lcd == pytest.approx(8 + 25.5 + 50 + 50 + 25.5 + 8)  # 167
    out = barriers(res, labels, 1.0, [(1, 2)], radii_m=[2.0], searches=searches)
    # a disk of radius 2 at cell 10 reaches cwd_a = 8 (cell 8) and cwd_b = 8 (cell 12): 8 + 8 + 4 = 20
    assert out.improvement[0, 10] == pytest.approx(167 - 20)
    assert out.per_unit[0, 10] == pytest.approx(147 / 4)
    assert out.percent[0, 10] == pytest.approx(100 * 147 / 167)
    assert out.best_radius_m[0, 10] == 2.0
    assert out.improvement[0, 2] == 0.0  # restoring open ground does not help
    two = barriers(res, labels, 1.0, [(1, 2)], radii_m=[1.0, 2.0], searches=searches)
    # radius 1 at cell 10: reaches cells 9 and 11, cwd 33.5 each -> 167 - 67 - 2 = 98, per unit 49
    assert two.per_unit[0, 10] == pytest.approx(49.0)
    assert two.best_radius_m[0, 10] == 1.0 and two.improvement[0, 10] == pytest.approx(147)


def test_centrality_chain_by_hand():
    out = centrality([(1, 2), (2, 3)], np.array([1.0, 1.0]))
    # pairs 1-2, 1-3, 2-3 with 1 A each: node 2 carries all three
    assert np.allclose(out.node_current, [2.0, 3.0, 2.0])
    assert np.allclose(out.edge_current, [2.0, 2.0])
    tri = centrality([(1, 2), (2, 3), (1, 3)], np.array([1.0, 1.0, 1.0]))
    # in a unit triangle the direct edge carries 2/3 A of its own pair and 1/3 of each other pair
    assert np.allclose(tri.edge_current, [4 / 3] * 3)


def test_natural_breaks_and_polygons():
    vals = np.array([1, 1.1, 0.9, 5, 5.2, 4.9, 10, 10.5, 9.8, 50, 51, 49.0])
    bins = positive_breaks(vals, 4)
    assert len(bins) == 4 and bins[-2] == pytest.approx(10.5) and bins[-1] == 51
    grid_vals = np.zeros((6, 6))
    grid_vals[0, 0:2] = 50  # patch of 2 cells
    grid_vals[4:6, 4:6] = 49  # patch of 4 cells
    grid_vals[2, 2] = 1
    grid_vals[3, 3] = 5
    grid_vals[2, 4] = 10
    top = classify_top(grid_vals, 4)
    assert top.sum() == 6
    grid = Grid(CRS.from_epsg(32650), Affine(30, 0, 500000, 0, -30, 4000000), (6, 6))
    lc = np.full((6, 6), 10)
    lc[5, 5] = 60
    polys = top_class_polygons(top, grid, landcover=lc, values=grid_vals)
    assert sorted(polys["cells"]) == [2, 4]
    assert sorted(polys["area_ha"]) == pytest.approx([0.18, 0.36])
    assert set(polys["landcover"]) == {10}
    assert polys.geometry.area.sum() == pytest.approx(6 * 900)


def test_fisher_jenks_is_optimal_by_brute_force():
    from itertools import combinations

    from econet.classify import fisher_jenks

    rng = np.random.default_rng(5)
    v = np.sort(rng.gamma(2.0, 3.0, 14))

    def ssd(parts):
        return sum(((p - p.mean()) ** 2).sum() for p in parts)

    best = min((ssd(np.split(v, [a, b, c])), (a, b, c)) for a, b, c in combinations(range(1, v.size), 3))
    a, b, c = best[1]
    want = [v[a - 1], v[b - 1], v[c - 1], v[-1]]
    assert np.allclose(fisher_jenks(v, 4), want)


def _full_searches(res, labels, cell, ids):
    """Unbounded float64 searches from every source (``cost_distance`` one source at a time),
    in the corridors' search format: the dense reference for the bounded searches."""
    flat_labels = labels.ravel()
    out = {}
    for s in ids:
        cost = cost_distance(res, np.where(labels == s, s, 0), cell).cost.ravel()
        index = np.flatnonzero(np.isfinite(cost))
        reached = {}
        for t in ids:
            on = np.flatnonzero(flat_labels == t)
            k = on[np.argmin(cost[on])]
            if t != s and np.isfinite(cost[k]):
                reached[t] = (float(cost[k]), int(k))
        out[s] = SourceCost(s, index, cost[index], reached, {}, margin=np.inf)
    return out


def random_sources_landscape():
    rng = np.random.default_rng(11)
    res = rng.uniform(1.0, 10.0, (50, 70))
    res[rng.random(res.shape) < 0.05] = np.nan
    labels = np.zeros(res.shape, np.int32)
    for k, (r, c) in enumerate([(3, 4), (5, 55), (22, 30), (40, 8), (42, 60), (24, 64)], start=1):
        labels[r : r + 3, c : c + 4] = k
    res[labels > 0] = 1.0
    grid = Grid(CRS.from_epsg(4548), Affine(30.0, 0, 5e5, 0, -30.0, 3.8e6), res.shape)
    return res, labels, grid, patch_table(labels, np.full(res.shape, 20), grid, GLOBELAND30)


def test_bounded_searches_give_the_full_surfaces_results():
    # Pinch points and barriers from the corridors' bounded searches equal those from full cost
    # surfaces: identical corridors and currents, barrier scores to float32 rounding of the costs.
    res, labels, grid, table = random_sources_landscape()
    cutoff = 800.0
    alloc = cost_distance(res, labels, 30.0).allocation
    link = link_sources(res, labels, table, grid, allocation=alloc, drop_through_sources=False, width_cost=cutoff)
    pairs = [(int(a), int(b)) for a, b in zip(link.paths["from_id"], link.paths["to_id"])]
    assert len(pairs) >= 8
    ids = sorted({x for p in pairs for x in p})
    full = _full_searches(res, labels, 30.0, ids)
    bounded = link.searches
    assert sum(s.index.size for s in bounded.values()) < 0.8 * sum(s.index.size for s in full.values())
    for a, b in pairs:
        assert pair_lcd(bounded, a, b) == pytest.approx(pair_lcd(full, a, b), rel=1e-12)
    for mode in ("all_to_one", "pairwise"):
        got = pinchpoints(res, labels, 30.0, pairs, cutoff, mode=mode, searches=bounded)
        want = pinchpoints(res, labels, 30.0, pairs, cutoff, mode=mode, searches=full)
        assert got.corridors.sum() > 0 and np.array_equal(got.corridors, want.corridors)
        assert np.allclose(got.current, want.current, rtol=1e-9, atol=1e-12)
        assert got.resistance == pytest.approx(want.resistance, rel=1e-9)
    assert all(r > 0 for r in got.resistance.values())
    # Without searches, pinchpoints makes its own with margin = cutoff: the same corridors.
    own = pinchpoints(res, labels, 30.0, pairs, cutoff)
    assert np.array_equal(own.corridors, got.corridors) and np.allclose(own.current, got.current, atol=1e-12)
    # Barrier Mapper needs no margin: the path searches alone (margin 0) suffice.
    paths_only = link_sources(res, labels, table, grid, allocation=alloc, drop_through_sources=False).searches
    assert all(s.margin == 0.0 for s in paths_only.values())
    lcds = [pair_lcd(full, a, b) for a, b in pairs]
    tol = 1e-6 * max(lcds)  # the bounded searches keep float32 costs: 6e-8 relative rounding each
    for combine in ("max", "sum"):
        got = barriers(res, labels, 30.0, pairs, [30.0, 75.0], combine, searches=paths_only)
        want = barriers(res, labels, 30.0, pairs, [30.0, 75.0], combine, searches=full)
        assert got.improvement.max() > 100.0 and np.array_equal(got.improvement > 0, want.improvement > 0)
        assert np.allclose(got.improvement, want.improvement, rtol=0, atol=tol)
        assert np.allclose(got.per_unit, want.per_unit, rtol=0, atol=tol / 60.0)
        assert np.allclose(got.percent, want.percent, rtol=0, atol=100.0 * tol / min(lcds))
        assert np.array_equal(got.best_radius_m, want.best_radius_m)
    # A corridor wider than the searches' margin is refused.
    with pytest.raises(ValueError, match="margin >= 800"):
        pinchpoints(res, labels, 30.0, pairs, cutoff, searches=paths_only)
