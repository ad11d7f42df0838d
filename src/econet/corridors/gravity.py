"""Gravity model of source interactions (Feng et al. 2024, after Kong et al. 2010;
docs/methods/corridors.md).

G_ab = L_max² ln(S_a) ln(S_b) / (L_ab² P_a P_b), with S the source area, P the mean resistance
inside the source, L_ab the cumulative resistance (least-cost distance) of the a-b corridor and
L_max the largest L over all corridors. Corridors whose G is above the mean G are "important",
the others "general" (Feng et al. 2024: threshold 48.24, 46 important of 210).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from econet.zonal import zonal_mean

AreaUnit = Literal["m2", "ha", "km2"]
_PER_M2 = {"m2": 1.0, "ha": 1e-4, "km2": 1e-6}


def source_mean_resistance(resistance: np.ndarray, source_labels: np.ndarray, ids) -> np.ndarray:
    """Mean resistance over each source's passable cells (P), in the order of ``ids``."""
    ok = np.isfinite(resistance) & (resistance > 0)
    ids = np.asarray(ids, dtype=np.int64)
    n = int(max(ids.max(initial=0), source_labels.max(initial=0))) + 1
    return zonal_mean(source_labels, np.where(ok, resistance, np.nan), n)[ids]


def gravity(
    paths: pd.DataFrame,
    area_m2: pd.Series,
    mean_resistance: pd.Series,
    area_unit: AreaUnit = "m2",
    crossing: np.ndarray | None = None,
) -> pd.DataFrame:
    """G per corridor and its class. ``paths`` has from_id, to_id, cost (L); ``area_m2`` and
    ``mean_resistance`` are indexed by source id. The area unit enters through ln(S): with m²
    (the default, as ArcGIS reports areas) every source of at least two square metres counts.
    ``crossing`` flags links that only cross a road or a strip between two pieces of one habitat
    block: their class is "crossing" and the mean that divides important from general corridors
    is taken over the others (a 120 m crossing has a huge G, which would make it, and only it,
    "important")."""
    s = area_m2 * _PER_M2[area_unit]
    small = s[s <= 1.0]
    if len(small):
        raise ValueError(
            f"sources {list(small.index)} have an area of at most 1 {area_unit}, so ln(S) <= 0 and the gravity "
            "model is meaningless; use a smaller area unit"
        )
    a, b = paths["from_id"].to_numpy(), paths["to_id"].to_numpy()
    length = paths["cost"].to_numpy(dtype=float)
    l_max = length.max() if len(length) else 0.0
    g = (
        l_max**2
        * np.log(s.loc[a].to_numpy())
        * np.log(s.loc[b].to_numpy())
        / (length**2 * mean_resistance.loc[a].to_numpy() * mean_resistance.loc[b].to_numpy())
    )
    out = pd.DataFrame({"from_id": a, "to_id": b, "gravity": g})
    cross = np.zeros(len(g), dtype=bool) if crossing is None else np.asarray(crossing, dtype=bool)
    threshold = g[~cross].mean() if (~cross).any() else np.nan
    out["class"] = np.where(cross, "crossing", np.where(g > threshold, "important", "general"))
    return out


def gravity_matrix(table: pd.DataFrame, ids) -> pd.DataFrame:
    """Symmetric source x source matrix of G (NaN where there is no corridor)."""
    ids = [int(i) for i in ids]
    m = pd.DataFrame(np.nan, index=pd.Index(ids, name="source"), columns=ids)
    for a, b, g in table[["from_id", "to_id", "gravity"]].itertuples(index=False):
        m.loc[a, b] = g
        m.loc[b, a] = g
    return m


__all__ = ["AreaUnit", "gravity", "gravity_matrix", "source_mean_resistance"]
