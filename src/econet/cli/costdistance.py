"""``econet costdistance RESISTANCE.tif SOURCES OUT.tif``: cumulative cost from sources.

A drop-in for GRASS r.cost / ArcGIS Cost Distance on one resistance GeoTIFF (8 neighbours, step
cost = mean resistance of the two cells x step length in metres). SOURCES is a label raster on
the same grid (cells > 0 are sources, the value is the source id) or a vector layer of source
polygons or points (ids from ``--id-field``, else 1..n in file order).
"""

from __future__ import annotations

from pathlib import Path

import typer

from econet.cli._common import done, user_errors

NAME = "costdistance"


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
    import time

    import numpy as np

    from econet.errors import LayerError
    from econet.io.raster import read_resistance, write_raster
    from econet.io.sources import read_source_labels

    with user_errors():
        if max_cost is not None and not max_cost > 0:
            raise LayerError("--max-cost", f"must be > 0 (resistance x m), got {max_cost:g}")
        res, grid = read_resistance(resistance)
        labels = read_source_labels(sources, grid, id_field=id_field, layer=layer)
        from econet.corridors.costdistance import cost_distance  # numba: once the inputs are known good

        t0 = time.perf_counter()
        cd = cost_distance(res, labels, grid.cell_size_m, max_cost, threads=threads, allocation=allocation is not None)
        seconds = time.perf_counter() - t0
        cost = cd.cost.astype(np.float32)
        cost[np.isinf(cost)] = np.nan  # unreached cells: the file's nodata
        write_raster(out, cost, grid, nodata=float("nan"), description="cumulative cost (resistance x m)")
        if allocation is not None:
            write_raster(allocation, cd.allocation, grid, nodata=0, description="id of the cheapest source")
    reached = np.isfinite(cost)
    n_src = len(np.unique(labels[labels > 0]))
    done(
        f"{out}: {n_src} source(s), {reached.sum()} of {cost.size} cells reached, "
        f"largest cost {np.nanmax(cost) if reached.any() else float('nan'):.6g}, {seconds:.2f} s"
    )


__all__ = ["NAME", "main"]
