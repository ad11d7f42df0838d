"""Array helpers every stage shares: scaling, weighted overlay, nodata, rasterising, union-find.

The ground level of econet: pure functions over NumPy arrays (and shapely geometries), no file
I/O, no study configuration. Each concept is written once here and used everywhere.
"""

from __future__ import annotations

import numpy as np

# ---- scaling and weighted overlay -------------------------------------------------------------


# ---- nodata and rasterising -------------------------------------------------------------------


def nodata_mask(data: np.ndarray, nodata) -> np.ndarray:
    """Cells holding no data: equal to ``nodata`` compared in the data's own dtype (so a float32
    raster's -3.4e38 matches its header's float64 value), and NaN cells of a float raster.

    A nodata value the dtype cannot hold (-9999 in a byte raster, 0.5 in an integer one) matches
    no cell; ``nodata`` None marks only the NaN cells.
    """
    data = np.asarray(data)
    floating = np.issubdtype(data.dtype, np.floating)
    mask = np.isnan(data) if floating else np.zeros(data.shape, dtype=bool)
    if nodata is None or np.isnan(nodata):
        return mask
    if floating:
        with np.errstate(over="ignore"):  # beyond float32's range: inf, which no finite cell equals
            value = np.asarray(nodata).astype(data.dtype)
    elif np.issubdtype(data.dtype, np.integer) and float(nodata).is_integer():
        info = np.iinfo(data.dtype)
        if not info.min <= int(nodata) <= info.max:
            return mask
        value = data.dtype.type(int(nodata))
    elif data.dtype == bool and nodata in (0, 1):
        value = bool(nodata)
    else:
        return mask
    return mask | (data == value)


def nodata_to_nan(data: np.ndarray, nodata, dtype=None, *, copy: bool = True) -> np.ndarray:
    """A float copy of ``data`` with its nodata cells (see :func:`nodata_mask`) NaN.

    ``dtype`` defaults to float32 for float32 data and float64 otherwise. With ``copy=False``,
    data already of that dtype is changed in place and returned (for arrays just read).
    """
    data = np.asarray(data)
    if dtype is None:
        dtype = np.float32 if data.dtype == np.float32 else np.float64
    mask = nodata_mask(data, nodata)
    out = data.astype(dtype, copy=copy)
    out[mask] = np.nan
    return out


def rasterize(shapes, grid, *, all_touched: bool = False, dtype=np.uint8, fill=0) -> np.ndarray:
    """Burn ``(geometry, value)`` pairs onto ``grid`` (anything with ``shape`` and ``transform``).

    A cell takes the value of the last geometry covering its centre (GDAL's rule) or, with
    ``all_touched``, of the last one touching it; other cells hold ``fill``. None and empty
    geometries are skipped. Geometries are in the grid's CRS.
    """
    shapes = [(g, v) for g, v in shapes if g is not None and not g.is_empty]
    if not shapes:
        return np.full(grid.shape, fill, dtype=dtype)
    from rasterio import features  # rasterio loads GDAL: only when there is something to burn

    return features.rasterize(
        shapes, out_shape=grid.shape, transform=grid.transform, fill=fill, all_touched=all_touched, dtype=dtype
    )


# ---- union-find -------------------------------------------------------------------------------


__all__: list[str] = ["nodata_mask", "nodata_to_nan", "rasterize"]
