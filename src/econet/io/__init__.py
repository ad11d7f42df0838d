"""Reading and writing: rasters, vectors, tables, the run folder. The only place that knows files."""

from econet.io.atomic import atomic_path, write_json, write_png, write_text
from econet.io.raster import read_raster, write_raster
from econet.io.vector import read_vector, write_csv, write_vector

__all__ = [
    "atomic_path",
    "read_raster",
    "read_vector",
    "write_csv",
    "write_json",
    "write_png",
    "write_raster",
    "write_text",
    "write_vector",
]
