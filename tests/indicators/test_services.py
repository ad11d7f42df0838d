"""Carbon, habitat quality, water yield, water conservation and zonal means: hand-computed cases."""

import math

import numpy as np
import pytest

from econet.errors import EconetError
from econet.indicators.biophysical import column, default_biophysical_table
from econet.indicators.carbon import carbon_sink, carbon_storage, sink_coefficients
from econet.indicators.habitat_quality import ThreatSpec, habitat_quality, threat_decay
from econet.indicators.water_conservation import water_conservation
from econet.indicators.water_yield import water_yield
from econet.landcover import GLOBELAND30
from econet.zonal import zonal_mean, zonal_sum


def test_carbon_sink_seed000_coefficients():
    lc = np.array([[20, 10, 40], [60, 50, 30]])
    sink = carbon_sink(lc, sink_coefficients(GLOBELAND30), cell_area_m2=900.0)  # 0.09 ha cells
    want = np.array([[0.870, 0.0, 0.230], [0.671, 0.671, 0.191]]) * 0.09
    np.testing.assert_allclose(sink, want, rtol=1e-6)
    labels = np.array([[1, 0, 2], [1, 2, 2]])
    np.testing.assert_allclose(
        zonal_sum(labels, sink), [0.0, (0.870 + 0.671) * 0.09, (0.230 + 0.671 + 0.191) * 0.09], rtol=1e-6
    )


def test_carbon_storage_four_pools():
    lc = np.array([[1, 2], [3, 1]])
    pools = {
        "c_above": {1: 10.0, 2: 1.0},
        "c_below": {1: 5.0, 2: 0.5},
        "c_soil": {1: 50.0, 2: 20.0},
        "c_dead": {1: 2.0, 2: 0.0},
    }
    np.testing.assert_allclose(carbon_storage(lc, pools), [[67.0, 21.5], [0.0, 67.0]])
    with pytest.raises(ValueError, match="c_dead"):
        carbon_storage(lc, {k: v for k, v in pools.items() if k != "c_dead"})


def test_threat_decay_linear_and_exponential():
    t = np.zeros((1, 7), np.float32)
    t[0, 0] = 1
    lin = threat_decay(t, 100.0, 25.0, "linear")[0]  # 4 cells
    np.testing.assert_allclose(lin, [1, 0.75, 0.5, 0.25, 0, 0, 0], atol=1e-7)
    exp = threat_decay(t, 100.0, 25.0, "exponential")[0]
    np.testing.assert_allclose(exp[:5], [math.exp(-2.99 * d / 4) for d in range(5)], rtol=1e-6)
    assert exp[5] == 0 and exp[6] == 0
    # Euclidean distance on the diagonal.
    t2 = np.zeros((3, 3), np.float32)
    t2[0, 0] = 1
    assert threat_decay(t2, 100.0, 25.0, "linear")[2, 2] == pytest.approx((4 - math.sqrt(8)) / 4, rel=1e-6)
    assert not threat_decay(np.zeros((2, 2)), 100.0, 25.0, "linear").any()
    with pytest.raises(EconetError, match="'quadratic'"):
        threat_decay(t, 100.0, 25.0, "quadratic")


def test_habitat_quality_by_hand():
    # One row: forest (H 1, S 1 to roads, 0.5 to mines) and a built-up cell (H 0).
    lc = np.array([[20, 20, 20, 20, 80]])
    roads = np.array([[1, 0, 0, 0, 0]], np.float32)
    mines = np.array([[0, 0, 0, 0, 1]], np.float32)
    specs = {"roads": ThreatSpec(100.0, 1.0, "linear"), "mines": ThreatSpec(50.0, 3.0, "exponential")}
    sens = {"roads": {20: 1.0, 80: 0.0}, "mines": {20: 0.5, 80: 0.0}}
    k = 0.5
    res = habitat_quality(lc, {"roads": roads, "mines": mines}, specs, {20: 1.0, 80: 0.0}, sens, 25.0, k)
    D = []
    for d_road, d_mine in [(0, 4), (1, 3), (2, 2), (3, 1)]:
        i_road = max(0.0, (4 - d_road) / 4)
        i_mine = math.exp(-2.99 * d_mine / 2) if d_mine <= 2 else 0.0
        D.append(0.25 * i_road * 1.0 + 0.75 * i_mine * 0.5)
    np.testing.assert_allclose(res.degradation[0, :4], D, rtol=1e-6)
    Q = [1.0 * (1 - d**2.5 / (d**2.5 + k**2.5)) for d in D]
    np.testing.assert_allclose(res.quality[0, :4], Q, rtol=1e-5)
    assert res.quality[0, 4] == 0.0
    # Access halves every threat's reach into a protected cell.
    access = np.array([[1, 1, 0.5, 1, 1]], np.float32)
    res2 = habitat_quality(lc, {"roads": roads, "mines": mines}, specs, {20: 1.0, 80: 0.0}, sens, 25.0, k, access)
    assert res2.degradation[0, 2] == pytest.approx(D[2] / 2, rel=1e-6)


