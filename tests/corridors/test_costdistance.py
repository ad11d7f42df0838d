"""Cost distance against an independent Dijkstra; traced paths are optimal."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from econet.corridors import cost_distance, source_costs, trace_path

OFFSETS = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (dr, dc) != (0, 0)]


def _graph(res, cell):
    """The 8-neighbour grid as a sparse graph with r.cost's step costs."""
    h, w = res.shape
    rows, cols, vals = [], [], []
    for r in range(h):
        for c in range(w):
            for dr, dc in OFFSETS:
                rr, cc = r + dr, c + dc
                if 0 <= rr < h and 0 <= cc < w and np.isfinite(res[r, c]) and np.isfinite(res[rr, cc]):
                    rows.append(r * w + c)
                    cols.append(rr * w + cc)
                    vals.append(0.5 * (res[r, c] + res[rr, cc]) * cell * (np.sqrt(2) if dr and dc else 1))
    return sp.csr_array((vals, (rows, cols)), shape=(h * w, h * w))


def test_matches_independent_dijkstra():
    rng = np.random.default_rng(7)
    for trial in range(5):
        res = rng.uniform(0.5, 20, (17, 23))
        res[rng.random(res.shape) < 0.1] = np.nan  # barriers
        labels = np.zeros(res.shape, np.int32)
        labels[2, 3] = 1
        labels[14, 19] = 2
        labels[8:10, 10:12] = 3
        res[labels > 0] = 1.0
        cd = cost_distance(res, labels, 30.0, threads=1)
        cd2 = cost_distance(res, labels, 30.0, threads=2)
        assert np.array_equal(cd.cost, cd2.cost)
        g = _graph(res, 30.0)
        ref = np.full(res.size, np.inf)
        ref_alloc = np.zeros(res.size, int)
        for lab in (1, 2, 3):
            d = dijkstra(g, indices=np.flatnonzero(labels.ravel() == lab), min_only=True)
            better = d < ref
            ref[better] = d[better]
            ref_alloc[better] = lab
        assert np.allclose(cd.cost.ravel(), ref, rtol=1e-12, equal_nan=False)
        reach = np.isfinite(ref)
        assert np.array_equal(cd.allocation.ravel()[reach], ref_alloc[reach])
        assert np.array_equal(cd2.allocation.ravel()[reach], ref_alloc[reach])
        # Tracing from any reachable cell follows steps whose costs add up to its cost.
        for idx in rng.choice(np.flatnonzero(reach), 20, replace=False):
            cells = trace_path(cd.backlink, idx // res.shape[1], idx % res.shape[1])
            total = 0.0
            for (r0, c0), (r1, c1) in zip(cells[:-1], cells[1:]):
                step = np.sqrt(2) if r0 != r1 and c0 != c1 else 1.0
                total += 0.5 * (res[r0, c0] + res[r1, c1]) * 30.0 * step
            assert np.isclose(total, cd.cost.ravel()[idx])
            assert labels[tuple(cells[-1])] == cd.allocation.ravel()[idx]


def test_uniform_surface_distances():
    res = np.ones((11, 11))
    labels = np.zeros(res.shape, np.int32)
    labels[5, 5] = 1
    cd = cost_distance(res, labels, 10.0)
    assert cd.cost[5, 10] == 50.0
    assert np.isclose(cd.cost[0, 0], 5 * np.sqrt(2) * 10)
    assert np.isclose(cd.cost[0, 3], 2 * np.sqrt(2) * 10 + 3 * 10)  # 5 rows, 2 columns away


def test_max_cost_bounds_search():
    res = np.ones((5, 30))
    labels = np.zeros(res.shape, np.int32)
    labels[2, 0] = 1
    cd = cost_distance(res, labels, 1.0, max_cost=10.0)
    assert np.isinf(cd.cost[2, 11]) and cd.cost[2, 10] == 10.0


def test_float32_resistance_and_wide_range():
    # Resistance spanning 1e-3..1e4 (ring of buckets capped) still gives exact costs.
    rng = np.random.default_rng(11)
    res = np.exp(rng.uniform(np.log(1e-3), np.log(1e4), (25, 31))).astype(np.float32)
    labels = np.zeros(res.shape, np.int32)
    labels[3, 4] = 1
    labels[20, 25] = 2
    cd = cost_distance(res, labels, 10.0)
    g = _graph(res.astype(np.float64), 10.0)
    ref = dijkstra(g, indices=np.flatnonzero(labels.ravel() > 0), min_only=True)
    assert np.allclose(cd.cost.ravel(), ref, rtol=1e-6)


def test_isolated_cells_and_no_sources():
    res = np.ones((6, 6))
    res[:, 3] = np.nan  # a wall: the right half is unreachable
    labels = np.zeros(res.shape, np.int32)
    labels[2, 0] = 4
    cd = cost_distance(res, labels, 1.0)
    assert np.isinf(cd.cost[:, 3:]).all() and (cd.allocation[:, 3:] == 0).all()
    assert (cd.allocation[:, :3] == 4).all()
    empty = cost_distance(res, np.zeros_like(labels), 1.0)
    assert np.isinf(empty.cost).all()


def test_source_costs_bounded_and_exact():
    rng = np.random.default_rng(3)
    res = rng.uniform(1, 10, (40, 50))
    res[rng.random(res.shape) < 0.05] = np.nan
    labels = np.zeros(res.shape, np.int32)
    labels[3:6, 3:6] = 1
    labels[30:34, 40:46] = 2
    labels[20:22, 8:10] = 3
    labels[33:36, 12:15] = 4
    res[labels > 0] = 1.0
    margin = 100.0
    partners = {1: [2, 3], 2: [1], 3: [1, 4], 4: [3]}
    for sc in source_costs(res, labels, 30.0, partners, margin=margin):
        full = cost_distance(res, np.where(labels == sc.source, sc.source, 0), 30.0).cost.ravel()
        # Partner distances are the exact least costs to the partner's nearest cell.
        assert set(sc.reached) == set(partners[sc.source])
        for b, (lcd, cell) in sc.reached.items():
            assert np.isclose(lcd, full[labels.ravel() == b].min(), rtol=1e-12)
            assert labels.ravel()[cell] == b
            path = sc.paths[b]
            assert labels[tuple(path[0])] == sc.source and labels[tuple(path[-1])] == b
        # Sparse costs are exact (float32) and complete up to the dearest partner plus the margin,
        # and the search stopped well short of the whole grid when it could.
        assert np.allclose(sc.cost, full[sc.index], rtol=1e-6)
        bound = max(v[0] for v in sc.reached.values()) + margin
        assert np.count_nonzero(full <= bound) == np.count_nonzero(sc.cost <= bound)
    sizes = {sc.source: sc.index.size for sc in source_costs(res, labels, 30.0, {4: [3]}, margin=0.0)}
    assert sizes[4] < np.isfinite(res).sum() / 2


def test_ties_on_integer_grades_two_threads():
    # Graded resistance (1..9, as the studies use) makes many exact ties between sources: both
    # thread counts give the same costs, every allocation is a cheapest source, and a repeated
    # two-thread run gives the same allocation.
    rng = np.random.default_rng(5)
    res = rng.integers(1, 10, (60, 70)).astype(np.float64)
    labels = np.zeros(res.shape, np.int32)
    for k, (r, c) in enumerate([(5, 5), (5, 60), (50, 8), (52, 62), (30, 35)], start=1):
        labels[r : r + 2, c : c + 2] = k
    one = cost_distance(res, labels, 30.0, threads=1)
    two = cost_distance(res, labels, 30.0, threads=2)
    again = cost_distance(res, labels, 30.0, threads=2)
    assert np.array_equal(one.cost, two.cost)
    assert np.array_equal(two.allocation, again.allocation) and np.array_equal(two.backlink, again.backlink)
    per_source = np.stack([cost_distance(res, np.where(labels == k, k, 0), 30.0).cost for k in range(1, 6)])
    for cd in (one, two):
        own = np.take_along_axis(per_source, (cd.allocation - 1)[None], axis=0)[0]
        assert np.allclose(own, cd.cost, rtol=1e-12)
