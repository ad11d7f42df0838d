"""Ecological sources from MSPA cores and the patch table (METHODS.md §2, seed 000 §3.1.1)."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from rasterio.features import shapes
from scipy import ndimage

from econet.grid import Grid
from econet.landcover import LandCoverClass

_STRUCTURE = {4: ndimage.generate_binary_structure(2, 1), 8: np.ones((3, 3), bool)}


@dataclass
class Sources:
    """Source patches: a GeoDataFrame (one row per source, ``id`` from 1) and a label raster
    on the template grid (0 = not a source)."""

    table: gpd.GeoDataFrame
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.table)


def core_sources(
    mspa_result: np.ndarray,
    landcover: np.ndarray,
    grid: Grid,
    classes: tuple[LandCoverClass, ...],
    min_area_km2: float,
    connectivity: int = 8,
    core_code: int = 17,
) -> Sources:
    """Connected MSPA Core patches of at least ``min_area_km2``, typed by dominant land cover.

    Seed 000 keeps cores > 4 km²; seed 004 uses cores > 50 ha then sources >= 4 km².
    Core pixels inside core holes (Intext, code 117) count as core.
    """
    core = (mspa_result == core_code) | (mspa_result == core_code + 100)
    labels, n = ndimage.label(core, structure=_STRUCTURE[connectivity])
    cells = np.bincount(labels.ravel(), minlength=n + 1)
    min_cells = min_area_km2 * 1e6 / grid.cell_area_m2
    keep = np.flatnonzero(cells >= min_cells)
    keep = keep[keep > 0]
    # Relabel 1..k ordered by descending area so ids are stable and meaningful.
    order = keep[np.argsort(-cells[keep], kind="stable")]
    lut = np.zeros(n + 1, dtype=np.int32)
    lut[order] = np.arange(1, len(order) + 1, dtype=np.int32)
    labels = lut[labels]
    table = patch_table(labels, landcover, grid, classes)
    return Sources(table=table, labels=labels)


def patch_table(labels: np.ndarray, landcover: np.ndarray, grid: Grid, classes) -> gpd.GeoDataFrame:
    """id, area (km², ha), perimeter (km), dominant land cover and source type, polygon."""
    n = int(labels.max())
    ids = np.arange(1, n + 1)
    cols = ["id", "source_type", "dominant_class", "dominant_class_name", "area_km2", "area_ha", "perimeter_km"]
    if n == 0:
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=grid.crs)
    cells = np.bincount(labels.ravel(), minlength=n + 1)[1:]
    area_m2 = cells * grid.cell_area_m2
    by_code = {c.code: c for c in classes}
    dominant = _dominant_class(labels, landcover, n)
    geoms = _polygonize(labels, grid, n)
    table = gpd.GeoDataFrame(
        {
            "id": ids,
            "source_type": [by_code[c].source_type if c in by_code else None for c in dominant],
            "dominant_class": dominant,
            "dominant_class_name": [by_code[c].name if c in by_code else "unknown" for c in dominant],
            "area_km2": area_m2 / 1e6,
            "area_ha": area_m2 / 1e4,
            "perimeter_km": shapely.length(geoms) / 1e3,
        },
        geometry=geoms,
        crs=grid.crs,
    )
    return table


def _dominant_class(labels: np.ndarray, landcover: np.ndarray, n: int) -> np.ndarray:
    inside = labels > 0
    lab = labels[inside].astype(np.int64)
    lc = landcover[inside].astype(np.int64)
    codes, lc_idx = np.unique(lc, return_inverse=True)
    counts = np.zeros((n + 1, len(codes)), dtype=np.int64)
    np.add.at(counts, (lab, lc_idx), 1)
    return codes[np.argmax(counts[1:], axis=1)].astype(int)


def _polygonize(labels: np.ndarray, grid: Grid, n: int) -> np.ndarray:
    """One (multi)polygon per label, traced from cell edges (8-connected patches may touch at
    corners, so pieces are unioned per label)."""
    pieces: dict[int, list] = {}
    for geom, value in shapes(labels, mask=labels > 0, connectivity=4, transform=grid.transform):
        pieces.setdefault(int(value), []).append(shapely.geometry.shape(geom))
    out = np.empty(n, dtype=object)
    for i in range(1, n + 1):
        parts = pieces[i]
        out[i - 1] = parts[0] if len(parts) == 1 else shapely.union_all(parts)
    return out


__all__ = ["Sources", "core_sources", "patch_table"]
