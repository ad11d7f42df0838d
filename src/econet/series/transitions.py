"""The land-cover transition matrix between two epochs (the cross-tabulation of a post-
classification comparison; Pontius et al. 2004, "Detecting important categorical land
changes while accounting for persistence")."""

from __future__ import annotations

import numpy as np
import pandas as pd


def transition_matrix(before: np.ndarray, after: np.ndarray, valid: np.ndarray, cell_area_km2: float) -> pd.DataFrame:
    """Area (km²) of the cells of ``valid`` that were class ``i`` (row, ``before``) and are class
    ``j`` (column, ``after``), with every class present in either epoch as both a row and a
    column. The matrix sums to the area of ``valid``; its diagonal is the unchanged area."""
    a, b = before[valid].astype(np.int64), after[valid].astype(np.int64)
    codes = np.union1d(np.unique(a), np.unique(b))
    ia, ib = np.searchsorted(codes, a), np.searchsorted(codes, b)
    counts = np.bincount(ia * len(codes) + ib, minlength=len(codes) ** 2).reshape(len(codes), len(codes))
    index = pd.Index(codes.tolist(), name="from")
    return pd.DataFrame(counts * cell_area_km2, index=index, columns=pd.Index(codes.tolist(), name="to"))


def unchanged_km2(matrix: pd.DataFrame) -> float:
    """The area (km²) whose class did not change: the matrix's diagonal."""
    return float(np.trace(matrix.to_numpy()))


def long_form(matrix: pd.DataFrame, names: dict[int, str] | None = None) -> pd.DataFrame:
    """The non-zero cells of a transition matrix as rows (from, to, their names, km²), largest
    change first, persistence (from == to) last."""
    names = names or {}
    rows = [
        {"from": int(i), "to": int(j), "from_class": names.get(int(i), ""), "to_class": names.get(int(j), ""), "km2": v}
        for i in matrix.index
        for j in matrix.columns
        if (v := float(matrix.at[i, j])) > 0
    ]
    table = pd.DataFrame(rows, columns=["from", "to", "from_class", "to_class", "km2"])
    same = table["from"] == table["to"]
    return pd.concat([table[~same].sort_values("km2", ascending=False, kind="stable"), table[same]], ignore_index=True)


__all__ = ["long_form", "transition_matrix", "unchanged_km2"]
