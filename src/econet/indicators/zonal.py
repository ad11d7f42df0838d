"""Per-zone statistics of a raster over a label raster (per-source means, METHODS.md §8)."""

from __future__ import annotations

import numpy as np


def zonal_mean(labels: np.ndarray, values: np.ndarray, n_labels: int | None = None) -> np.ndarray:
    """Mean of ``values`` per label: ``out[i]`` is the mean over cells with ``labels == i``.

    Labels are non-negative integers (0 is a label like any other; callers that use 0 for
    "no zone" ignore ``out[0]``). NaN values are left out; a label with no finite value gets
    NaN. ``n_labels`` fixes the output length (default ``labels.max() + 1``). Pure: no I/O.
    """
    labels = np.asarray(labels)
    values = np.asarray(values, dtype=np.float64)
    if labels.shape != values.shape:
        raise ValueError(f"labels {labels.shape} and values {values.shape} must have the same shape")
    if labels.size and labels.min() < 0:
        raise ValueError("labels must be >= 0")
    size = int(labels.max()) + 1 if n_labels is None and labels.size else int(n_labels or 0)
    ok = np.isfinite(values)
    lab = labels[ok].astype(np.int64, copy=False)
    sums = np.bincount(lab, weights=values[ok], minlength=size)[:size]
    counts = np.bincount(lab, minlength=size)[:size]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def zonal_sum(labels: np.ndarray, values: np.ndarray, n_labels: int | None = None) -> np.ndarray:
    """Sum of ``values`` per label (NaN counts as 0), as ``zonal_mean`` lays it out."""
    labels = np.asarray(labels)
    values = np.asarray(values, dtype=np.float64)
    if labels.shape != values.shape:
        raise ValueError(f"labels {labels.shape} and values {values.shape} must have the same shape")
    size = int(labels.max()) + 1 if n_labels is None and labels.size else int(n_labels or 0)
    return np.bincount(labels.ravel().astype(np.int64), weights=np.nan_to_num(values).ravel(), minlength=size)[:size]


__all__ = ["zonal_mean", "zonal_sum"]
