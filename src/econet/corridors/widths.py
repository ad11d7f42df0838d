"""Corridor width tiers as polygons (Chang et al. 2018: regional 300-500 m, sub-regional
100-300 m, local 100 m).

Tiers follow the corridors' gravity: important corridors (G above the mean) are regional;
of the general ones, those with G at or above their median are sub-regional and the rest
local; crossings (links shorter than ``corridors.crossing_max_m``) are local. Each corridor's polygon is its least-cost path buffered by half its tier's width.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

TIERS = ("regional", "sub-regional", "local")


def width_tiers(gravity_table: pd.DataFrame) -> np.ndarray:
    """Tier name per corridor from its gravity and class (see the module docstring)."""
    g = gravity_table["gravity"].to_numpy(dtype=float)
    cls = gravity_table["class"].to_numpy()
    important = cls == "important"
    general = g[cls == "general"]
    median = np.median(general) if general.size else np.inf
    tiers = np.where(important, TIERS[0], np.where(g >= median, TIERS[1], TIERS[2]))
    return np.where(cls == "crossing", TIERS[2], tiers)  # a crossing is a local link


def tier_polygons(paths: gpd.GeoDataFrame, tiers, widths_m: dict[str, float]) -> gpd.GeoDataFrame:
    """Buffer each path by half its tier's width: corridor_id, from_id, to_id, tier, width_m."""
    tiers = np.asarray(tiers)
    width = np.array([widths_m[t] for t in tiers], dtype=float)
    return gpd.GeoDataFrame(
        {
            "corridor_id": paths["id"].to_numpy(),
            "from_id": paths["from_id"].to_numpy(),
            "to_id": paths["to_id"].to_numpy(),
            "tier": tiers,
            "width_m": width,
        },
        geometry=paths.geometry.buffer(width / 2.0).to_numpy(),
        crs=paths.crs,
    )


__all__ = ["TIERS", "tier_polygons", "width_tiers"]
