"""Spectral indices from surface-reflectance bands (docs/methods/indicators.md; the Xuzhou SEEC
preprint, §3.4; Tong et al. 2025, §2.2.2).

Bands are float arrays on one grid (reflectance 0..1, or digital numbers: the ratio indices
do not care about a common scale, and RSEI normalises every indicator). NaN marks missing
cells, and a ratio whose denominator is 0 is NaN. Every function returns float32.
"""

from __future__ import annotations

import numpy as np

from econet.errors import EconetError, LayerError

# Tasselled-cap wetness coefficients for (blue, green, red, nir, swir1, swir2), by sensor:
# Landsat-5 TM reflectance factors (Crist 1985), Landsat-7 ETM+ at-satellite reflectance
# (Huang et al. 2002), Landsat-8 OLI (Baig et al. 2014); the sets Xu (2013) uses for RSEI.
WETNESS_COEFFICIENTS: dict[str, tuple[float, float, float, float, float, float]] = {
    "landsat5": (0.0315, 0.2021, 0.3102, 0.1594, -0.6806, -0.6109),
    "landsat7": (0.2626, 0.2141, 0.0926, 0.0656, -0.7629, -0.5388),
    "landsat8": (0.1511, 0.1973, 0.3283, 0.3407, -0.7117, -0.4559),
}

# Thermal band constants by sensor: K1 (W/(m² sr µm)), K2 (K) from the Landsat metadata
# (TM band 6, ETM+ band 6, TIRS band 10) and the band's effective wavelength (µm).
THERMAL_CONSTANTS: dict[str, tuple[float, float, float]] = {
    "landsat5": (607.76, 1260.56, 11.457),
    "landsat7": (666.09, 1282.71, 11.335),
    "landsat8": (774.8853, 1321.0789, 10.895),
}
_RHO_UM_K = 1.438e4  # h c / k_B in µm K


