"""Eco-elasticity, ecological sensitivity and sediment pieces: hand-computed cases."""

import math

import numpy as np
import pytest

from econet.errors import EconetError
from econet.indicators.elasticity import eco_elasticity, shannon_diversity
from econet.indicators.sediment import ls_factor, sediment_retention
from econet.indicators.sensitivity import ecological_sensitivity, grade, vegetation_cover


def test_eco_elasticity_geometric_mean_of_normalised_factors():
    o = np.array([[0.0, 0.5, 1.0]])
    a = np.array([[1.0, 2.0, 3.0]])  # normalises to 0, 0.5, 1
    r = np.array([[10.0, 30.0, 20.0]])  # 0, 1, 0.5
    er = eco_elasticity(o, a, r)
    np.testing.assert_allclose(er, [[0.0, (0.5 * 0.5 * 1.0) ** (1 / 3), (1.0 * 1.0 * 0.5) ** (1 / 3)]], rtol=1e-6)


def test_shannon_diversity_window():
    lc = np.array([[1, 1, 2], [1, 2, 2], [3, 3, 3]])
    H = shannon_diversity(lc, 3)
    # Centre window holds the whole map: 3 x class 1, 3 x class 2, 3 x class 3.
    assert H[1, 1] == pytest.approx(math.log(3), rel=1e-6)
    # Corner (0, 0): its 2x2 valid neighbourhood holds 1, 1, 1, 2.
    assert H[0, 0] == pytest.approx(-(0.75 * math.log(0.75) + 0.25 * math.log(0.25)), rel=1e-6)
    assert shannon_diversity(np.ones((3, 3), int), 3).max() == 0.0
    with pytest.raises(ValueError, match="odd"):
        shannon_diversity(lc, 2)


def test_sensitivity_weighted_overlay_and_grading():
    g = grade(np.array([[10.0, 60.0, 500.0, np.nan]]), (50.0, 100.0, 200.0, 400.0))
    np.testing.assert_array_equal(g[0, :3], [1, 3, 9])
    assert np.isnan(g[0, 3])
    s = ecological_sensitivity({"a": np.array([[1.0, 9.0]]), "b": np.array([[5.0, 3.0]])}, {"a": 0.25, "b": 0.75})
    np.testing.assert_allclose(s, [[0.25 + 3.75, 2.25 + 2.25]])
    with pytest.raises(EconetError, match="sum to 1"):
        ecological_sensitivity({"a": np.ones((1, 1))}, {"a": 0.5})
    with pytest.raises(EconetError, match="one weight per factor"):
        ecological_sensitivity({"a": np.ones((1, 1))}, {"b": 1.0})


def test_vegetation_cover_dimidiate():
    fvc = vegetation_cover(np.array([[0.1, 0.3, 0.5, 0.9]]), ndvi_soil=0.1, ndvi_veg=0.7)
    np.testing.assert_allclose(fvc, [[0.0, 1 / 3, 2 / 3, 1.0]], rtol=1e-6)


def test_ls_factor_by_hand():
    # 5 % slope (m = 0.4), one cell upstream of a 30 m cell: A = sqrt(1 * 900) = 30.
    theta = math.atan(0.05)
    m = 0.4
    L = ((30 + 900) ** (m + 1) - 30 ** (m + 1)) / (30 ** (m + 2) * (math.sin(theta) + math.cos(theta)) ** m * 22.13**m)
    S = 10.8 * math.sin(theta) + 0.03
    got = ls_factor(np.array([[5.0]]), np.array([[2.0]]), 30.0, 122.0)[0, 0]
    assert got == pytest.approx(L * S, rel=1e-9)


def test_sediment_on_a_tilted_plane():
    # A plane falling east at 10 % (3 m per 30 m cell): flow runs east along the rows. Horn's
    # slope is 10 % on the western edge column too (beyond the grid the plane is extrapolated, as
    # gdaldem -compute_edges does); the last column,
    # with no lower neighbour, drains along the edge to an outlet. Streams drain > 4 cells.
    n = 8
    dem = np.tile(np.arange(n, 0, -1, dtype=np.float32) * 3.0, (n, 1))
    one = np.ones((n, n), np.float32)
    res = sediment_retention(dem, 100 * one, 0.03 * one, 0.1 * one, one, 30.0, threshold_flow_accumulation=4)
    np.testing.assert_array_equal(res.flow_accumulation[3, :7], np.arange(1, 8))
    assert res.streams[3].tolist() == [False] * 4 + [True] * 4
    # Cell (3, 2): three cells drain through it, slope 10 %.
    ls = ls_factor(np.array([[10.0]]), np.array([[3.0]]), 30.0, 122.0)[0, 0]
    assert res.rkls[3, 2] == pytest.approx(ls * 100 * 0.03, rel=1e-4)
    assert res.usle[3, 2] == pytest.approx(0.1 * res.rkls[3, 2], rel=1e-5)
    # IC: D_up = W̄ S̄ sqrt(A) with W = 0.1 and S̄ the mean of 0.1, 0.1, 0.1 (upstream cells);
    # D_dn sums 1/(W S) over cells (3, 2) and (3, 3), the stream starting at (3, 4).
    d_up = 0.1 * 0.1 * math.sqrt(3 * 900)
    d_dn = 2 / (0.1 * 0.1)
    sdr = 0.8 / (1 + math.exp((0.5 - math.log10(d_up / d_dn)) / 2.0))
    assert res.sdr[3, 2] == pytest.approx(sdr, rel=1e-4)
    assert res.retention[3, 2] == pytest.approx(res.rkls[3, 2] * 0.9 * sdr, rel=1e-4)
    assert np.isnan(res.retention[3, 5]) and res.sdr[3, 5] == 1.0  # streams
