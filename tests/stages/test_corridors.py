"""Cost distance against an independent Dijkstra; traced paths are optimal."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from affine import Affine
from rasterio.crs import CRS
from scipy.sparse.csgraph import dijkstra

from econet.corridors import cost_distance, least_cost_paths, trace_path
from econet.grid import Grid
from econet.habitat import patch_table
from econet.landcover import GLOBELAND30

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
        cd = cost_distance(res, labels, 30.0)
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


def test_least_cost_paths_between_adjacent_zones():
    # Three sources in a row: 1-2 and 2-3 are adjacent, 1-3 is not.
    res = np.ones((21, 61))
    res[:, 20] = 5.0  # a costly strip between 1 and 2 with a cheap gap
    res[15, 20] = 1.0
    labels = np.zeros(res.shape, np.int32)
    labels[8:13, 2:6] = 1
    labels[8:13, 28:32] = 2
    labels[8:13, 55:59] = 3
    grid = Grid(CRS.from_epsg(4548), Affine(30, 0, 5e5, 0, -30, 3.8e6), res.shape)
    table = patch_table(labels, np.full(res.shape, 20), grid, GLOBELAND30)
    cd = cost_distance(res, labels, 30.0)
    lines = least_cost_paths(cd, res, table, grid)
    assert lines[["from_id", "to_id"]].values.tolist() == [[1, 2], [2, 3]]
    # 2-3 crosses uniform ground from column 31 to column 55: 24 steps of 30 m between cell
    # centres; the patches' edges are 23 cells apart.
    row = lines.iloc[1]
    assert np.isclose(row["cost"], 24 * 30.0) and np.isclose(row["length_m"], 24 * 30.0)
    assert np.isclose(row["euclid_m"], 23 * 30.0) and np.isclose(row["cwd_to_euclid"], 24 / 23)
    # 1-2 detours through the gap at row 15 rather than paying 5 on the strip
    first = lines.iloc[0]
    xs, ys = np.array(first.geometry.coords).T
    col20_x = 5e5 + 20.5 * 30
    assert np.isclose(ys[np.argmin(np.abs(xs - col20_x))], 3.8e6 - 15.5 * 30)
    assert first["cost"] < 22 * 30 + 4 * 30 * 1.0 + 10 * 30
