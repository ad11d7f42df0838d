"""Pair selection, least-cost paths and NLCC corridors on hand-built surfaces."""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine
from rasterio.crs import CRS

from econet.corridors import (
    candidate_pairs,
    cost_distance,
    cwd_surface,
    link_sources,
    pair_corridor,
    pair_lcd,
    zone_adjacency,
)
from econet.grid import Grid
from econet.habitat import patch_table
from econet.landcover import GLOBELAND30

GRID_ORIGIN = (5e5, 3.8e6)


def _grid(shape, cell=30.0):
    return Grid(CRS.from_epsg(4548), Affine(cell, 0, GRID_ORIGIN[0], 0, -cell, GRID_ORIGIN[1]), shape)


def _row_of_three():
    res = np.ones((21, 61))
    res[:, 20] = 5.0  # a costly strip between 1 and 2 with a cheap gap
    res[15, 20] = 1.0
    labels = np.zeros(res.shape, np.int32)
    labels[8:13, 2:6] = 1
    labels[8:13, 28:32] = 2
    labels[8:13, 55:59] = 3
    grid = _grid(res.shape)
    return res, labels, grid, patch_table(labels, np.full(res.shape, 20), grid, GLOBELAND30)


def test_paths_between_allocation_adjacent_sources():
    res, labels, grid, table = _row_of_three()
    cd = cost_distance(res, labels, 30.0)
    link = link_sources(res, labels, table, grid, allocation=cd.allocation)
    lines = link.paths
    assert lines[["from_id", "to_id"]].values.tolist() == [[1, 2], [2, 3]]
    # 2-3 crosses uniform ground from column 31 to column 55: 24 steps of 30 m between cell
    # centres; the patches' edges are 23 cells apart.
    row = lines.iloc[1]
    assert np.isclose(row["cost"], 24 * 30.0) and np.isclose(row["length_m"], 24 * 30.0)
    assert np.isclose(row["euclid_m"], 23 * 30.0) and np.isclose(row["cwd_to_euclid"], 24 / 23)
    # 1-2 detours through the gap at row 15 rather than paying 5 on the strip
    first = lines.iloc[0]
    xs, ys = np.array(first.geometry.coords).T
    col20_x = GRID_ORIGIN[0] + 20.5 * 30
    assert np.isclose(ys[np.argmin(np.abs(xs - col20_x))], GRID_ORIGIN[1] - 15.5 * 30)
    # The path's cost is the sum of its steps' costs, and no cheaper than the straight line's bound.
    cells = np.column_stack(grid.rowcol(xs, ys))
    total = sum(
        0.5 * (res[tuple(p)] + res[tuple(q)]) * 30.0 * (np.sqrt(2) if abs(p - q).sum() == 2 else 1.0)
        for p, q in zip(cells[:-1], cells[1:])
    )
    assert np.isclose(total, first["cost"])
    assert first["cost"] < 22 * 30 + 4 * 30 * 1.0 + 10 * 30


def test_pair_rules_and_third_source():
    res, labels, grid, table = _row_of_three()
    res[:, 26:34] = 50.0  # a costly band passable only through source 2's rows
    res[8:13, 26:34] = 1.0
    assert candidate_pairs("euclidean_adjacency", labels) == [(1, 2), (2, 3)]
    assert candidate_pairs("all", labels) == [(1, 2), (1, 3), (2, 3)]
    # All pairs: 1-3 runs straight through source 2, so it is dropped (Linkage Mapper) ...
    link = link_sources(res, labels, table, grid, pairs="all")
    assert link.paths[["from_id", "to_id"]].values.tolist() == [[1, 2], [2, 3]]
    assert link.dropped.values.tolist() == [[1, 3, "path crosses source 2"]]
    # ... unless asked to keep it; its cost is then that of the two hops through source 2.
    kept = link_sources(res, labels, table, grid, pairs="all", drop_through_sources=False)
    c = kept.paths.set_index(["from_id", "to_id"])["cost"]
    assert c[(1, 3)] > max(c[(1, 2)], c[(2, 3)])
    assert c[(1, 3)] <= c[(1, 2)] + c[(2, 3)] + 8 * 30.0 * np.sqrt(2)  # plus at most crossing the 5 x 4 patch
    # Maximum cost and Euclidean distance, and the N nearest neighbours.
    assert c[(1, 2)] > 740.0 > c[(2, 3)]
    cheap = link_sources(res, labels, table, grid, pairs="all", max_cost=740.0)
    assert cheap.paths[["from_id", "to_id"]].values.tolist() == [[2, 3]]
    # Edge gaps: 1-2 22 cells, 2-3 23 cells, 1-3 49 cells.
    near = link_sources(res, labels, table, grid, pairs="all", max_euclid_m=22 * 30.0 + 1, drop_through_sources=False)
    assert near.paths[["from_id", "to_id"]].values.tolist() == [[1, 2]]
    one = link_sources(res, labels, table, grid, pairs="all", n_nearest=1, drop_through_sources=False)
    # 1's nearest is 2, 2's nearest is 3, 3's nearest is 2: 1-3 is nobody's nearest.
    assert one.paths[["from_id", "to_id"]].values.tolist() == [[1, 2], [2, 3]]


