"""Resistance factors: land cover by table, continuous layers graded into levels (METHODS.md §4).

Breaks come from a manual table, natural breaks (Jenks, computed exactly by mapclassify's
Fisher-Jenks on a seeded random sample of at most ``sample_size`` cells, 10 000 by default as
in ArcGIS's Classify dialog), quantiles or equal intervals; :func:`grade_by_breaks` then maps
values to levels, right-closed as ArcGIS Reclassify and mapclassify count class upper bounds.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from econet.classify import fisher_jenks, sample_values

BreakMethod = Literal["natural_breaks", "quantiles", "equal_interval"]


def landcover_values(landcover: np.ndarray, table: dict[int, float]) -> np.ndarray:
    """Map class codes to values (float32); codes missing from ``table`` become NaN."""
    codes = np.fromiter(table.keys(), dtype=np.int64)
    values = np.fromiter(table.values(), dtype=np.float32)
    order = np.argsort(codes)
    codes, values = codes[order], values[order]
    idx = np.clip(np.searchsorted(codes, landcover), 0, len(codes) - 1)
    out = values[idx]
    out[codes[idx] != landcover] = np.nan
    return out


def grade_by_breaks(values: np.ndarray, breaks, grades) -> np.ndarray:
    """Grade a continuous layer by thresholds: level i holds breaks[i-1] < v <= breaks[i].

    ``grades`` has one more entry than ``breaks``; NaN stays NaN. This is the one grading
    function every factor goes through (manual tables, and later natural breaks or quantiles
    that produce their own break lists).
    """
    breaks = np.asarray(breaks, dtype=np.float64)
    grades = np.asarray(grades, dtype=np.float32)
    if len(grades) != len(breaks) + 1:
        raise ValueError("grades needs one more entry than breaks")
    if np.any(np.diff(breaks) <= 0):
        raise ValueError("breaks must increase strictly")
    values = np.asarray(values)
    if np.issubdtype(values.dtype, np.floating):
        # Compare in the layer's precision: a float32 raster's 0.2 must fall in "<= 0.2".
        breaks = breaks.astype(values.dtype)
    out = grades[np.digitize(values, breaks, right=True)]
    out[np.isnan(values)] = np.nan
    return out


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


def grade(values: np.ndarray, breaks, levels, direction: Literal["increasing", "decreasing"] = "increasing"):
    """Levels by breaks; ``direction = "decreasing"`` gives the highest level to the lowest values."""
    levels = list(levels)
    if direction == "decreasing":
        levels = levels[::-1]
    elif direction != "increasing":
        raise ValueError(f"direction must be 'increasing' or 'decreasing', got {direction!r}")
    return grade_by_breaks(values, breaks, levels)


def slope_deg(dem: np.ndarray, cell_size_m: float) -> np.ndarray:
    """Slope in degrees by Horn's 3x3 method (as ArcGIS Slope and GDAL gdaldem).

    Edge cells reuse their nearest neighbours (edge padding); NaN cells propagate to their
    neighbourhood.
    """
    z = np.pad(dem.astype(np.float64), 1, mode="edge")
    a, b, c = z[:-2, :-2], z[:-2, 1:-1], z[:-2, 2:]
    d, f = z[1:-1, :-2], z[1:-1, 2:]
    g, h, i = z[2:, :-2], z[2:, 1:-1], z[2:, 2:]
    dzdx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8 * cell_size_m)
    dzdy = ((g + 2 * h + i) - (a + 2 * b + c)) / (8 * cell_size_m)
    return np.degrees(np.arctan(np.hypot(dzdx, dzdy))).astype(np.float32)