def _f(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


def reflectance(values, valid, key: str, scale: float = 1.0, offset: float = 0.0) -> np.ndarray:
    """A band as surface reflectance (float32): ``values * scale + offset``, checked to look like
    reflectance (1st to 99th percentile of the cells in ``valid`` within -0.5 .. 1.5). Level-2
    products store reflectance x 10 000 (Sentinel-2 L2A: scale 0.0001) or with a scale and an
    offset (Landsat Collection 2 Level-2: 0.0000275 and -0.2, USGS); digital numbers need
    calibration. A band that does not look like reflectance is a LayerError naming ``key`` and
    the fix: every index (the tasselled-cap wetness above all) would be wrong without a word."""
    r = scaled_band(values, scale, offset)
    v = r[np.asarray(valid, dtype=bool) & np.isfinite(r)]
    check_reflectance(v[check_ranks(v.size)] if v.size else v, key, scale, offset)
    return r


def scaled_band(values, scale: float = 1.0, offset: float = 0.0) -> np.ndarray:
    """``values * scale + offset`` in float32 (the band as reflectance, cell by cell)."""
    r = _f(values)
    if scale != 1.0 or offset != 0.0:
        r = (r * np.float32(scale) + np.float32(offset)).astype(np.float32)
    return r


def check_ranks(n: int) -> np.ndarray:
    """Which of ``n`` valid cells (in raster order) the reflectance check reads: a regular sample
    of about 200 000, enough for the percentiles."""
    return np.arange(0, n, max(1, n // 200_000))


def check_reflectance(sample: np.ndarray, key: str, scale: float, offset: float) -> None:
    """Raise a LayerError naming ``key`` and the fix unless the 1st to 99th percentiles of the
    sampled reflectances (:func:`check_ranks`) lie within -0.5 .. 1.5."""
    if sample.size == 0:
        return
    lo, hi = (float(x) for x in np.percentile(sample, [1, 99]))
    if lo >= -0.5 and hi <= 1.5:
        return
    band = key.rsplit(".", 1)[-1]
    if 100 < hi <= 1000:
        hint = (
            "values up to a few hundred look like digital numbers: calibrate them to surface reflectance (gain, "
            f"offset, sun elevation), or give indicators.band_scale.{band} and band_offset.{band}"
        )
    elif hi > 1000:
        hint = (
            f"values in the thousands are reflectance x 10 000 (Sentinel-2 L2A: set indicators.band_scale.{band} = "
            f"0.0001; Landsat Collection 2 Level-2: band_scale.{band} = 0.0000275 and band_offset.{band} = -0.2); "
            "digital numbers must be calibrated to reflectance first"
        )
    elif hi > 1.5:
        hint = f"values up to 100 are percent: set indicators.band_scale.{band} = 0.01"
    else:
        hint = f"check indicators.band_scale.{band} and band_offset.{band}"
    raise LayerError(
        key,
        f"does not look like surface reflectance (0-1): its 1st-99th percentiles are {lo:.4g} .. {hi:.4g} after "
        f"scale {scale:g} and offset {offset:g}; {hint}",
    )


def normalized_difference(a, b) -> np.ndarray:
    """(a - b) / (a + b); NaN where the sum is 0 or either band is missing."""
    a, b = _f(a), _f(b)
    s = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (a - b) / s
    out[s == 0] = np.nan
    return out


def ndvi(nir, red) -> np.ndarray:
    """Normalised difference vegetation index (NIR - Red) / (NIR + Red)."""
    return normalized_difference(nir, red)


def mndwi(green, swir1) -> np.ndarray:
    """Modified normalised difference water index (Green - SWIR1) / (Green + SWIR1) (Xu 2006)."""
    return normalized_difference(green, swir1)


def _sensor(sensor: str, table: dict) -> tuple:
    key = sensor.lower().replace("-", "").replace("_", "").replace(" ", "")
    if key not in table:
        raise EconetError(f"unknown sensor '{sensor}'; use one of {sorted(table)}")
    return table[key]


def wetness(blue, green, red, nir, swir1, swir2, sensor: str = "landsat8") -> np.ndarray:
    """Tasselled-cap wetness: the sensor's coefficients (``WETNESS_COEFFICIENTS``) times the bands."""
    c = _sensor(sensor, WETNESS_COEFFICIENTS)
    out = np.zeros(np.shape(blue), np.float32)
    for coef, band in zip(c, (blue, green, red, nir, swir1, swir2)):
        out += np.float32(coef) * _f(band)
    return out


def soil_index(blue, red, nir, swir1) -> np.ndarray:
    """Bare-soil index SI = ((SWIR1 + Red) - (NIR + Blue)) / ((SWIR1 + Red) + (NIR + Blue)) (Rikimaru 2002)."""
    return normalized_difference(_f(swir1) + _f(red), _f(nir) + _f(blue))


def index_based_built_up(green, red, nir, swir1) -> np.ndarray:
    """Index-based built-up index IBI (Xu 2008):
    [2 SWIR1/(SWIR1+NIR) - (NIR/(NIR+Red) + Green/(Green+SWIR1))] / [the same with +]."""
    green, red, nir, swir1 = _f(green), _f(red), _f(nir), _f(swir1)
    with np.errstate(divide="ignore", invalid="ignore"):
        built = 2 * swir1 / (swir1 + nir)
        other = nir / (nir + red) + green / (green + swir1)
    return normalized_difference(built, other)


def ndbsi(blue, green, red, nir, swir1) -> np.ndarray:
    """Dryness NDBSI = (SI + IBI) / 2 (Xu 2013, the RSEI dryness component)."""
    return (soil_index(blue, red, nir, swir1) + index_based_built_up(green, red, nir, swir1)) / np.float32(2)


def brightness_temperature(radiance, sensor: str = "landsat8") -> np.ndarray:
    """At-sensor brightness temperature (K) from thermal radiance (W/(m² sr µm)): K2 / ln(K1/L + 1)."""
    k1, k2, _ = _sensor(sensor, THERMAL_CONSTANTS)
    L = _f(radiance)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.float32(k2) / np.log(np.float32(k1) / L + 1)
    out[~(L > 0)] = np.nan
    return out


def emissivity_from_ndvi(ndvi_values, ndvi_soil: float = 0.2, ndvi_veg: float = 0.5) -> np.ndarray:
    """Surface emissivity by the NDVI thresholds method (Sobrino et al. 2004): 0.973 on bare soil,
    0.99 on full vegetation, 0.004 Pv + 0.986 between, Pv = ((NDVI - soil)/(veg - soil))²."""
    v = _f(ndvi_values)
    pv = np.clip((v - ndvi_soil) / (ndvi_veg - ndvi_soil), 0, 1) ** 2
    out = np.float32(0.004) * pv + np.float32(0.986)
    out = np.where(v < ndvi_soil, np.float32(0.973), out)
    out = np.where(v > ndvi_veg, np.float32(0.99), out)
    return np.where(np.isnan(v), np.float32(np.nan), out).astype(np.float32)


def land_surface_temperature(brightness_k, emissivity, sensor: str = "landsat8") -> np.ndarray:
    """Land surface temperature (°C) by the single-channel correction used for RSEI (Xu 2013):
    LST = T / (1 + (λ T / ρ) ln ε) - 273.15, with T the brightness temperature (K)."""
    _, _, lam = _sensor(sensor, THERMAL_CONSTANTS)
    T, e = _f(brightness_k), _f(emissivity)
    return (T / (1 + (np.float32(lam) * T / np.float32(_RHO_UM_K)) * np.log(e)) - np.float32(273.15)).astype(np.float32)


def lst(thermal, kind: str = "celsius", sensor: str = "landsat8", emissivity=None) -> np.ndarray:
    """Land surface temperature (°C) from a thermal layer.

    ``kind``: "celsius" or "kelvin" for a given LST raster (e.g. a Landsat Collection-2 ST
    product, converted to °C here), "brightness_k" for a brightness temperature and "radiance"
    for thermal-band radiance; the last two need ``emissivity`` (see ``emissivity_from_ndvi``).
    """
    t = _f(thermal)
    if kind == "celsius":
        return t.copy()
    if kind == "kelvin":
        return t - np.float32(273.15)
    if kind not in ("brightness_k", "radiance"):
        raise EconetError(f"unknown thermal kind '{kind}'; use celsius, kelvin, brightness_k or radiance")
    if emissivity is None:
        raise EconetError(f"thermal kind '{kind}' needs an emissivity raster (e.g. emissivity_from_ndvi(ndvi))")
    bt = brightness_temperature(t, sensor) if kind == "radiance" else t
    return land_surface_temperature(bt, emissivity, sensor)


__all__ = [
    "THERMAL_CONSTANTS",
    "check_ranks",
    "check_reflectance",
    "scaled_band",
    "WETNESS_COEFFICIENTS",
    "brightness_temperature",
    "emissivity_from_ndvi",
    "index_based_built_up",
    "land_surface_temperature",
    "lst",
    "mndwi",
    "ndbsi",
    "ndvi",
    "normalized_difference",
    "soil_index",
    "wetness",
]
