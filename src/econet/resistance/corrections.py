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

from econet.windows import Source, blocks_of, exact_mean, finite_min_max

Normalize = Literal["mean", "minmax", "none"]


def index_scale(index: np.ndarray | Source, valid: np.ndarray | None, normalize: Normalize) -> tuple[float, float]:
    """(offset, divisor) that normalise the index over the ``valid`` cells: (0, mean) with
    "mean" (the exact mean), (min, max - min) with "minmax", (0, 1) with "none". ``index`` may
    be a source of windows of the index, NaN outside the valid cells (``valid`` None)."""
    if normalize == "none":
        return 0.0, 1.0
    if normalize not in ("mean", "minmax"):
        raise ValueError(f"normalize must be 'mean', 'minmax' or 'none', got {normalize!r}")
    source = index if callable(index) else blocks_of(np.where(valid, index, np.nan))
    if normalize == "mean":
        m = exact_mean(source)
        if not m > 0:
            raise ValueError(f"the index's mean over the study area is {m:.4g}; 'mean' needs a positive mean")
        return 0.0, m
    lo, hi, _ = finite_min_max(source)
    if not hi > lo:  # a constant index scales to 0 everywhere
        raise ValueError("the index is constant over the study area; 'minmax' cannot scale it")
    return lo, float(np.float32(hi) - np.float32(lo))  # in float32, as the index is scaled


def normalised_index(
    index: np.ndarray, valid: np.ndarray, normalize: Normalize, scale: tuple[float, float] | None = None
) -> np.ndarray:
    """The index scaled by its mean or range over ``valid`` cells (float32; with "minmax", NaN
    outside them); ``scale``: the :func:`index_scale` of the whole grid, when ``index`` is a window."""
    lo, span = index_scale(index, valid, normalize) if scale is None else scale
    if normalize == "none":
        return index.astype(np.float32, copy=False)
    if normalize == "mean":
        return (index / np.float32(span)).astype(np.float32)
    out = ((index.astype(np.float32, copy=False) - np.float32(lo)) / np.float32(span)).astype(np.float32)
    out[~(valid & np.isfinite(index))] = np.nan
    return out


def apply_correction(
    surface: np.ndarray,
    index: np.ndarray,
    valid: np.ndarray,
    mode: Literal["multiply", "add"],
    normalize: Normalize = "mean",
    weight: float = 1.0,
    scale: tuple[float, float] | None = None,
) -> np.ndarray:
    """The corrected surface (float32); ValueError when a valid cell would not stay positive.
    ``scale``: the index's :func:`index_scale` over the whole grid (computed here without it)."""
    missing = int(np.count_nonzero(valid & ~np.isfinite(index)))
    if missing:
        raise ValueError(f"the index has no value in {missing} cell(s) of the study area")
    c = normalised_index(index, valid, normalize, scale)
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


__all__ = ["apply_correction", "index_scale", "normalised_index"]
