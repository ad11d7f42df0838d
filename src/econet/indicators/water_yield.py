"""Annual water yield as InVEST computes it (Budyko curve in Fu's form; Feng et al. 2024, eqs. 3-4).

For vegetated classes AET/P = 1 + PET/P - (1 + (PET/P)^ω)^(1/ω), PET = Kc ET0, with
ω = Z AWC / P + 1.25 (capped at 5) and AWC = min(root-restricting depth, root depth) × PAWC;
AET/P is at most PET/P. For other classes (water, wetland, built-up) AET = min(Kc ET0, P).
Yield Y = (1 - AET/P) P, all in mm/a. Cells with P = 0 or a missing input are NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class WaterYieldResult:
    """``water_yield`` Y and ``aet`` in mm/a, ``aet_fraction`` AET/P; float32, NaN where invalid."""

    water_yield: np.ndarray
    aet: np.ndarray
    aet_fraction: np.ndarray


def water_yield(
    precipitation_mm: np.ndarray,
    et0_mm: np.ndarray,
    restricting_depth_mm: np.ndarray,
    pawc: np.ndarray,
    kc: np.ndarray,
    root_depth_mm: np.ndarray,
    vegetated: np.ndarray,
    seasonality_z: float,
) -> WaterYieldResult:
    """InVEST annual water yield per cell. ``kc``, ``root_depth_mm`` and ``vegetated`` (1/0) are
    the class parameters mapped onto the grid; ``seasonality_z`` is InVEST's Z (1..30)."""
    P = np.asarray(precipitation_mm, np.float64)
    pet = np.asarray(kc, np.float64) * np.asarray(et0_mm, np.float64)
    valid = np.isfinite(P) & (P != 0) & np.isfinite(pet)
    for a in (restricting_depth_mm, pawc, root_depth_mm, vegetated):
        valid &= np.isfinite(np.asarray(a, np.float64))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        phi = pet / P
        awc = np.minimum(np.asarray(root_depth_mm, np.float64), np.asarray(restricting_depth_mm, np.float64))
        awc = awc * np.asarray(pawc, np.float64)
        omega = np.minimum(awc / P * seasonality_z + 1.25, 5.0)
        budyko = 1 + phi - (1 + phi**omega) ** (1 / omega)
        veg_fraction = np.minimum(phi, budyko)
        other_fraction = np.minimum(pet, P) / P
    frac = np.where(np.asarray(vegetated) == 1, veg_fraction, other_fraction)
    frac = np.where(valid, frac, np.nan)
    Y = (1 - frac) * P
    return WaterYieldResult(
        water_yield=Y.astype(np.float32), aet=(frac * P).astype(np.float32), aet_fraction=frac.astype(np.float32)
    )


__all__ = ["WaterYieldResult", "water_yield"]
