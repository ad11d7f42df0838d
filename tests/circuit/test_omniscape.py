"""Omniscape's moving windows on hand-solvable landscapes (the oracle cases are in
test_omniscape_oracles.py)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from econet.circuit.omniscape import block_correction, omniscape, targets


def _line(length: int = 9) -> np.ndarray:
    """A one-cell-wide horizontal strip of resistance 2 in a nodata field."""
    res = np.full((5, length + 4), np.nan)
    res[2, 2 : 2 + length] = 2.0
    return res


def test_two_sources_on_a_strip_each_carry_both_currents():
    # Window on A: A draws s_A, all injected at B and flowing through every strip cell; window on B:
    # s_B the other way. Node currents add: s_A + s_B on every cell between them, nothing beyond.
    res = _line()
    src = np.zeros_like(res)
    src[2, 3], src[2, 8] = 0.5, 2.0
    out = omniscape(res, src, radius=6, block_size=1)
    assert out.targets == 2
    np.testing.assert_allclose(out.cumulative[2, 3:9], 2.5, rtol=1e-12)
    np.testing.assert_allclose(out.cumulative[2, [2, 9, 10]], 0.0, atol=1e-12)
    assert np.all(np.isnan(out.cumulative[np.isnan(res)]))  # mask_nodata
    # the flow potential spreads the same amperes over an open box; at the target and source cells
    # it is still the injected current
    np.testing.assert_allclose(out.flow_potential[2, [3, 8]], 2.5, rtol=1e-9)


def test_sources_beyond_the_radius_do_not_connect():
    res = _line()
    src = np.zeros_like(res)
    src[2, 3], src[2, 8] = 1.0, 1.0
    out = omniscape(res, src, radius=4, block_size=1)
    assert np.all(out.cumulative[np.isfinite(res)] == 0.0)


def test_scaling_every_resistance_changes_no_current():
    src = np.zeros((5, 13))
    src[2, 3], src[2, 8] = 1.0, 1.0
    one = omniscape(_line(), src, radius=6, block_size=1, mask_nodata=False)
    ten = omniscape(_line() * 5, src, radius=6, block_size=1, mask_nodata=False)
    np.testing.assert_allclose(one.cumulative, ten.cumulative, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(one.normalized, ten.normalized, rtol=1e-12, atol=1e-12)
    assert one.cumulative.max() == pytest.approx(2.0)


def test_targets_are_block_centres_with_the_block_sum():
    src = np.zeros((7, 7))
    src[0, 0], src[2, 2], src[4, 4] = 1.0, 2.0, 3.0
    got = [(t.row, t.col, t.amps) for t in targets(src, 3)]
    assert got == [(1, 1, 3.0), (4, 4, 3.0)]


def test_block_correction_is_one_for_single_cell_blocks_and_symmetric():
    np.testing.assert_allclose(block_correction(radius=4, block_size=1), 1.0, rtol=1e-9)
    corr = block_correction(radius=5, block_size=3)
    assert corr.shape == (11, 11)
    np.testing.assert_allclose(corr, corr.T, rtol=1e-9)
    np.testing.assert_allclose(corr, corr[::-1, ::-1], rtol=1e-9)
    assert not np.allclose(corr, 1.0)


def test_the_windows_may_run_anywhere_with_the_same_bytes():
    rng = np.random.default_rng(3)
    res = rng.uniform(0.5, 5.0, (24, 20))
    res[rng.random(res.shape) < 0.1] = np.nan
    src = np.where(rng.random(res.shape) < 0.4, rng.random(res.shape), 0.0)
    serial = omniscape(res, src, radius=4, block_size=3, buffer=1)
    with ThreadPoolExecutor(2) as pool:
        pooled = omniscape(res, src, radius=4, block_size=3, buffer=1, mapper=pool.map)
    for a, b in [(serial.cumulative, pooled.cumulative), (serial.flow_potential, pooled.flow_potential)]:
        assert a.tobytes() == b.tobytes()


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="radius"):
        omniscape(np.ones((5, 5)), np.ones((5, 5)), radius=0)
    with pytest.raises(ValueError, match="> 0"):
        omniscape(np.zeros((5, 5)), np.ones((5, 5)), radius=2)


def test_omniscape_jl_block_rule_differs_only_near_the_top_and_left_edges():
    rng = np.random.default_rng(5)
    res = rng.uniform(0.5, 5.0, (30, 30))
    src = np.where(rng.random(res.shape) < 0.5, rng.random(res.shape), 0.0)
    src[:12, :] = src[:, :12] = 0.0  # no target within radius + buffer of the top or left edge
    ours = omniscape(res, src, radius=5, block_size=3, buffer=2)
    jl = omniscape(res, src, radius=5, block_size=3, buffer=2, as_omniscape_jl=True)
    np.testing.assert_array_equal(ours.cumulative, jl.cumulative)
    src2 = np.where(rng.random(res.shape) < 0.5, rng.random(res.shape), 0.0)
    ours = omniscape(res, src2, radius=5, block_size=3, buffer=2)
    jl = omniscape(res, src2, radius=5, block_size=3, buffer=2, as_omniscape_jl=True)
    assert not np.allclose(ours.cumulative[:7, :7], jl.cumulative[:7, :7])
    np.testing.assert_array_equal(ours.cumulative[20:, 20:], jl.cumulative[20:, 20:])
