"""Spectral bands of the demo city: Landsat-8-like surface reflectance by land cover, and the indices.

Part of the generator of :mod:`econet.demo.city`; pure, no I/O."""

from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi

from econet.demo._base import _Fields
from econet.grid import Grid

# Landsat-8 surface reflectance by land cover: blue, green, red, nir, swir1, swir2.
_SPECTRA = {
    10: (0.045, 0.075, 0.065, 0.300, 0.210, 0.120),
    20: (0.025, 0.050, 0.030, 0.330, 0.150, 0.065),
    30: (0.045, 0.080, 0.075, 0.270, 0.240, 0.140),
    40: (0.035, 0.065, 0.055, 0.260, 0.200, 0.100),
    50: (0.040, 0.065, 0.050, 0.170, 0.090, 0.045),
    60: (0.055, 0.070, 0.050, 0.030, 0.015, 0.010),
    80: (0.100, 0.115, 0.130, 0.190, 0.230, 0.200),
    90: (0.110, 0.140, 0.175, 0.230, 0.300, 0.260),
}


_COAL_SPECTRUM = (0.055, 0.065, 0.075, 0.095, 0.120, 0.110)  # coal and gangue are dark


_SOIL_SPECTRUM = (0.090, 0.120, 0.150, 0.220, 0.290, 0.250)  # bare field between crops


_BANDS = ("blue", "green", "red", "nir", "swir1", "swir2")


# Summer land surface temperature by land cover (degC).
_LST_C = {10: 30.0, 20: 26.5, 30: 31.0, 40: 29.5, 50: 27.0, 60: 24.5, 80: 36.0, 90: 38.0}


def _bands(lc: np.ndarray, coal: np.ndarray, nz: _Fields, grid: Grid):
    """Landsat-like surface reflectance (0..1), each band float32."""
    cell = grid.cell_size_m
    table = np.zeros((256, 6), np.float32)
    for code, refl in _SPECTRA.items():
        table[code] = refl
    vigor = nz["vigor"]
    bright = np.float32(1.0) + np.float32(0.05) * nz["bright"]
    vegetated = (lc >= 10) & (lc <= 50)
    crop = lc == 10
    # Fields at different growth stages: a random bare-soil fraction per ~250 x 400 m parcel.
    rows = (np.arange(grid.height) * cell // 250.0).astype(np.int64)
    cols = (np.arange(grid.width) * cell // 400.0).astype(np.int64)
    parcel = nz.parcels
    soil_frac = parcel[(rows % 97)[:, None], (cols % 89)[None, :]] * crop
    water = lc == 60
    out = {}
    for k, name in enumerate(_BANDS):
        b = table[lc, k]
        b = np.where(coal, np.float32(_COAL_SPECTRUM[k]), b)
        b = b * (1 - soil_frac) + np.float32(_SOIL_SPECTRUM[k]) * soil_frac
        if name == "nir":
            b = np.where(vegetated, b * (1 + np.float32(0.12) * vigor), b)
        elif name == "red":
            b = np.where(vegetated, b * (1 - np.float32(0.15) * vigor), b)
        elif name in ("swir1", "swir2"):
            b = np.where(vegetated, b * (1 - np.float32(0.05) * vigor), b)
        if name in ("blue", "green", "red"):  # turbid and shallow water is brighter
            b = np.where(water, b + np.float32(0.008) * nz["wet"], b)
        b *= bright
        # Mixed pixels at class edges, as a sensor's point spread blurs them.
        b = ndi.gaussian_filter(b, 0.5, mode="reflect")
        out[name] = np.round(np.clip(b, 0.001, 1.0), 4).astype(np.float32)
    return out


def _ratio(a, b) -> np.ndarray:
    return np.round((a - b) / np.maximum(a + b, np.float32(1e-6)), 4).astype(np.float32)
