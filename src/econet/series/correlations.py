"""The correlations between node indicators, epoch by epoch, and the change of each coefficient
(Tong et al. 2025, Figures 10-11: services and processes against the network's topology, one
panel per year)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def correlation_change(tables: dict[int, pd.DataFrame], group: str = "all") -> pd.DataFrame:
    """One row per indicator pair found in any epoch: x, y, then for each year its coefficient
    ``r_<year>`` and mark ``mark_<year>`` (NaN and "" where the pair was not computed), and for
    each later year the change against the year before, ``d_r_<year>``. ``tables``: year -> the
    long correlation table of ``econet.network.correlation.correlations``."""
    years = sorted(tables)
    keyed = {}
    for year in years:
        t = tables[year]
        t = t[t["group"] == group] if "group" in t else t
        keyed[year] = t.set_index(["x", "y"])
    pairs = []
    for year in years:
        pairs += [p for p in keyed[year].index if p not in pairs]
    out = pd.DataFrame({"x": [p[0] for p in pairs], "y": [p[1] for p in pairs]})
    index = pd.MultiIndex.from_tuples(pairs, names=["x", "y"]) if pairs else None
    for year in years:
        k = keyed[year]
        out[f"r_{year}"] = k["r"].reindex(index).to_numpy(float) if pairs else np.zeros(0)
        out[f"mark_{year}"] = k["mark"].reindex(index).fillna("").to_numpy() if pairs else np.zeros(0, str)
    for prev, year in zip(years, years[1:]):
        out[f"d_r_{year}"] = out[f"r_{year}"] - out[f"r_{prev}"]
    return out


def square(change: pd.DataFrame, column: str, rows: list[str], cols: list[str]) -> pd.DataFrame:
    """A ``rows`` x ``cols`` matrix of one column of :func:`correlation_change` (a pair is looked
    up either way round)."""
    value = {}
    for x, y, v in zip(change["x"], change["y"], change[column]):
        value[(x, y)] = value[(y, x)] = v
    return pd.DataFrame([[value.get((r, c), np.nan) for c in cols] for r in rows], index=rows, columns=cols)


__all__ = ["correlation_change", "square"]
