"""Resistance factors: land cover by table, continuous layers graded into levels."""

from __future__ import annotations

import numpy as np


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
    out = grades[np.digitize(values, breaks, right=True)]
    out[np.isnan(values)] = np.nan
    return out


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
