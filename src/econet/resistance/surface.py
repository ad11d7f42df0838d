"""The resistance surface and the factors that made it (the Xuzhou SEEC preprint, §3.1.2;
docs/methods/resistance.md).

The surface is the weighted sum of the graded factors, :func:`econet.rasterops.weighted_overlay`.
"""

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


__all__ = ["Resistance"]