def test_habitat_quality_unknown_class_is_nan_and_bad_threat_refused():
    lc = np.array([[20, 99]])
    t = np.array([[1, 0]], np.float32)
    res = habitat_quality(lc, {"r": t}, {"r": ThreatSpec(60.0, 1.0)}, {20: 1.0}, {"r": {20: 1.0}}, 30.0)
    assert np.isnan(res.quality[0, 1]) and res.quality[0, 0] == pytest.approx(1 - 1 / (1 + 0.5**2.5))
    with pytest.raises(EconetError, match=r"\['x'\]"):
        habitat_quality(lc, {"x": t}, {}, {20: 1.0}, {}, 30.0)


def test_water_yield_by_hand():
    one = np.ones((1, 4))
    P = 800 * one
    et0 = 1000 * one
    restricting = 1500 * one
    pawc = 0.2 * one
    kc = np.array([[0.8, 1.05, 0.3, 0.8]])
    root = np.array([[2000, 1, 1, 2000]])
    veg = np.array([[1, 0, 0, 1]])
    P[0, 3] = 0  # no rain: undefined
    res = water_yield(P, et0, restricting, pawc, kc, root, veg, seasonality_z=5.0)
    omega = 300 / 800 * 5 + 1.25  # AWC = min(2000, 1500) * 0.2 = 300 mm
    frac = 1 + 1.0 - (1 + 1.0**omega) ** (1 / omega)  # PET/P = 1
    assert res.aet_fraction[0, 0] == pytest.approx(frac, rel=1e-6)
    assert res.water_yield[0, 0] == pytest.approx(800 * (1 - frac), rel=1e-5)
    assert res.water_yield[0, 1] == pytest.approx(0.0)  # open water: AET = min(1050, 800)
    assert res.water_yield[0, 2] == pytest.approx(500.0)  # built-up: AET = 300
    assert np.isnan(res.water_yield[0, 3])


def test_water_yield_omega_capped_and_aet_below_pet():
    # Deep soil and little rain push omega over 5 (capped); AET/P never exceeds PET/P.
    r = water_yield(
        np.array([[100.0]]),
        np.array([[50.0]]),
        np.array([[5000.0]]),
        np.array([[0.5]]),
        np.array([[1.0]]),
        np.array([[5000.0]]),
        np.array([[1]]),
        30.0,
    )
    phi = 0.5
    budyko = 1 + phi - (1 + phi**5) ** (1 / 5)
    assert r.aet_fraction[0, 0] == pytest.approx(min(phi, budyko), rel=1e-6)


def test_water_conservation_balance():
    y = np.array([[300.0, 100.0, np.nan]])
    p = np.array([[800.0, 800.0, 800.0]])
    a = np.array([[0.1, 0.6, 0.1]])
    wc = water_conservation(y, p, a)
    np.testing.assert_allclose(wc, [[220.0, 0.0, np.nan]])
    assert water_conservation(y, p, a, clip=False)[0, 1] == pytest.approx(-380.0)


def test_zonal_mean_and_sum():
    labels = np.array([[0, 1, 1], [2, 2, 3]])
    values = np.array([[5.0, 1.0, 3.0], [np.nan, 4.0, np.nan]])
    np.testing.assert_allclose(zonal_mean(labels, values), [5.0, 2.0, 4.0, np.nan])
    np.testing.assert_allclose(zonal_mean(labels, values, n_labels=6)[4:], [np.nan, np.nan])
    np.testing.assert_allclose(zonal_sum(labels, values), [5.0, 4.0, 4.0, 0.0])
    with pytest.raises(ValueError, match="same shape"):
        zonal_mean(labels, values[:, :2])


def test_default_table_has_every_globeland30_class():
    t = default_biophysical_table("globeland30")
    assert sorted(t.index) == sorted(c.code for c in GLOBELAND30)
    assert column(t, "habitat")[20] == 1.0 and column(t, "lulc_veg")[60] == 0
    with pytest.raises(EconetError, match="biophysical_table"):
        default_biophysical_table("nlcd")
