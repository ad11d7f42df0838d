"""Eco-elasticity (Tong et al. 2025, §2.2.2): ER = (O' A' R')^(1/3), the geometric mean of normalised
resistance O, adaptability A and recovery R (the 3R resilience framework).

Tong et al. leave O, A and R to their supplement; econet takes resistance and recovery as
land-cover scores (the biophysical table's ``elasticity_resistance`` and ``elasticity_recovery``, 0..1) and
adaptability as the Shannon diversity of land cover in a moving window (a diverse neighbourhood
adapts better), as is common in the landscape-resilience literature. Each is min-max normalised.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from econet.rasterops import minmax


def shannon_diversity(landcover: np.ndarray, window_cells: int, valid: np.ndarray | None = None) -> np.ndarray:
    """Shannon diversity H = -Σ p ln p of the classes in a square window of ``window_cells``
    (odd) centred on each cell; p over the valid cells of the window. float32."""
    if window_cells < 1 or window_cells % 2 == 0:
        raise ValueError("window_cells must be a positive odd number")
    lc = np.asarray(landcover)
    valid = np.ones(lc.shape, bool) if valid is None else np.asarray(valid, bool)
    n = ndimage.uniform_filter(valid.astype(np.float32), window_cells, mode="constant")
    H = np.zeros(lc.shape, np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        for code in np.unique(lc[valid]):
            share = ndimage.uniform_filter(((lc == code) & valid).astype(np.float32), window_cells, mode="constant")
            p = np.where(n > 0, share / n, 0.0)
            H -= np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    H[~valid] = np.nan
    return H.astype(np.float32)


def eco_elasticity(resistance: np.ndarray, adaptability: np.ndarray, recovery: np.ndarray, bounds=None) -> np.ndarray:
    """ER = (O' A' R')^(1/3) with each factor min-max normalised over its finite cells (0..1);
    ``bounds``: the three factors' (min, max) over the grid when the arrays are one window of it."""
    bounds = bounds or (None, None, None)
    o, a, r = (minmax(f, bounds=b) for f, b in zip((resistance, adaptability, recovery), bounds))
    return np.cbrt(o * a * r).astype(np.float32)


__all__ = ["eco_elasticity", "shannon_diversity"]
