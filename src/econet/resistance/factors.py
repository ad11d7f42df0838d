"""Class breaks of the continuous resistance factors (docs/methods/resistance.md).

Breaks come from a manual table, natural breaks (Jenks, computed exactly by mapclassify's
Fisher-Jenks on a seeded random sample of at most ``sample_size`` cells, 10 000 by default as
in ArcGIS's Classify dialog), quantiles or equal intervals; :func:`econet.classify.grade` then
maps values to levels, right-closed as ArcGIS Reclassify and mapclassify count class upper bounds.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from econet.classify import fisher_jenks, sample_values

BreakMethod = Literal["natural_breaks", "quantiles", "equal_interval"]


def class_breaks(
    values: np.ndarray, method: BreakMethod, classes: int, sample_size: int | None = 10_000, seed: int = 0
) -> np.ndarray:
    """Upper bounds of the first ``classes - 1`` classes (the last class is open-ended).

    ``natural_breaks`` is Jenks's optimisation (:func:`econet.classify.natural_breaks`) on a sample;
    ``quantiles`` and ``equal_interval`` use every finite value. Raises ValueError when the data
    cannot make ``classes`` distinct classes.
    """
    if classes < 2:
        raise ValueError("at least two classes are needed")
    if method == "natural_breaks":
        data = sample_values(values, sample_size, seed)
    else:
        data = values[np.isfinite(values)].astype(np.float64)
    if data.size == 0:
        raise ValueError("the layer has no valid values to classify")
    if method == "natural_breaks":
        n_unique = np.unique(data).size
        if n_unique < classes:
            raise ValueError(f"only {n_unique} distinct value(s), too few for {classes} classes; use fewer classes")
        breaks = fisher_jenks(data, classes)[:-1]
    elif method == "quantiles":
        breaks = np.quantile(data, np.arange(1, classes) / classes)
    elif method == "equal_interval":
        lo, hi = float(data.min()), float(data.max())
        breaks = lo + (hi - lo) * np.arange(1, classes) / classes
    else:
        raise ValueError(f"unknown break method {method!r}")
    if np.any(np.diff(breaks) <= 0):
        raise ValueError(
            f"{method} gives repeated breaks {np.round(breaks, 6).tolist()} (many equal values); "
            "use fewer classes or manual breaks"
        )
    return breaks


__all__ = ["class_breaks"]
