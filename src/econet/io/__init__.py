"""Reading and writing: rasters, vectors, tables, the run folder. The only place that knows files."""

from econet._lazy import lazy_package

# public name -> the submodule defining it; loaded on first use, so importing one submodule
# (or the package for one name) does not import the others.
__all__ = lazy_package(
    __name__,
    {
        "atomic_path": "atomic",
        "draws_figure": "atomic",
        "write_json": "atomic",
        "write_png": "atomic",
        "write_text": "atomic",
        "read_raster": "raster",
        "read_resistance": "raster",
        "raster_writer": "raster",
        "write_raster": "raster",
        "read_source_labels": "sources",
        "read_vector": "vector",
        "write_csv": "vector",
        "write_vector": "vector",
    },
)
