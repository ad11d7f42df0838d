"""GeoTIFF reading and the one way econet writes a raster (tiled, compressed, atomic)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import rasterio
from rasterio.crs import CRS
from rasterio.windows import Window as RioWindow

from econet.errors import LayerError
from econet.grid import Grid
from econet.io.atomic import atomic_path
from econet.rasterops import nodata_to_nan

# Tiles and DEFLATE with a predictor: small files that QGIS reads quickly. Level 4 is the last of
# the fast levels: level 6 takes twice the time for files 1-6 % smaller (measured on land cover,
# elevation, NDVI and cost rasters).
_TILE = 256  # tile side; the writer hands GDAL one row of tiles at a time
_PROFILE = dict(driver="GTiff", tiled=True, blockxsize=_TILE, blockysize=_TILE, compress="deflate", zlevel=4)
# Tiles are compressed on all cores; GDAL writes them in tile order, so the bytes do not depend
# on the thread count (tests/test_io_raster.py checks it).
_THREADS = "ALL_CPUS"


def read_raster(path, layer: str | None = None, band: int = 1):
    """Read one band: (array, crs, transform, nodata). Errors name the layer."""
    name = layer or Path(path).name
    try:
        with rasterio.open(path) as src:
            data = src.read(band)
            return data, src.crs, src.transform, src.nodata
    except rasterio.errors.RasterioIOError as exc:
        raise LayerError(name, f"cannot read raster {path}: {exc}. Check the path and that it is a GeoTIFF.") from exc


def write_raster(
    path,
    data,
    grid: Grid,
    nodata=None,
    colormap: dict[int, tuple[int, ...]] | None = None,
    description: str | None = None,
    tags: dict | None = None,
    dtype=None,
) -> Path:
    """Write a single-band GeoTIFF on ``grid``; optional palette (for byte class rasters).

    ``data`` is an array on the grid, or a source of windows (``econet.windows``: a callable
    returning ``(window, block)`` pairs covering the grid, in row-major order) with ``dtype``.
    Either way the file is written one row of tiles at a time, so a source never has more than
    a row of tiles (and the windows that reach into the next one) in memory, and the bytes are
    the same for every window size."""
    if callable(data):
        if dtype is None:
            raise ValueError("a source of windows needs its dtype")
        dtype, strips = np.dtype(dtype), _strips_of_source(data, grid, np.dtype(dtype))
    else:
        if data.shape != tuple(grid.shape):
            raise ValueError(f"array shape {data.shape} does not match grid {grid.shape}")
        dtype = np.dtype(np.uint8) if data.dtype == bool else data.dtype
        strips = ((r, data[r : r + _TILE].astype(dtype, copy=False)) for r in range(0, grid.height, _TILE))
    with raster_writer(path, grid, dtype, nodata, colormap, description, tags) as put:
        for row, strip in strips:
            put(strip, row)
    return Path(path)


@contextlib.contextmanager
def raster_writer(
    path,
    grid: Grid,
    dtype,
    nodata=None,
    colormap: dict[int, tuple[int, ...]] | None = None,
    description: str | None = None,
    tags: dict | None = None,
):
    """The file ``write_raster`` writes, open for writing: yields ``put(rows, row0)``, which
    writes the full-width array ``rows`` from row ``row0`` down, so that several rasters can be
    filled strip by strip at once (the synthetic province). The file appears (atomically) when
    the block ends without error; strips of whole rows of tiles give the same bytes as
    ``write_raster``."""
    dtype = np.dtype(dtype)
    small = min(grid.shape) < _TILE
    profile = dict(
        _PROFILE,
        height=grid.height,
        width=grid.width,
        count=1,
        dtype=dtype,
        crs=grid.crs,
        transform=grid.transform,
        nodata=nodata,
        predictor=3 if np.issubdtype(dtype, np.floating) else 2,
        num_threads=_THREADS,
    )
    if small:
        profile.update(tiled=False)
        profile.pop("blockxsize")
        profile.pop("blockysize")
    with atomic_path(path) as tmp:
        with rasterio.Env(GDAL_PAM_ENABLED="NO"):  # no .aux.xml sidecar: one product, one file
            with rasterio.open(tmp, "w", **profile) as dst:

                def put(rows: np.ndarray, row0: int) -> None:
                    if rows.ndim != 2 or rows.shape[1] != grid.width or not 0 <= row0 <= grid.height - rows.shape[0]:
                        raise ValueError(f"rows {rows.shape} from row {row0} do not fit grid {grid.shape}")
                    dst.write(rows.astype(dtype, copy=False), 1, window=RioWindow(0, row0, grid.width, rows.shape[0]))

                yield put
                if colormap:
                    dst.write_colormap(1, colormap)
                if description:
                    dst.set_band_description(1, description)
                if tags:
                    dst.update_tags(**{k: str(v) for k, v in tags.items()})


def _strips_of_source(source, grid: Grid, dtype):
    """Rows of tiles (``_TILE`` rows, the full width) assembled from a source of windows."""
    buffer = np.empty((0, grid.width), dtype)
    start = 0  # the grid row of buffer[0]
    for window, block in source():
        end = window.row + window.height
        if end > start + buffer.shape[0]:  # a new row of windows: grow the buffer to its end
            grown = np.empty((end - start, grid.width), dtype)
            grown[: buffer.shape[0]] = buffer
            buffer = grown
        buffer[window.row - start : end - start, window.col : window.col + window.width] = block
        if window.col + window.width == grid.width:  # the row of windows is complete up to ``end``
            done = (end - start) // _TILE * _TILE if end < grid.height else end - start
            for r in range(0, done, _TILE):
                yield start + r, buffer[r : min(r + _TILE, done)]
            buffer, start = buffer[done:].copy(), start + done


def read_resistance(path, layer: str | None = None) -> tuple[np.ndarray, Grid]:
    """A resistance surface for a cost search and its grid: float32 kept (other types float64),
    nodata cells NaN (impassable). Raises LayerError unless the raster is in a projected CRS in
    metres with square, north-up cells (costs are resistance x metres)."""
    name = layer or Path(path).name
    data, crs, transform, nodata = read_raster(path, name)
    if crs is None or not crs_is_projected_metres(crs):
        raise LayerError(name, "needs a projected CRS in metres (costs are resistance x metres); reproject it first")
    if transform.b or transform.d or transform.e >= 0 or not np.isclose(abs(transform.a), abs(transform.e)):
        raise LayerError(
            name, f"cells must be square and north-up (got {transform.a} x {transform.e}); resample it first"
        )
    return nodata_to_nan(data, nodata, copy=False), Grid(crs, transform, data.shape)


def crs_is_projected_metres(crs) -> bool:
    """True for a projected CRS whose unit is the metre, or a local (engineering) CRS whose axes
    are in metres, such as a mine or city grid: distances on it are metres, and every layer in
    the same local CRS is aligned without reprojection."""
    crs = CRS.from_user_input(crs)
    if not crs.is_projected:
        return crs_is_local_metres(crs)
    factor = crs.linear_units_factor[1] if crs.linear_units_factor else 1.0
    return abs(factor - 1.0) < 1e-9


def crs_is_local_metres(crs) -> bool:
    """True for a local (engineering) CRS with every axis in metres (WKT ``LOCAL_CS``/``ENGCRS``)."""
    from pyproj import CRS as ProjCRS
    from pyproj.exceptions import CRSError

    try:
        p = ProjCRS.from_wkt(CRS.from_user_input(crs).to_wkt())
    except (CRSError, ValueError):
        return False
    axes = p.axis_info
    return bool(p.is_engineering and axes) and all(
        a.unit_name in ("metre", "meter") and abs(a.unit_conversion_factor - 1.0) < 1e-9 for a in axes
    )
