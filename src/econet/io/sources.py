"""Source labels from a file: a label raster on the grid, or a vector layer of source shapes."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from econet.errors import EconetWarning, LayerError
from econet.grid import Grid
from econet.io.raster import read_raster
from econet.rasterops import nodata_mask, rasterize

RASTER_SUFFIXES = frozenset({".tif", ".tiff", ".vrt", ".img", ".asc"})
_MAX_ID = np.iinfo(np.int32).max


def read_source_labels(
    path, grid: Grid, *, id_field: str | None = None, layer: str | None = None, name: str | None = None
) -> np.ndarray:
    """Source ids on ``grid`` (int32; 0 where there is no source) read from ``path``.

    A raster (by its suffix, see ``RASTER_SUFFIXES``) must lie on ``grid``; its cells > 0 are
    sources and the value is the id (nodata and negative cells are not sources). Any other file
    is a vector layer (``layer`` of a multi-layer file) of polygons, lines or points in any CRS:
    every cell a shape touches takes its id, from the positive whole-number field ``id_field``
    or else 1..n in file order (later shapes on top). ``name`` names the layer in errors.
    Raises LayerError when no source cell falls on the grid.
    """
    path = Path(path)
    name = name or path.name
    if path.suffix.lower() in RASTER_SUFFIXES:
        labels = _raster_labels(path, grid, name)
    else:
        labels = _vector_labels(path, grid, id_field, layer, name)
    if not (labels > 0).any():
        raise LayerError(name, "holds no source cells inside the resistance grid (ids must be > 0)")
    return labels


def _raster_labels(path: Path, grid: Grid, name: str) -> np.ndarray:
    data, _, transform, nodata = read_raster(path, name)
    if data.shape != grid.shape or not transform.almost_equals(grid.transform):
        raise LayerError(
            name, "is not on the resistance grid (same size, cell size and origin); align it or give a vector layer"
        )
    missing = nodata_mask(data, nodata)
    if np.issubdtype(data.dtype, np.floating):
        missing |= ~np.isfinite(data)
        values = data[~missing]
        if not np.array_equal(values, np.round(values)):
            raise LayerError(name, "must hold whole-number source ids (cells > 0)")
    if not np.can_cast(data.dtype, np.int32) and data[~missing].max(initial=0) > _MAX_ID:
        raise LayerError(name, f"source ids must fit in 32 bits (at most {_MAX_ID})")
    if np.issubdtype(data.dtype, np.floating):
        data[missing] = 0  # NaN has no integer value
    labels = data.astype(np.int32, copy=False)  # the array just read: changed in place when int32
    labels[missing] = 0
    np.maximum(labels, 0, out=labels)
    return labels


def _vector_labels(path: Path, grid: Grid, id_field: str | None, layer: str | None, name: str) -> np.ndarray:
    from econet.io.vector import read_vector  # geopandas: only for vector sources

    gdf = read_vector(path, name, layer=layer)
    if gdf.crs is None:
        raise LayerError(name, "has no CRS; define its projection (a .prj file or the GeoPackage's SRS)")
    gdf = gdf.to_crs(grid.crs)
    if id_field is None:
        ids = np.arange(1, len(gdf) + 1)
    else:
        if id_field not in gdf.columns:
            fields = [c for c in gdf.columns if c != "geometry"]
            raise LayerError(name, f"has no field '{id_field}' (fields: {fields}); give one of them as the id field")
        ids = gdf[id_field].to_numpy()
        if not np.issubdtype(ids.dtype, np.integer) or (ids <= 0).any():
            raise LayerError(name, f"field '{id_field}' must hold positive whole numbers (the source ids)")
    if ids.size and ids.max() > _MAX_ID:
        raise LayerError(name, f"source ids must fit in 32 bits (at most {_MAX_ID})")
    labels = rasterize(zip(gdf.geometry, ids.tolist()), grid, all_touched=True, dtype=np.int32)
    outside = np.setdiff1d(np.asarray(ids), labels)
    if outside.size:
        shown = ", ".join(str(i) for i in outside[:10].tolist()) + (", ..." if outside.size > 10 else "")
        warnings.warn(
            f"{name}: {outside.size} source(s) have no cell on the resistance grid (outside it, or under later "
            f"shapes) and are left out: ids {shown}",
            EconetWarning,
            stacklevel=2,
        )
    return labels


__all__ = ["RASTER_SUFFIXES", "read_source_labels"]
