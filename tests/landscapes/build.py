"""Constructed landscapes whose right answers are obvious: a few forest blocks on cropland,
written as GeoTIFFs with a study file, and run through the whole pipeline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
from affine import Affine

CELL = 30.0
ORIGIN = (500000.0, 4000000.0)
FOREST, CROP, BUILT, WATER = 20, 10, 80, 60


def write_tif(path, data, crs="EPSG:32650", cell=CELL, origin=ORIGIN, nodata=None) -> str:
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=data.shape[0],
        width=data.shape[1],
        count=1,
        dtype=data.dtype,
        crs=crs,
        transform=Affine(cell, 0, origin[0], 0, -cell, origin[1]),
        nodata=nodata,
    ) as dst:
        dst.write(data, 1)
    return Path(path).as_posix()


def cropland(n=100) -> np.ndarray:
    return np.full((n, n), CROP, dtype=np.int16)


def study_text(
    lc_path: str, *, dem_path: str | None = None, extra: str = "", study: str = "", sources: str = ""
) -> str:
    """A small study: GlobeLand30 classes, sources >= 0.5 km2, land cover (and slope) resistance,
    quick robustness. ``extra`` is appended as it is (more sections)."""
    dem = f'[layers.dem]\npath = "{dem_path}"\nkind = "continuous"\n' if dem_path else ""
    weights = "{ landcover = 0.8, slope = 0.2 }" if dem_path else "{ landcover = 1.0 }"
    return f"""
[study]
name = "constructed"
{study}
[layers.landcover]
path = "{lc_path}"
kind = "categorical"
{dem}
[landcover]
table = "globeland30"
[sources]
min_area_km2 = 0.5
{sources}
[sources.mspa]
edge_width_m = 30
[resistance]
weights = {weights}
[robustness]
random_repeats = 5
edge_attacks = true
{extra}
"""


def write_study(folder: Path, lc: np.ndarray, *, dem: np.ndarray | None = None, **kw) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lc_path = write_tif(folder / "landcover.tif", lc, nodata=kw.pop("lc_nodata", None), crs=kw.pop("crs", "EPSG:32650"))
    dem_path = write_tif(folder / "dem.tif", dem.astype(np.float32), nodata=-9999.0) if dem is not None else None
    path = folder / "study.toml"
    path.write_text(study_text(lc_path, dem_path=dem_path, **kw))
    return path
