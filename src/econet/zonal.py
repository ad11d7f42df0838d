"""Per-zone statistics of a raster over a label raster: the one zonal-statistics kernel.

Used for per-source means of indicators (docs/methods/indicators.md), the patch table's
``mean_<layer>``, the gravity model's mean resistance and the Xuzhou SEEC preprint's modified MCR.
Sums run over row blocks so no full-size temporaries are made on large rasters.
"""

from __future__ import annotations

import numpy as np


def zonal_mean(labels: np.ndarray, values: np.ndarray, n_labels: int | None = None) -> np.ndarray:
    """Mean of ``values`` per label: ``out[i]`` is the mean over cells with ``labels == i``.

    Labels are non-negative integers (0 is a label like any other; callers that use 0 for
    "no zone" ignore ``out[0]``). NaN values are left out; a label with no finite value gets
    NaN. ``n_labels`` fixes the output length (default ``labels.max() + 1``). Pure: no I/O.
    """
    sums, counts = _sums_counts(labels, values, n_labels)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def zonal_sum(labels: np.ndarray, values: np.ndarray, n_labels: int | None = None) -> np.ndarray:
    """Sum of ``values`` per label (NaN counts as 0), as ``zonal_mean`` lays it out."""
    return _sums_counts(labels, values, n_labels)[0]


_ROWS_PER_BLOCK = 256


def _sums_counts(labels, values, n_labels):
    labels = np.asarray(labels)
    values = np.asarray(values)
    if labels.shape != values.shape:
        raise ValueError(f"labels {labels.shape} and values {values.shape} must have the same shape")
    if labels.size and labels.min() < 0:
        raise ValueError("labels must be >= 0")
    size = int(labels.max()) + 1 if n_labels is None and labels.size else int(n_labels or 0)
    sums = np.zeros(size)
    counts = np.zeros(size, dtype=np.int64)
    labels2, values2 = np.atleast_2d(labels), np.atleast_2d(values)
    for r0 in range(0, labels2.shape[0], _ROWS_PER_BLOCK):
        lab = labels2[r0 : r0 + _ROWS_PER_BLOCK].ravel().astype(np.int64, copy=False)
        val = np.asarray(values2[r0 : r0 + _ROWS_PER_BLOCK], dtype=np.float64).ravel()
        ok = np.isfinite(val) & (lab < size)
        sums += np.bincount(lab[ok], weights=val[ok], minlength=size)[:size]
        counts += np.bincount(lab[ok], minlength=size)[:size]
    return sums, counts


__all__ = ["zonal_mean", "zonal_sum"]
