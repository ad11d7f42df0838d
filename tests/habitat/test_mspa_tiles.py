"""Tiled MSPA gives the whole grid's bytes wherever its exactness check says so."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import rasterio

from econet.habitat.mspa import mspa, mspa_binary
from econet.habitat.mspa_tiles import exact_tiles, mspa_groups, mspa_memory_mb, mspa_tiled, province_mspa

AUGUSTA = Path(__file__).resolve().parents[1] / "fixtures" / "augusta_nlcd" / "augusta_nlcd.tif"
TILE = 40


def constructed() -> np.ndarray:
    """A 160 x 160 landscape whose features all cross the 40-cell tile borders: a ring of core with
    a hole holding an islet (perforation, internal classes, openings), two cores joined by a bridge,
    one core with a loop, a branch, a lone islet strand, and missing cells."""
    b = np.ones((160, 160), dtype=np.uint8)
    b[25:60, 25:60] = 2  # ring across the tile corner at (40, 40)
    b[35:50, 35:50] = 1  # its hole
    b[41:44, 41:44] = 2  # an islet in the hole
    b[90:110, 30:50] = 2  # core A ...
    b[90:110, 70:90] = 2  # ... and core B, joined by a bridge along row 100 across column 60
    b[100, 50:70] = 2
    b[20:36, 100:140] = 2  # a core with a loop around (40, 120) ...
    b[36:50, 100:102] = 2
    b[36:50, 138:140] = 2
    b[50, 100:140] = 2
    b[60:80, 118] = 2  # ... and a branch from nowhere: an islet strand crossing row 80
    b[120:150, 110:130] = 2
    b[130:150, 129:135] = 2  # a core crossing column 120
    b[135, 135:150] = 2  # with a branch
    b[0:5, 60:100] = 0  # missing cells along the top
    b[110:116, 30:50] = 0  # missing cells against core A, across the tile border at column 40
    return b


@pytest.mark.parametrize("edge", [1, 3])
def test_tiles_with_the_exact_overlap_give_the_whole_grid(edge):
    b = constructed()
    whole = mspa(b, edge_width_px=edge)
    groups = mspa_groups(b)
    overlap = groups.largest_extent + 2 * (edge + 1)
    assert all(exact_tiles(groups, b.shape, TILE, overlap, edge))
    tiled = mspa_tiled(b, TILE, overlap, edge_width_px=edge)
    assert tiled.tobytes() == whole.tobytes()
    # the landscape has the non-local classes the test is about
    codes = set(np.unique(whole).tolist())
    assert {17, 9, 33, 65, 1, 5, 3, 129} <= {c % 100 if c not in (100, 129) else c for c in codes}


def test_a_short_overlap_is_detected_and_would_be_wrong():
    b = constructed()
    whole = mspa(b)
    groups = mspa_groups(b)
    exact = exact_tiles(groups, b.shape, TILE, 3, 1)  # w + 2: core is right, the rest may not be
    assert not all(exact) and any(exact)
    tiled = mspa_tiled(b, TILE, 3)
    wrong = tiled != whole
    assert wrong.any()  # the check is needed: non-local classes do change
    # every wrong cell is in a tile flagged not exact
    flags = np.array(exact).reshape(4, 4)
    assert not np.any(wrong & np.kron(flags, np.ones((TILE, TILE), bool)))
    # core itself is local (right everywhere with an overlap of w + 1), not whether it is internal
    np.testing.assert_array_equal(np.isin(tiled, [17, 117]), np.isin(whole, [17, 117]))


def _augusta(codes) -> np.ndarray:
    with rasterio.open(AUGUSTA) as src:
        lc = src.read(1)
    return mspa_binary(lc, codes, missing=lc == 255)


def test_real_landscape_exact_tiles_match():
    b = _augusta([90, 95])  # wetland: some groups span 224 cells, most are small
    whole = mspa(b, edge_width_px=2)
    groups = mspa_groups(b)
    exact = np.array(exact_tiles(groups, b.shape, 64, 24, 2))
    assert exact.any() and not exact.all()
    tiled = mspa_tiled(b, 64, 24, edge_width_px=2)
    ok = np.zeros(b.shape, dtype=bool)
    k = 0
    for r0 in range(0, b.shape[0], 64):
        for c0 in range(0, b.shape[1], 64):
            ok[r0 : r0 + 64, c0 : c0 + 64] = exact[k]
            k += 1
    np.testing.assert_array_equal(tiled[ok], whole[ok])
    assert (tiled[~ok] != whole[~ok]).any()  # and the tiles it refuses would be wrong
    # mixed forest: every group spans at most 38 cells, so tiles are exact everywhere
    b = _augusta([43])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback to the whole grid
        tiled = province_mspa(b, max_memory_mb=mspa_memory_mb((160, 160)), edge_width_px=2)
    assert tiled.tobytes() == mspa(b, edge_width_px=2).tobytes()


def test_province_mspa_tiles_under_a_memory_limit_or_runs_the_whole_grid():
    b = np.tile(constructed(), (2, 2))
    whole = mspa(b)
    budget = mspa_memory_mb((150, 150))  # room for windows of 150² only
    assert mspa_memory_mb(b.shape) > budget
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # tiles are exact here: no fallback note
        tiled = province_mspa(b, max_memory_mb=budget)
    assert tiled.tobytes() == whole.tobytes()
    with pytest.warns(UserWarning, match="largest habitat group"):
        out = province_mspa(b, max_memory_mb=mspa_memory_mb((40, 40)))
    assert out.tobytes() == whole.tobytes()


def test_the_stage_function_takes_the_memory_limit():
    from econet.habitat.mspa import landscape_mspa

    b = np.tile(constructed(), (2, 2))
    whole = landscape_mspa(b, 900.0)
    limited = landscape_mspa(b, 900.0, max_memory_mb=mspa_memory_mb((150, 150)))
    assert limited.classes.tobytes() == whole.classes.tobytes()
    assert limited.stats.equals(whole.stats)
