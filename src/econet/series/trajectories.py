"""Trajectories: one row of measures per epoch, and their change between consecutive epochs.

The measures of an epoch are those of ``econet.scenarios.validation.network_measures`` (size,
ECA, PC, IIC, carbon sink, RSEI of the sources, robustness slopes), the network's topology
summary and the mean of each indicator raster over the study area (the services and processes
of Tong et al. 2025, Figures 4-5)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def landscape_means(rasters: dict[str, np.ndarray], valid: np.ndarray) -> dict[str, float]:
    """The mean of each raster over the cells of ``valid`` where it is finite (NaN when none is)."""
    out = {}
    for name, values in rasters.items():
        v = np.asarray(values, dtype=np.float64)[valid]
        v = v[np.isfinite(v)]
        out[f"{name}_mean"] = float(v.mean()) if v.size else float("nan")
    return out


def trajectory_table(rows: dict[int, dict]) -> pd.DataFrame:
    """One row per epoch (column ``year``, then the measures in the order first met)."""
    return pd.DataFrame([{"year": int(year), **row} for year, row in sorted(rows.items())])


def changes(table: pd.DataFrame) -> pd.DataFrame:
    """The change of every numeric measure between consecutive epochs: one row per interval
    (``from``, ``to``), each measure's difference (later minus earlier)."""
    measures = [c for c in table.columns if c != "year" and pd.api.types.is_numeric_dtype(table[c])]
    t = table.sort_values("year", kind="stable").reset_index(drop=True)
    diff = t[measures].diff().iloc[1:].reset_index(drop=True)
    head = pd.DataFrame({"from": t["year"].iloc[:-1].to_numpy(), "to": t["year"].iloc[1:].to_numpy()})
    return pd.concat([head, diff], axis=1)


__all__ = ["changes", "landscape_means", "trajectory_table"]
