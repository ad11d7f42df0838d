"""Ecological sensitivity (Tong et al. 2025, §2.2.3; docs/methods/indicators.md): a weighted overlay
ESS = Σ w_i x_i of graded factors — elevation, slope, vegetation cover, soil erosion and land
cover — each graded 1..9 (higher = more sensitive) with the one grading function
(:func:`econet.classify.grade`).

Vegetation cover is the fractional vegetation cover of the dimidiate pixel model
FVC = (NDVI - NDVI_soil) / (NDVI_veg - NDVI_soil), with NDVI_soil and NDVI_veg the 5th and 95th
percentiles by default. Soil erosion is the RUSLE soil loss (t/(ha a)). The default breaks
follow China's ecological-function-zoning practice; Tong et al. give their own in Table S4.
"""

from __future__ import annotations

import numpy as np

from econet import classify
from econet.errors import EconetError
from econet.rasterops import weighted_overlay

GRADES = (1.0, 3.0, 5.0, 7.0, 9.0)
DEFAULT_BREAKS = {
    "dem": (50.0, 100.0, 200.0, 400.0),  # m
    "slope": (5.0, 8.0, 15.0, 25.0),  # degrees
    "vegetation": (0.2, 0.4, 0.6, 0.8),  # FVC
    "erosion": (5.0, 25.0, 50.0, 80.0),  # t/(ha a), China's SL 190-2007 soil-loss classes
}
DEFAULT_WEIGHTS = {"dem": 0.15, "slope": 0.2, "vegetation": 0.2, "erosion": 0.2, "landcover": 0.25}


def vegetation_cover(ndvi: np.ndarray, ndvi_soil: float | None = None, ndvi_veg: float | None = None) -> np.ndarray:
    """Fractional vegetation cover 0..1 by the dimidiate pixel model (NaN stays NaN)."""
    v = np.asarray(ndvi, np.float32)
    finite = v[np.isfinite(v)]
    if finite.size == 0:
        return np.full(v.shape, np.nan, np.float32)
    lo = float(np.percentile(finite, 5)) if ndvi_soil is None else ndvi_soil
    hi = float(np.percentile(finite, 95)) if ndvi_veg is None else ndvi_veg
    if hi <= lo:
        raise EconetError(f"vegetation cover needs NDVI_veg > NDVI_soil, got {hi} <= {lo}")
    return np.clip((v - lo) / (hi - lo), 0, 1).astype(np.float32)


def grade(values: np.ndarray, breaks, grades=GRADES) -> np.ndarray:
    """Grade a continuous factor 1..9 by ascending breaks (higher value, higher sensitivity)."""
    return classify.grade(np.asarray(values, np.float32), breaks, grades)


def ecological_sensitivity(factors: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """Weighted overlay Σ w_i x_i of graded factors; weights must sum to 1 and name every factor."""
    if set(factors) != set(weights):
        raise EconetError(
            f"sensitivity weights name {sorted(weights)} but the factors are {sorted(factors)}; give one weight per factor"
        )
    total = sum(weights.values())
    if abs(total - 1.0) > 1e-6:
        raise EconetError(f"sensitivity weights must sum to 1, they sum to {total:.6g}; rescale them")
    return weighted_overlay(factors, weights)


__all__ = ["DEFAULT_BREAKS", "DEFAULT_WEIGHTS", "GRADES", "ecological_sensitivity", "grade", "vegetation_cover"]
