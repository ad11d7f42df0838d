"""Class breaks of continuous rasters: the one natural-breaks (Fisher-Jenks) implementation.

Used to grade resistance factors (METHODS.md §4), to level ecosystem-service and sensitivity
scores when selecting sources (seeds 001, 003) and to class pinch points and barriers (seed
002). Grading by the breaks is ``econet.resistance.factors.grade_by_breaks``.

Big rasters are classified on a seeded uniform sample of their finite values (10,000 by default,
the sample size ArcGIS uses for Jenks), so the same input always gives the same breaks.
"""

from __future__ import annotations

import numpy as np


def sample_values(values: np.ndarray, sample_size: int | None = 10_000, seed: int = 0) -> np.ndarray:
    """The finite values of ``values`` (float64), or a seeded uniform sample of ``sample_size`` of them."""
    flat = np.asarray(values).ravel()
    finite = np.flatnonzero(np.isfinite(flat))
    if sample_size is not None and finite.size > sample_size:
        finite = np.sort(np.random.default_rng(seed).choice(finite, size=sample_size, replace=False))
    return flat[finite].astype(np.float64)


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


__all__ = ["fisher_jenks", "natural_breaks", "sample_values"]
