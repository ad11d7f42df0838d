"""Vector and table I/O: GeoPackage layers and CSV, written atomically."""

from __future__ import annotations

import threading
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from econet.errors import LayerError
from econet.io.atomic import atomic_path

# A fixed timestamp keeps GeoPackages byte-identical between runs (GDAL writes "now" otherwise).
FIXED_GPKG_DATE = "2000-01-01T00:00:00.000Z"
# GDAL's configuration is one for the process: a write that set the date and restored it while
# another thread wrote (scenario runs at once, econet.optimise) would let that one stamp "now".
_GPKG_DATE_LOCK = threading.Lock()


def read_vector(path, layer_name: str | None = None, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read a vector layer (any OGR format). ``layer_name`` names it in errors."""
    name = layer_name or Path(path).name
    try:
        return gpd.read_file(path, layer=layer, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
        raise LayerError(name, f"cannot read vector {path}: {exc}. Check the path and format.") from exc


def write_vector(path, layers: dict[str, gpd.GeoDataFrame] | gpd.GeoDataFrame, layer: str | None = None) -> Path:
    """Write one or several layers into a GeoPackage, atomically (all layers or none)."""
    if isinstance(layers, gpd.GeoDataFrame):
        layers = {layer or Path(path).stem: layers}
    with _GPKG_DATE_LOCK:
        previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_GPKG_DATE})
        try:
            with atomic_path(path) as tmp:
                for name, gdf in layers.items():
                    pyogrio.write_dataframe(gdf, tmp, layer=name, driver="GPKG", append=tmp.exists())
        finally:
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
    return Path(path)


def write_csv(path, table: pd.DataFrame, index: bool = False) -> Path:
    """Write a table as CSV, atomically: floats at full precision (the shortest text that reads
    back to the same value, so coordinates keep their millimetres), UTF-8 with a byte-order mark
    so that spreadsheet programs (Excel) read headers such as "km²" as written, "\\n" line ends."""
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=index, encoding="utf-8-sig", lineterminator="\n")
    return Path(path)
