"""``econet costdistance RESISTANCE.tif SOURCES OUT.tif``: cumulative cost from sources.

A drop-in for GRASS r.cost / ArcGIS Cost Distance on one resistance GeoTIFF (8 neighbours, step
cost = mean resistance of the two cells x step length in metres). SOURCES is a label raster on
the same grid (cells > 0 are sources, the value is the source id) or a vector layer of source
polygons or points (ids from ``--id-field``, else 1..n in file order).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import typer
from rasterio.features import rasterize
from rich.console import Console

from econet.cli._common import user_errors
from econet.errors import LayerError

NAME = "costdistance"

_RASTER_SUFFIXES = {".tif", ".tiff", ".vrt", ".img", ".asc"}


def main(
    resistance: Path = typer.Argument(..., help="resistance GeoTIFF (NaN, nodata or <= 0: impassable)"),
    sources: Path = typer.Argument(..., help="source label raster on the same grid, or a vector layer"),
    out: Path = typer.Argument(..., help="output GeoTIFF of cumulative cost (resistance x m, float32)"),
    allocation: Path | None = typer.Option(None, "--allocation", help="also write the id of the cheapest source"),
    max_cost: float | None = typer.Option(None, "--max-cost", help="stop the search at this cost"),
    id_field: str | None = typer.Option(None, "--id-field", help="vector sources: field holding the source id"),
    layer: str | None = typer.Option(None, "--layer", help="vector sources: layer of a multi-layer file"),
    threads: int = typer.Option(2, "--threads", min=1, max=2, help="threads for the search (1 or 2)"),
) -> None:
    """Cumulative least cost from sources over a resistance surface (GeoTIFF in, GeoTIFF out)."""
    from econet.corridors import cost_distance
    from econet.io import read_raster, write_raster

    console = Console()
    with user_errors():
        res, grid = _read_resistance(resistance, read_raster)
        labels = _read_sources(sources, grid, id_field, layer)
        t0 = time.perf_counter()
        cd = cost_distance(res, labels, grid.cell_size_m, max_cost, threads=threads)
        seconds = time.perf_counter() - t0
        cost = np.where(np.isfinite(cd.cost), cd.cost, np.nan).astype(np.float32)
        write_raster(out, cost, grid, nodata=float("nan"), description="cumulative cost (resistance x m)")
        if allocation is not None:
            write_raster(allocation, cd.allocation, grid, nodata=0, description="id of the cheapest source")
    reached = np.isfinite(cost)
    n_src = len(np.unique(labels[labels > 0]))
    console.print(
        f"[green]✓[/green] {out}: {n_src} source(s), {reached.sum()} of {cost.size} cells reached, "
        f"largest cost {np.nanmax(cost) if reached.any() else float('nan'):.6g}, {seconds:.2f} s"
    )


def _read_resistance(path: Path, read_raster):
    from econet.grid import Grid
    from econet.io.raster import crs_is_projected_metres

    data, crs, transform, nodata = read_raster(path, "resistance")
    name = path.name
    if crs is None or not crs_is_projected_metres(crs):
        raise LayerError(name, "needs a projected CRS in metres (costs are resistance x metres); reproject it first")
    if not np.isclose(abs(transform.a), abs(transform.e)) or transform.b or transform.d:
        raise LayerError(name, f"cells must be square and north-up (got {transform.a} x {transform.e})")
    res = data.astype(np.float32 if data.dtype == np.float32 else np.float64)
    if nodata is not None and not np.isnan(nodata):
        res[data == nodata] = np.nan
    return res, Grid(crs, transform, data.shape)


def _read_sources(path: Path, grid, id_field: str | None, layer: str | None) -> np.ndarray:
    from econet.io import read_raster, read_vector

    name = path.name
    if path.suffix.lower() in _RASTER_SUFFIXES:
        data, crs, transform, nodata = read_raster(path, "sources")
        if data.shape != grid.shape or not transform.almost_equals(grid.transform):
            raise LayerError(
                name, "is not on the resistance grid (same size, cell size and origin); align it or give a vector layer"
            )
        if not np.issubdtype(data.dtype, np.integer) and not np.allclose(
            data[np.isfinite(data)], np.round(data[np.isfinite(data)])
        ):
            raise LayerError(name, "must hold whole-number source ids (cells > 0)")
        labels = np.where(np.isfinite(data), data, 0).astype(np.int64)
        if nodata is not None and np.isfinite(nodata):
            labels[data == nodata] = 0
        labels[labels < 0] = 0
    else:
        gdf = read_vector(path, "sources", layer=layer)
        if gdf.crs is None:
            raise LayerError(name, "has no CRS; define its projection")
        gdf = gdf.to_crs(grid.crs)
        if id_field is not None:
            if id_field not in gdf.columns:
                raise LayerError(
                    name, f"has no field '{id_field}' (fields: {[c for c in gdf.columns if c != 'geometry']})"
                )
            ids = gdf[id_field].to_numpy()
            if not np.issubdtype(ids.dtype, np.integer) or (ids <= 0).any():
                raise LayerError(name, f"field '{id_field}' must hold positive whole numbers")
        else:
            ids = np.arange(1, len(gdf) + 1)
        shapes = [(g, int(i)) for g, i in zip(gdf.geometry, ids) if g is not None and not g.is_empty]
        labels = (
            rasterize(shapes, out_shape=grid.shape, transform=grid.transform, dtype="int32", all_touched=True)
            if shapes
            else np.zeros(grid.shape, np.int32)
        )
    if labels.max(initial=0) > np.iinfo(np.int32).max:
        raise LayerError(name, "source ids must fit in 32 bits")
    if not (labels > 0).any():
        raise LayerError(name, "holds no source cells inside the resistance grid (ids must be > 0)")
    return labels.astype(np.int32)


__all__ = ["NAME", "main"]
