"""The resistance surface: weighted sum of graded factors (seed 000 §3.1.2, METHODS.md §4)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class Resistance:
    """Resistance raster (float32, NaN = impassable/missing) plus the factors that made it."""

    surface: np.ndarray
    factors: pd.DataFrame  # factor, weight, method, parameters
    grades: dict[str, np.ndarray]


def weighted_surface(grades: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """Σ wᵢ gradeᵢ over the factors with a weight; NaN anywhere makes the cell NaN.

    Weights must sum to 1 (checked), so the surface stays on the grades' scale.
    """
    total = sum(weights.values())
    if abs(total - 1.0) > 1e-6:
        raise ValueError(f"weights must sum to 1, got {total}")
    missing = sorted(set(weights) - set(grades))
    if missing:
        raise ValueError(f"no grade raster for weighted factor(s) {missing}")
    out = None
    for name, w in weights.items():
        if w == 0:
            continue
        term = np.float32(w) * grades[name]
        out = term if out is None else out + term
    return out.astype(np.float32)
