"""Euclidean distance to vector features, in metres (docs/methods/resistance.md#factors-resistancefactors).

Features are burnt into the grid (every cell a line, point or polygon touches, so thin roads
stay continuous and small mines are not lost), then scipy's exact Euclidean distance transform
gives each cell the distance from its centre to the centre of the nearest burnt cell, as ArcGIS
Euclidean Distance and GRASS r.grow.distance do on a raster of features.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi

from econet.grid import Grid
from econet.rasterops import rasterize


def burn(geometries, grid: Grid, all_touched: bool = True) -> np.ndarray:
    """Boolean raster of the cells the geometries cover (``all_touched``: every cell touched)."""
    return rasterize(((g, 1) for g in geometries), grid, all_touched=all_touched).astype(bool)


def distance_to_mask_m(mask: np.ndarray, cell_size_m: float | tuple[float, float]) -> np.ndarray:
    """Distance (m, float32) from every cell centre to the nearest True cell centre; 0 on True cells.

    Raises ValueError when ``mask`` has no True cell (the distance would be undefined).
    """
    if not mask.any():
        raise ValueError("no feature falls on the grid, so the distance to it is undefined")
    sampling = (cell_size_m, cell_size_m) if np.isscalar(cell_size_m) else cell_size_m
    return ndi.distance_transform_edt(~mask, sampling=sampling).astype(np.float32)


def distance_to_features_m(geometries, grid: Grid, all_touched: bool = True) -> np.ndarray:
    """Euclidean distance (m) from each cell to the nearest of ``geometries`` burnt into ``grid``."""
    t = grid.transform
    return distance_to_mask_m(burn(geometries, grid, all_touched), (abs(t.e), abs(t.a)))


__all__ = ["burn", "distance_to_features_m", "distance_to_mask_m"]
