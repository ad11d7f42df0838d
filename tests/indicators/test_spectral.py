"""Spectral indices against hand-computed values (published coefficients written out here)."""

import math

import numpy as np
import pytest

from econet.errors import EconetError
from econet.indicators import spectral as sp

# One pixel of Landsat-8-like reflectance: blue, green, red, nir, swir1, swir2.
B, G, R, N, S1, S2 = 0.05, 0.08, 0.06, 0.30, 0.20, 0.10


def px(v):
    return np.array([[v]], np.float32)


def test_ndvi_mndwi_by_hand():
    assert sp.ndvi(px(0.3), px(0.1))[0, 0] == pytest.approx(0.5, rel=1e-6)
    assert sp.mndwi(px(0.07), px(0.015))[0, 0] == pytest.approx(0.055 / 0.085, rel=1e-6)
    # 0/0 is missing, not 0 or an error.
    assert np.isnan(sp.ndvi(px(0.0), px(0.0))[0, 0])
    assert np.isnan(sp.ndvi(px(np.nan), px(0.1))[0, 0])


@pytest.mark.parametrize(
    "sensor,coef",
    [
        ("landsat5", (0.0315, 0.2021, 0.3102, 0.1594, -0.6806, -0.6109)),  # Crist 1985
        ("Landsat-7", (0.2626, 0.2141, 0.0926, 0.0656, -0.7629, -0.5388)),  # Huang et al. 2002
        ("landsat8", (0.1511, 0.1973, 0.3283, 0.3407, -0.7117, -0.4559)),  # Baig et al. 2014
    ],
)
def test_wetness_by_sensor(sensor, coef):
    want = sum(c * v for c, v in zip(coef, (B, G, R, N, S1, S2)))
    got = sp.wetness(px(B), px(G), px(R), px(N), px(S1), px(S2), sensor=sensor)[0, 0]
    assert got == pytest.approx(want, abs=1e-7)


def test_wetness_landsat8_value():
    # 0.1511*.05 + 0.1973*.08 + 0.3283*.06 + 0.3407*.3 - 0.7117*.2 - 0.4559*.1
    got = sp.wetness(px(B), px(G), px(R), px(N), px(S1), px(S2), sensor="landsat8")[0, 0]
    assert got == pytest.approx(-0.042683, abs=1e-6)


def test_unknown_sensor_is_refused():
    with pytest.raises(EconetError, match="unknown sensor 'sentinel2'"):
        sp.wetness(px(B), px(G), px(R), px(N), px(S1), px(S2), sensor="sentinel2")


def test_ndbsi_by_hand():
    si = ((S1 + R) - (N + B)) / ((S1 + R) + (N + B))  # -0.09 / 0.61
    assert sp.soil_index(px(B), px(R), px(N), px(S1))[0, 0] == pytest.approx(-0.147541, abs=1e-6)
    built = 2 * S1 / (S1 + N)  # 0.8
    other = N / (N + R) + G / (G + S1)  # 0.833333 + 0.285714
    ibi = (built - other) / (built + other)
    assert ibi == pytest.approx(-0.166253, abs=1e-6)
    assert sp.index_based_built_up(px(G), px(R), px(N), px(S1))[0, 0] == pytest.approx(ibi, abs=1e-6)
    assert sp.ndbsi(px(B), px(G), px(R), px(N), px(S1))[0, 0] == pytest.approx((si + ibi) / 2, abs=1e-6)


def test_emissivity_thresholds():
    e = sp.emissivity_from_ndvi(np.array([[0.1, 0.35, 0.6, np.nan]], np.float32))[0]
    assert e[0] == pytest.approx(0.973)
    assert e[1] == pytest.approx(0.004 * 0.25 + 0.986)  # Pv = (0.15 / 0.3)^2
    assert e[2] == pytest.approx(0.99)
    assert np.isnan(e[3])


def test_lst_from_radiance_by_hand():
    L, eps = 10.0, 0.987
    T = 1321.0789 / math.log(774.8853 / L + 1)  # Landsat-8 TIRS band 10 K1, K2
    want = T / (1 + (10.895 * T / 14380.0) * math.log(eps)) - 273.15
    assert sp.brightness_temperature(px(L), "landsat8")[0, 0] == pytest.approx(T, rel=1e-6)
    got = sp.lst(px(L), kind="radiance", sensor="landsat8", emissivity=px(eps))[0, 0]
    assert got == pytest.approx(want, abs=1e-3)
    assert 20 < want < 40  # a plausible summer surface
    # A brightness temperature goes through the same correction.
    assert sp.lst(px(T), kind="brightness_k", emissivity=px(eps))[0, 0] == pytest.approx(want, abs=1e-3)


def test_lst_given_raster():
    assert sp.lst(px(300.0), kind="kelvin")[0, 0] == pytest.approx(26.85, abs=1e-4)
    assert sp.lst(px(31.5), kind="celsius")[0, 0] == pytest.approx(31.5)
    with pytest.raises(EconetError, match="needs an emissivity"):
        sp.lst(px(10.0), kind="radiance")
    with pytest.raises(EconetError, match="unknown thermal kind"):
        sp.lst(px(10.0), kind="fahrenheit")


def test_reflectance_check_and_scale():
    from econet.errors import LayerError
    from econet.indicators.spectral import reflectance

    valid = np.ones((10, 10), dtype=bool)
    refl = np.linspace(0.01, 0.6, 100).reshape(10, 10)
    np.testing.assert_allclose(reflectance(refl, valid, "indicators.bands.nir"), refl, rtol=1e-6)
    # Landsat Collection 2 Level-2 integers: 0.0000275 x DN - 0.2 gives the reflectance back
    dn = np.rint((refl + 0.2) / 0.0000275)
    back = reflectance(dn, valid, "indicators.bands.nir", 0.0000275, -0.2)
    np.testing.assert_allclose(back, refl, atol=2e-5)  # the integers quantise by 0.0000275
    with pytest.raises(
        LayerError, match=r"indicators.bands.nir'?: does not look like surface reflectance.*band_offset.nir = -0.2"
    ):
        reflectance(dn, valid, "indicators.bands.nir")
    with pytest.raises(LayerError, match="percent: set indicators.band_scale.red = 0.01"):
        reflectance(refl * 100, valid, "indicators.bands.red")
    # cells outside the study area do not count: a sea of nodata-as-10000 outside is no problem
    outside = refl.copy()
    outside[:, :2] = 10000
    mask = valid.copy()
    mask[:, :2] = False
    assert reflectance(outside, mask, "indicators.bands.red").shape == (10, 10)
