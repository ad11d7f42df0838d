"""Per-zone statistics of a raster over a label raster: the one zonal-statistics kernel.

Used for per-source means of indicators (docs/methods/indicators.md), the patch table's
``mean_<layer>``, the gravity model's mean resistance and the Xuzhou SEEC preprint's modified MCR.
Sums run over row blocks so no full-size temporaries are made on large rasters.
"""

from __future__ import annotations

import numpy as np

from econet.windows import windows


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


def zone_shares(zones: np.ndarray, features: np.ndarray, cell_area_m2: float, names=None, window: int | None = None):
    """Where a product lies by zone: for each zone holding any of it, the number of features
    (distinct ids of ``features`` > 0 with a cell in the zone), cells, area (ha), its share of
    the product's area (%, summing to 100 over the zones) and of the zone's area (%).

    ``zones`` holds integer zone codes (0 and negative codes are "no zone": product cells there
    are counted in a row named "(no zone)" so that the shares still add up); ``names`` maps a code to
    its name. Yang et al. (Tables 3 and 4) list pinch points and barriers by township this way.
    ``window``: count window by window (the side in cells; None: the whole grid at once), with
    the same counts. Returns a pandas DataFrame (zone_code, zone, features, cells, area_ha,
    share_pct, zone_share_pct).
    """
    import pandas as pd

    zones = np.asarray(zones)
    features = np.asarray(features)
    if zones.shape != features.shape:
        raise ValueError(f"zones {zones.shape} and features {features.shape} must have the same shape")
    zone_cells = np.zeros(1, np.int64)
    cells = np.zeros(1, np.int64)
    found = []
    for w in windows(zones.shape, window) if zones.ndim == 2 else [None]:
        at = w.slices if w is not None else slice(None)
        z = np.where(zones[at] > 0, zones[at], 0).astype(np.int64)
        zone_cells = _add_counts(zone_cells, np.bincount(z.ravel()))
        on = features[at] > 0
        zf, ff = z[on], features[at][on].astype(np.int64)
        cells = _add_counts(cells, np.bincount(zf))
        found.append(np.unique(np.column_stack([zf, ff]), axis=0))
    cols = ["zone_code", "zone", "features", "cells", "area_ha", "share_pct", "zone_share_pct"]
    if not cells.any():
        return pd.DataFrame(columns=cols)
    cells = _add_counts(np.zeros(zone_cells.size, np.int64), cells)
    pairs = np.unique(np.concatenate(found), axis=0)
    count = np.bincount(pairs[:, 0], minlength=zone_cells.size)
    total = float(cells.sum())
    names = names or {}
    rows = []
    for code in np.flatnonzero(cells):
        rows.append(
            {
                "zone_code": int(code),
                "zone": names.get(int(code), str(int(code))) if code > 0 else "(no zone)",
                "features": int(count[code]),
                "cells": int(cells[code]),
                "area_ha": cells[code] * cell_area_m2 / 1e4,
                "share_pct": 100.0 * cells[code] / total,
                "zone_share_pct": 100.0 * cells[code] / zone_cells[code] if code > 0 else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=cols).sort_values("area_ha", ascending=False, ignore_index=True)


def _add_counts(total: np.ndarray, more: np.ndarray) -> np.ndarray:
    """Two bincounts of different lengths added."""
    if more.size > total.size:
        total, more = more.astype(np.int64), total
    total = total.copy()
    total[: more.size] += more
    return total


def majority(codes: np.ndarray, fallback: int | None = None) -> int | None:
    """The most frequent code of ``codes`` (the smallest of tied codes), or ``fallback`` when
    there is none."""
    codes = np.asarray(codes)
    if codes.size == 0:
        return fallback
    values, counts = np.unique(codes, return_counts=True)
    return int(values[np.argmax(counts)])


__all__ = ["majority", "zonal_mean", "zonal_sum", "zone_shares"]