def test_nlcc_on_uniform_ground():
    # Two sources on uniform ground: the NLCC is 0 on the straight path and grows away from it;
    # a cell one row off the path costs exactly the detour (two diagonals replace two straight steps).
    res = np.ones((15, 40))
    labels = np.zeros(res.shape, np.int32)
    labels[6:9, 2:5] = 1
    labels[6:9, 30:33] = 2
    grid = _grid(res.shape, 10.0)
    table = patch_table(labels, np.full(res.shape, 20), grid, GLOBELAND30)
    link = link_sources(res, labels, table, grid, pairs="all", width_cost=30.0)
    nlcc = link.nlcc
    assert np.isclose(link.paths["cost"].iloc[0], 26 * 10.0)
    assert np.allclose(nlcc[6:9, 5:30], 0.0, atol=1e-3)
    assert np.isclose(nlcc[5, 15], 2 * (np.sqrt(2) - 1) * 10.0, atol=1e-3)
    # Truncation: nothing above the width, NaN (outside) far away.
    assert np.nanmax(nlcc) <= 30.0 and np.isnan(nlcc[0, 15]) and np.isnan(nlcc[14, 15])
    # Cross-check with full cost surfaces.
    ca = cost_distance(res, np.where(labels == 1, 1, 0), 10.0).cost
    cb = cost_distance(res, np.where(labels == 2, 2, 0), 10.0).cost
    ref = ca + cb - link.paths["cost"].iloc[0]
    inside = ref <= 30.0
    assert np.array_equal(np.isfinite(nlcc), inside)
    assert np.allclose(nlcc[inside], np.maximum(ref[inside], 0), atol=1e-3)


def test_kept_searches_give_cost_surfaces_and_pair_corridors():
    # The searches link_sources kept are the full cost surfaces wherever they are exact, and
    # give one pair's corridor without the mosaic.
    res = np.ones((15, 40))
    res[3, 10:20] = 4.0
    labels = np.zeros(res.shape, np.int32)
    labels[6:9, 2:5] = 1
    labels[6:9, 30:33] = 2
    grid = _grid(res.shape, 10.0)
    table = patch_table(labels, np.full(res.shape, 20), grid, GLOBELAND30)
    link = link_sources(res, labels, table, grid, pairs="all", width_cost=30.0)
    searches = link.searches
    assert sorted(searches) == [1, 2] and all(s.margin == 30.0 for s in searches.values())
    assert pair_lcd(searches, 1, 2) == link.paths["cost"].iloc[0] == pytest.approx(26 * 10.0)
    assert pair_lcd(searches, 2, 1) == pytest.approx(26 * 10.0, rel=1e-12)
    for s in (1, 2):
        full = cost_distance(res, np.where(labels == s, s, 0), 10.0).cost
        cwd = cwd_surface(searches[s], res.shape)
        exact = full < searches[s].reach
        assert searches[s].reach >= 26 * 10.0 + 30.0 and not exact.all()
        assert np.allclose(cwd[exact], full[exact], rtol=1e-6) and np.isinf(cwd[~exact]).all()
        window = (slice(2, 11), slice(5, 25))
        assert np.array_equal(cwd_surface(searches[s], res.shape, window), cwd[window])
    cells, nlcc = pair_corridor(searches, 1, 2, 30.0, res.shape)
    assert np.array_equal(np.sort(cells), np.flatnonzero(np.isfinite(link.nlcc)))
    assert np.allclose(nlcc, link.nlcc.ravel()[cells], atol=1e-4)
    narrow, _ = pair_corridor(searches, 1, 2, 10.0, res.shape)
    assert 0 < narrow.size < cells.size
    with pytest.raises(ValueError, match="margin >= 500"):
        pair_corridor(searches, 1, 2, 500.0, res.shape)
    with pytest.raises(ValueError, match="no search from source 3"):
        pair_lcd(searches, 3, 1)


def test_zone_adjacency_diagonal_touch():
    z = np.array([[1, 0], [0, 2]])
    assert zone_adjacency(z) == [(1, 2)]
    assert zone_adjacency(np.array([[1, 0, 2]])) == []
