"""Class breaks of continuous rasters and grading by them: the one natural-breaks (Fisher-Jenks)
implementation and the one grading function, :func:`grade`.

Used to grade resistance factors (docs/methods/resistance.md) and ecological-sensitivity
factors, to level ecosystem-service and sensitivity scores when selecting sources (Feng et al.
(2024) and Chang et al. (2018)) and to class pinch points and barriers (Yang et al.).

Big rasters are classified on a seeded uniform sample of their finite values (10,000 by default,
the sample size ArcGIS uses for Jenks), so the same input always gives the same breaks.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from econet.windows import sample_positions


def sample_values(values: np.ndarray, sample_size: int | None = 10_000, seed: int = 0) -> np.ndarray:
    """The finite values of ``values`` (float64), or a seeded uniform sample of ``sample_size`` of them."""
    flat = np.asarray(values).ravel()
    finite = np.flatnonzero(np.isfinite(flat))
    picked = sample_positions(finite.size, sample_size, seed)
    return flat[finite if picked is None else finite[picked]].astype(np.float64)


def fisher_jenks(values: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of the ``k`` classes of ``values`` with the least within-class sum of squares.

    Fisher's (1958) exact optimisation as mapclassify's ``FisherJenks`` computes it (the same
    breaks as GeoDa and PySAL). ``values`` must be finite with at least ``k`` distinct values.
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    if v.size == 0 or not np.all(np.isfinite(v)):
        raise ValueError("Fisher-Jenks needs finite values")
    if not 1 <= k <= np.unique(v).size:
        raise ValueError(f"{k} classes need at least {k} distinct values, got {np.unique(v).size}")
    import mapclassify  # imported here: it pulls in scikit-learn (seconds), needed only for natural breaks

    return np.asarray(mapclassify.FisherJenks(v, k=k).bins, dtype=np.float64)


def natural_breaks(values: np.ndarray, k: int = 5, sample_size: int | None = 10_000, seed: int = 0) -> np.ndarray:
    """Upper bounds of ``k`` natural-breaks classes of the finite values (the last is their maximum).

    Fitted on :func:`sample_values`; with ``k`` or fewer distinct values those values are returned
    (fewer classes). Raises ValueError when there is no finite value.
    """
    sample = sample_values(values, sample_size, seed)
    if sample.size == 0:
        raise ValueError("no finite value to classify")
    distinct = np.unique(sample)
    if distinct.size <= k:
        bins = distinct
    else:
        bins = fisher_jenks(sample, k)
    bins = bins.copy()
    bins[-1] = max(bins[-1], float(np.nanmax(values)))  # the sample may miss the maximum
    return bins


def grade(
    values: np.ndarray,
    breaks,
    levels,
    direction: Literal["increasing", "decreasing"] = "increasing",
    *,
    nodata: float = np.nan,
    dtype=np.float32,
) -> np.ndarray:
    """The level of each value by class upper bounds: ``levels[i]`` for breaks[i-1] < v <= breaks[i].

    Right-closed, as ArcGIS Reclassify and mapclassify count class upper bounds; the last level
    is open-ended, so ``levels`` has one more entry than ``breaks`` (strictly increasing).
    ``direction = "decreasing"`` gives the first level to the highest values. NaN values get
    ``nodata``; the result is in ``dtype``.
    """
    breaks = np.asarray(breaks, dtype=np.float64)
    levels = np.asarray(levels, dtype=dtype)
    if direction == "decreasing":
        levels = levels[::-1]
    elif direction != "increasing":
        raise ValueError(f"direction must be 'increasing' or 'decreasing', got {direction!r}")
    if len(levels) != len(breaks) + 1:
        raise ValueError("levels needs one more entry than breaks")
    if np.any(np.diff(breaks) <= 0):
        raise ValueError("breaks must increase strictly")
    values = np.asarray(values)
    if np.issubdtype(values.dtype, np.floating):
        # Compare in the layer's precision: a float32 raster's 0.2 must fall in "<= 0.2".
        breaks = breaks.astype(values.dtype)
    out = levels[np.digitize(values, breaks, right=True)]
    out[np.isnan(values)] = nodata
    return out


__all__ = ["fisher_jenks", "grade", "natural_breaks", "sample_values"]
