"""GeoTIFF reading and the one way econet writes a raster (tiled, compressed, atomic)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
from rasterio.crs import CRS

from econet.errors import LayerError
from econet.grid import Grid
from econet.io.atomic import atomic_path

# Tiles and DEFLATE with a predictor: small files that QGIS reads quickly.
_PROFILE = dict(driver="GTiff", tiled=True, blockxsize=256, blockysize=256, compress="deflate", zlevel=6)


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
    data: np.ndarray,
    grid: Grid,
    nodata=None,
    colormap: dict[int, tuple[int, ...]] | None = None,
    description: str | None = None,
    tags: dict | None = None,
) -> Path:
    """Write a single-band GeoTIFF on ``grid``; optional palette (for byte class rasters)."""
    if data.shape != tuple(grid.shape):
        raise ValueError(f"array shape {data.shape} does not match grid {grid.shape}")
    if data.dtype == bool:
        data = data.astype(np.uint8)
    small = min(grid.shape) < 256
    profile = dict(
        _PROFILE,
        height=grid.height,
        width=grid.width,
        count=1,
        dtype=data.dtype,
        crs=grid.crs,
        transform=grid.transform,
        nodata=nodata,
        predictor=3 if np.issubdtype(data.dtype, np.floating) else 2,
    )
    if small:
        profile.update(tiled=False)
        profile.pop("blockxsize")
        profile.pop("blockysize")
    with atomic_path(path) as tmp:
        with rasterio.Env(GDAL_PAM_ENABLED="NO"):  # no .aux.xml sidecar: one product, one file
            with rasterio.open(tmp, "w", **profile) as dst:
                dst.write(data, 1)
                if colormap:
                    dst.write_colormap(1, colormap)
                if description:
                    dst.set_band_description(1, description)
                if tags:
                    dst.update_tags(**{k: str(v) for k, v in tags.items()})
    return Path(path)


def crs_is_projected_metres(crs) -> bool:
    crs = CRS.from_user_input(crs)
    if not crs.is_projected:
        return False
    factor = crs.linear_units_factor[1] if crs.linear_units_factor else 1.0
    return abs(factor - 1.0) < 1e-9
