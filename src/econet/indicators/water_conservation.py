"""Water conservation by the water balance (Tong et al. 2025, §2.2.1, and their Table S1 of runoff coefficients).

WC = P - AET - R = Y - R, with Y the annual water yield (InVEST, mm/a) and R = α P the surface
runoff of the cell's class (α the mean runoff coefficient). What leaves as quick runoff is not
conserved; negative balances (runoff above yield) are clipped to 0 unless ``clip=False``.
"""

from __future__ import annotations

import numpy as np


def water_conservation(
    water_yield_mm: np.ndarray, precipitation_mm: np.ndarray, runoff_coefficient: np.ndarray, clip: bool = True
) -> np.ndarray:
    """Water conserved per cell (mm/a), float32; NaN where any input is missing."""
    y = np.asarray(water_yield_mm, np.float64)
    r = np.asarray(runoff_coefficient, np.float64) * np.asarray(precipitation_mm, np.float64)
    wc = y - r
    if clip:
        wc = np.where(np.isnan(wc), np.nan, np.maximum(wc, 0.0))
    return wc.astype(np.float32)


__all__ = ["water_conservation"]
