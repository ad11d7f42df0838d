"""Corrections of a resistance surface by indices (Yang et al., §2.3.2; night-light correction).

Yang et al. correct their base resistance with rock desertification, soil erosion and geohazard
density indices without printing the formula; econet offers the two forms used in the
literature, chosen per index:

- ``multiply``: R' = R · c, with c the index divided by its mean over the valid cells
  (``normalize = "mean"``, the night-light correction R' = (NL_i / NL_mean) · R of Li et al.
  2015 that the Xuzhou SEEC preprint cites), by its range (``"minmax"``) or taken as is (``"none"``);
- ``add``: R' = R + weight · c.

A correction that makes any valid cell zero, negative or NaN is an error, never a silent fix.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from econet.rasterops import minmax

Normalize = Literal["mean", "minmax", "none"]


def normalised_index(index: np.ndarray, valid: np.ndarray, normalize: Normalize) -> np.ndarray:
    """The index scaled by its mean or range over ``valid`` cells (float32; with "minmax", NaN
    outside them)."""
    if normalize == "mean":
        m = float(np.nanmean(index[valid]))
        if not m > 0:
            raise ValueError(f"the index's mean over the study area is {m:.4g}; 'mean' needs a positive mean")
        return (index / np.float32(m)).astype(np.float32)
    if normalize == "minmax":
        c = minmax(index, valid)
        if not np.fmax.reduce(c, axis=None) > 0:  # a constant index scales to 0 everywhere
            raise ValueError("the index is constant over the study area; 'minmax' cannot scale it")
        return c
    if normalize == "none":
        return index.astype(np.float32, copy=False)
    raise ValueError(f"normalize must be 'mean', 'minmax' or 'none', got {normalize!r}")


def apply_correction(
    surface: np.ndarray,
    index: np.ndarray,
    valid: np.ndarray,
    mode: Literal["multiply", "add"],
    normalize: Normalize = "mean",
    weight: float = 1.0,
) -> np.ndarray:
    """The corrected surface (float32); ValueError when a valid cell would not stay positive."""
    missing = int(np.count_nonzero(valid & ~np.isfinite(index)))
    if missing:
        raise ValueError(f"the index has no value in {missing} cell(s) of the study area")
    c = normalised_index(index, valid, normalize)
    if mode == "multiply":
        out = surface * c
    elif mode == "add":
        out = surface + np.float32(weight) * c
    else:
        raise ValueError(f"mode must be 'multiply' or 'add', got {mode!r}")
    bad = int(np.count_nonzero(valid & np.isfinite(surface) & ~(out > 0)))
    if bad:
        raise ValueError(
            f"the correction makes {bad} cell(s) zero or negative (index at or below 0 there); "
            "use normalize = 'mean' with a positive index, or mode = 'add'"
        )
    return out.astype(np.float32)


__all__ = ["apply_correction", "normalised_index"]
