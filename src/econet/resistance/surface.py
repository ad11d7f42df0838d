"""The resistance surface: weighted sum of graded factors (seed 000 §3.1.2, METHODS.md §4)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class Resistance:
    """Resistance raster (float32, NaN = impassable/missing) plus the factors that made it."""

    surface: np.ndarray
    factors: pd.DataFrame  # factor, weight, kind, source, method, breaks, levels, ...
    grades: dict[str, np.ndarray]
    weights: pd.DataFrame = field(default_factory=pd.DataFrame)  # factor, weight, method, details


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
        if out is None:
            out = np.float32(w) * grades[name].astype(np.float32, copy=False)
        else:
            out += np.float32(w) * grades[name]  # in place: one surface-sized buffer at a time
    return out.astype(np.float32, copy=False)
