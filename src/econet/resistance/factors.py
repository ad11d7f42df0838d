"""Class breaks of the continuous resistance factors (docs/methods/resistance.md).

Breaks come from a manual table, natural breaks (Jenks, computed exactly by mapclassify's
Fisher-Jenks on a seeded random sample of at most ``sample_size`` cells, 10 000 by default as
in ArcGIS's Classify dialog), quantiles or equal intervals; :func:`econet.classify.grade` then
maps values to levels, right-closed as ArcGIS Reclassify and mapclassify count class upper bounds.

The values may be an array or a source of windows (``econet.windows``): the breaks are gathered
window by window, exactly (the same sample, the same order statistics), so a windowed run grades
as the whole grid does.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from econet.classify import fisher_jenks
from econet.windows import Source, blocks_of, finite_min_max, quantiles, sample_cells, values_source

BreakMethod = Literal["natural_breaks", "quantiles", "equal_interval"]


def class_breaks(
    values: np.ndarray | Source,
    method: BreakMethod,
    classes: int,
    sample_size: int | None = 10_000,
    seed: int = 0,
    shape: tuple[int, int] | None = None,
) -> np.ndarray:
    """Upper bounds of the first ``classes - 1`` classes (the last class is open-ended).

    ``natural_breaks`` is Jenks's optimisation (:func:`econet.classify.natural_breaks`) on a sample
    (the cells :func:`econet.classify.sample_values` takes); ``quantiles`` (``np.quantile``'s
    linear method) and ``equal_interval`` use every finite value. ``values``: an array, or a source
    of windows over a grid of ``shape``. Raises ValueError when the data cannot make ``classes``
    distinct classes.
    """
    if classes < 2:
        raise ValueError("at least two classes are needed")
    if callable(values):
        source = values
    else:
        values = np.asarray(values)
        values = values.reshape(1, -1) if values.ndim != 2 else values
        source, shape = blocks_of(values), values.shape
    if method not in ("natural_breaks", "quantiles", "equal_interval"):
        raise ValueError(f"unknown break method {method!r}")
    lo, hi, n = finite_min_max(source)
    if n == 0:
        raise ValueError("the layer has no valid values to classify")
    if method == "natural_breaks":
        data = sample_cells(values_source(source), shape, sample_size, seed)
        n_unique = np.unique(data).size
        if n_unique < classes:
            raise ValueError(f"only {n_unique} distinct value(s), too few for {classes} classes; use fewer classes")
        breaks = fisher_jenks(data, classes)[:-1]
    elif method == "quantiles":
        breaks = quantiles(source, np.arange(1, classes) / classes, n)
    else:
        breaks = lo + (hi - lo) * np.arange(1, classes) / classes
    if np.any(np.diff(breaks) <= 0):
        raise ValueError(
            f"{method} gives repeated breaks {np.round(breaks, 6).tolist()} (many equal values); "
            "use fewer classes or manual breaks"
        )
    return breaks


__all__ = ["class_breaks"]
