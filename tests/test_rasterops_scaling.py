"""Min-max scaling, weighted overlay and slope on cases computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from econet.rasterops import minmax, slope_deg, weighted_overlay
from tests.conftest import FIXTURES

NAN = np.nan


def test_minmax_of_a_layer_with_nan():
    got = minmax(np.array([2.0, 4.0, NAN, 6.0]))
    np.testing.assert_array_equal(got, [0.0, 0.5, NAN, 1.0])
    assert got.dtype == np.float32
    v = np.array([[2.0, 4.0], [NAN, 6.0]], np.float32)
    np.testing.assert_allclose(minmax(v), [[0.0, 0.5], [NAN, 1.0]])


def test_minmax_of_a_constant_layer_is_zero():
    assert (minmax(np.ones((2, 2))) == 0).all()
    np.testing.assert_array_equal(minmax(np.array([3.0, 3.0, NAN])), [0.0, 0.0, NAN])
    assert np.isnan(minmax(np.full(3, NAN))).all()


def test_minmax_over_a_mask_and_in_float64():
    v = np.array([0.0, 5.0, 10.0, 20.0])
    # The range comes from the masked cells only (0..10); the cell outside is NaN.
    np.testing.assert_array_equal(minmax(v, np.array([True, True, True, False])), [0.0, 0.5, 1.0, NAN])
    got = minmax(np.array([1.0, 2.0, 4.0]), dtype=np.float64)
    assert got.dtype == np.float64 and got.tolist() == [0.0, 1 / 3, 1.0]
    # Infinite cells are not data: left out of the range and NaN.
    np.testing.assert_array_equal(minmax(np.array([1.0, np.inf, 3.0])), [0.0, NAN, 1.0])
    assert v.tolist() == [0.0, 5.0, 10.0, 20.0]  # the input is left as it was


def test_weighted_overlay_sums_and_propagates_nan():
    a = np.array([1.0, 2.0, NAN], np.float32)
    b = np.array([3.0, NAN, 5.0], np.float32)
    got = weighted_overlay({"a": a, "b": b}, {"a": 0.25, "b": 0.75})
    np.testing.assert_array_equal(got, [0.25 + 2.25, NAN, NAN])
    assert got.dtype == np.float32
    assert a[0] == 1.0  # summed in a buffer of its own, never in the first layer


def test_weighted_overlay_zero_weights_unweighted_layers_and_dtype():
    a = np.array([1.0, 2.0, 4.0])
    b = np.array([NAN, NAN, NAN])
    # Weight 0 leaves b out, so its NaN does not reach the result; c has no weight at all.
    got = weighted_overlay({"a": a, "b": b, "c": b}, {"a": 0.5, "b": 0.0}, np.float64)
    assert got.dtype == np.float64 and got.tolist() == [0.5, 1.0, 2.0]


def test_weighted_overlay_errors_are_named():
    a = np.ones(2)
    with pytest.raises(ValueError, match=r"no layer for weighted name\(s\) \['b'\]"):
        weighted_overlay({"a": a}, {"a": 0.5, "b": 0.5})
    with pytest.raises(ValueError, match="sum to 1, got 0.9"):
        weighted_overlay({"a": a, "b": a}, {"a": 0.5, "b": 0.4}, unit_sum=True)
    with pytest.raises(ValueError, match="every weight is 0"):
        weighted_overlay({"a": a}, {"a": 0.0})


def test_slope_of_a_ramp_by_hand():
    # z = 10 m per 10 m column: dz/dx = 1, 45° on the edges too: beyond the grid the ramp is
    # extrapolated (2 z0 - z1), as gdaldem -compute_edges does; but in the first and last rows
    # gdaldem repeats the edge column sideways, so the four corners see half the difference.
    dem = np.tile(10.0 * np.arange(4), (3, 1))
    s = slope_deg(dem, 10.0)
    assert s.dtype == np.float32
    corners = (np.array([0, 0, 2, 2]), np.array([0, 3, 0, 3]))
    np.testing.assert_allclose(s[corners], np.degrees(np.arctan(0.5)), rtol=1e-6)
    s[corners] = 45.0
    np.testing.assert_allclose(s, 45.0, rtol=1e-6)
    # A NaN cell stays NaN; its neighbours take the centre's value in its place, so each of
    # them still has a slope (a nodata neighbour does not spread).
    dem[1, 1] = NAN
    s = slope_deg(dem, 10.0)
    assert np.isnan(s[1, 1]) and np.isfinite(s).sum() == s.size - 1
    # (1, 2): west neighbours a, d, g = 10, NaN -> 20 (the centre), 10; east 30, 30, 30:
    # dz/dx = ((30 + 2 * 30 + 30) - (10 + 2 * 20 + 10)) / 80
    assert s[1, 2] == pytest.approx(np.degrees(np.arctan(60 / 80)), rel=1e-6)


def test_slope_matches_gdaldem_compute_edges():
    """GDAL 3.6.2's gdaldem slope -compute_edges on a DEM with holes inside, on an edge and
    in a corner (tests/fixtures/gdaldem/PROVENANCE.md)."""
    f = np.load(FIXTURES / "gdaldem" / "slope_compute_edges.npz")
    dem = np.where(f["dem"] == -9999, NAN, f["dem"])
    s = slope_deg(dem, 30.0)
    assert np.array_equal(np.isnan(s), np.isnan(f["slope"]))
    np.testing.assert_allclose(s, f["slope"], atol=1e-4, equal_nan=True)
    assert np.isnan(s).sum() == 1 + 1 + 6  # the holes only: every cell with a height has a slope
