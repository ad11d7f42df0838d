"""Correlations between node indicators (the Xuzhou SEEC preprint, §4.2.3: Pearson, with
SPSS-style marks; Tong et al. 2025, §2.2.4 and §3.4: Spearman): carbon sink, RSEI, service and
process means, topology.

Each pair uses the nodes where both indicators are finite (pairwise deletion, as SPSS does);
p-values are two-sided (scipy.stats.pearsonr / spearmanr). Marks: *** p < 0.001, ** p < 0.01,
* p < 0.05.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from econet.errors import EconetError

METHODS = ("pearson", "spearman")
# Identifiers, coordinates and labels are not indicators.
NOT_INDICATORS = ("id", "x", "y", "community", "from_id", "to_id", "corridor_id")


def significance_mark(p: float) -> str:
    if not np.isfinite(p):
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def indicator_columns(table: pd.DataFrame) -> list[str]:
    """Numeric, non-constant columns that are not identifiers or coordinates."""
    out = []
    for c in table.columns:
        if c in NOT_INDICATORS or not pd.api.types.is_numeric_dtype(table[c]) or pd.api.types.is_bool_dtype(table[c]):
            continue
        v = table[c].to_numpy(float)
        v = v[np.isfinite(v)]
        if len(v) > 1 and np.ptp(v) > 0:
            out.append(c)
    return out


def correlation_matrix(
    table: pd.DataFrame, columns=None, method: str = "pearson"
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Square matrices of the coefficient r, the two-sided p-value and the number of nodes n."""
    if method not in METHODS:
        raise EconetError(f"correlation method must be one of {METHODS}, not {method!r}")
    columns = indicator_columns(table) if columns is None else list(columns)
    missing = [c for c in columns if c not in table]
    if missing:
        raise EconetError(f"no node indicator {missing}; available: {indicator_columns(table)}")
    k = len(columns)
    r, p, n = np.full((k, k), np.nan), np.full((k, k), np.nan), np.zeros((k, k), dtype=int)
    values = [pd.to_numeric(table[c], errors="coerce").to_numpy(float) for c in columns]
    test = stats.pearsonr if method == "pearson" else stats.spearmanr
    for i in range(k):
        for j in range(i, k):
            ok = np.isfinite(values[i]) & np.isfinite(values[j])
            a, b = values[i][ok], values[j][ok]
            n[i, j] = n[j, i] = ok.sum()
            if ok.sum() < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
                continue
            if i == j:
                r[i, i], p[i, i] = 1.0, 0.0
                continue
            res = test(a, b)
            r[i, j] = r[j, i] = float(res.statistic)
            p[i, j] = p[j, i] = float(res.pvalue)
    frame = lambda a: pd.DataFrame(a, index=columns, columns=columns)  # noqa: E731
    return frame(r), frame(p), frame(n)


def correlations(table: pd.DataFrame, columns=None, method: str = "pearson", by: str | None = None) -> pd.DataFrame:
    """Long table of every indicator pair (x < y in column order): group, x, y, r, p, n, mark;
    for all nodes (group "all") and, with ``by`` (e.g. "source_type"), per group."""
    columns = indicator_columns(table) if columns is None else list(columns)
    groups = [("all", table)]
    if by is not None:
        if by not in table:
            raise EconetError(f"cannot group correlations by {by!r}: no such node attribute")
        groups += [(str(k), part) for k, part in table.groupby(by, sort=True)]
    rows = []
    for name, part in groups:
        r, p, n = correlation_matrix(part, columns, method)
        for i, x in enumerate(columns):
            for y in columns[i + 1 :]:
                rows.append(
                    {
                        "group": name,
                        "method": method,
                        "x": x,
                        "y": y,
                        "r": r.loc[x, y],
                        "p": p.loc[x, y],
                        "n": int(n.loc[x, y]),
                        "mark": significance_mark(p.loc[x, y]),
                    }
                )
    return pd.DataFrame(rows, columns=["group", "method", "x", "y", "r", "p", "n", "mark"])
