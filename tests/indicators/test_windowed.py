"""Indicators on windows equal the whole grid (issue 20): habitat quality reads each threat with
its reach as halo; RSEI gathers its minima, maxima and covariance sample over the windows."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from econet.indicators.habitat_quality import ThreatSpec, habitat_quality
from econet.indicators.rsei import rsei


@pytest.fixture(scope="module")
def land():
    rng = np.random.default_rng(11)
    lc = ndimage.zoom(rng.integers(1, 4, (12, 10)), 6, order=0)[:67, :53].astype(np.int32)
    lc[:3, :5] = -1  # unknown land cover
    roads = np.zeros(lc.shape, np.float32)
    roads[31, :] = 1.0  # a road across the middle: windows far from it see it only through the halo
    towns = (rng.random(lc.shape) < 0.004).astype(np.float32)
    towns[40, 50] = np.nan  # a missing threat cell is no threat
    return lc, {"roads": roads, "towns": towns}


@pytest.mark.parametrize("window", [5, 16, 40])
def test_habitat_quality_on_windows_is_the_whole_grid(land, window):
    lc, threats = land
    specs = {"roads": ThreatSpec(300.0, 0.7), "towns": ThreatSpec(600.0, 1.0, "exponential")}
    habitat = {1: 1.0, 2: 0.6, 3: 0.0}
    sens = {"roads": {1: 0.8, 2: 0.4, 3: 0.0}, "towns": {1: 1.0, 2: 0.5, 3: 0.0}}
    whole = habitat_quality(lc, threats, specs, habitat, sens, 30.0)
    win = habitat_quality(lc, threats, specs, habitat, sens, 30.0, window=window)
    assert np.array_equal(win.quality, whole.quality, equal_nan=True)
    assert np.array_equal(win.degradation, whole.degradation, equal_nan=True)
    assert np.isnan(whole.quality[0, 0]) and np.isnan(whole.degradation[0, 0])


@pytest.mark.parametrize("window", [None, 4, 9])
def test_a_road_degrades_within_its_reach_only(window):
    # one threat, a road along row 31, reach 300 m = 10 cells, linear: D = (1 - d / 10) S
    lc = np.ones((60, 30), np.int32)
    road = np.zeros(lc.shape, np.float32)
    road[31] = 1
    r = habitat_quality(
        lc, {"road": road}, {"road": ThreatSpec(300.0, 1.0)}, {1: 1.0}, {"road": {1: 0.8}}, 30.0, window=window
    )
    column = r.degradation[:, 12]
    assert column[31] == pytest.approx(0.8)
    assert column[26] == pytest.approx(0.4) and column[36] == pytest.approx(0.4)
    assert column[21] == 0 and column[41] == 0 and column[:21].max() == 0


def test_rsei_on_windows_is_the_whole_grid():
    rng = np.random.default_rng(5)
    shape = (70, 45)
    base = ndimage.gaussian_filter(rng.standard_normal(shape), 3)
    ndvi = (0.4 + base + 0.05 * rng.standard_normal(shape)).astype(np.float32)
    wet = (0.1 * base + 0.05 * rng.standard_normal(shape)).astype(np.float32)
    ndbsi = (-0.5 * base + 0.05 * rng.standard_normal(shape)).astype(np.float32)
    lst = (25 - 5 * base + rng.standard_normal(shape)).astype(np.float32)
    ndvi[5:8, 5:9] = np.nan
    mask = rng.random(shape) > 0.1
    whole = rsei(ndvi, wet, ndbsi, lst, mask=mask, sample_cells=500, seed=3)
    assert whole.sample_cells == 500
    for window in (7, 32):
        win = rsei(ndvi, wet, ndbsi, lst, mask=mask, sample_cells=500, seed=3, window=window)
        assert np.array_equal(win.rsei, whole.rsei, equal_nan=True)
        assert np.array_equal(win.pc1, whole.pc1, equal_nan=True)
        assert win.loadings.equals(whole.loadings)
    assert np.nanmin(whole.rsei) == 0.0 and np.nanmax(whole.rsei) == 1.0
