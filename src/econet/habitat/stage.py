"""Pipeline stages of the habitat package: MSPA and ecological sources."""

from __future__ import annotations

import numpy as np

from econet.errors import EconetError
from econet.habitat.mspa import mspa, mspa_binary, mspa_class_name, mspa_colormap, mspa_statistics
from econet.habitat.sources import core_sources
from econet.io import write_csv, write_raster, write_vector
from econet.report.tables import html_table, section
from econet.stage import Context, Stage, landcover_layers


def _mspa(ctx: Context):
    L, cfg = ctx.landscape, ctx.study.sources.mspa
    L.check_classes()
    habitat = [c.code for c in L.classes if c.habitat]
    binary = mspa_binary(L.landcover(), habitat, missing=~L.valid_mask())
    width = cfg.edge_width_pixels(L.grid.cell_size_m)
    result = mspa(binary, cfg.connectivity, width, cfg.transition, cfg.intext)
    return {"mspa": result, "edge_width_px": width, "stats": mspa_statistics(result, L.grid.cell_area_m2)}


def _write_mspa(ctx: Context, res) -> list[str]:
    cfg = ctx.study.sources.mspa
    desc = f"GTB_MSPA, <{cfg.connectivity},{res['edge_width_px']},{int(cfg.transition)},{int(cfg.intext)}>"
    write_raster(
        ctx.run.product("mspa.tif"),
        res["mspa"],
        ctx.landscape.grid,
        colormap=mspa_colormap(cfg.transition),
        description=desc,
    )
    write_csv(ctx.run.product("mspa_stats.csv"), res["stats"])
    return ["mspa.tif", "mspa_stats.csv"]


def _report_mspa(ctx: Context, res) -> tuple[str, list[str]]:
    from econet.report.figures import raster_map

    cmap = mspa_colormap(ctx.study.sources.mspa.transition)
    arr = res["mspa"]
    present = [int(c) for c in np.unique(arr)]
    raster_map(
        ctx.landscape.grid,
        arr,
        ctx.run.product("map_mspa.png"),
        "MSPA",
        discrete={c: (cmap.get(c, (200, 200, 200, 255)), mspa_class_name(c)) for c in present},
    )
    html = section("MSPA", "<img src='map_mspa.png' alt='MSPA map'>", html_table(res["stats"]))
    return html, ["map_mspa.png"]


def _sources(ctx: Context):
    L, cfg = ctx.landscape, ctx.study.sources
    src = core_sources(
        ctx.results["mspa"]["mspa"], L.landcover(), L.grid, L.classes, cfg.min_area_km2, cfg.patch_connectivity
    )
    if len(src) == 0:
        raise EconetError(
            f"no MSPA core patch reaches sources.min_area_km2 = {cfg.min_area_km2}; lower it or check the habitat classes "
            "(landcover table 'habitat' column)"
        )
    return src


def _write_sources(ctx: Context, src) -> list[str]:
    grid = ctx.landscape.grid
    write_vector(ctx.run.product("sources.gpkg"), {"sources": src.table})
    write_raster(ctx.run.product("sources.tif"), src.labels, grid, nodata=0, description="source id (0 = none)")
    write_csv(ctx.run.product("sources.csv"), src.table.drop(columns="geometry"))
    return ["sources.gpkg", "sources.tif", "sources.csv"]


def _report_sources(ctx: Context, src) -> tuple[str, list[str]]:
    table = src.table
    by_type = (
        table.groupby("source_type", dropna=False)
        .agg(sources=("id", "size"), area_km2=("area_km2", "sum"), mean_area_km2=("area_km2", "mean"))
        .reset_index()
    )
    html = section(
        "Ecological sources",
        f"<p>MSPA core patches of at least {ctx.study.sources.min_area_km2:g} km², typed by dominant land cover.</p>",
        html_table(by_type),
    )
    return html, []


MSPA_STAGE = Stage(
    "mspa",
    "MSPA",
    (),
    ("landcover", "sources.mspa"),
    landcover_layers,
    _mspa,
    _write_mspa,
    _report_mspa,
    {
        "mspa.tif": "MSPA classes (GuidosToolbox byte codes and palette)",
        "mspa_stats.csv": "cells, area and foreground share per MSPA class",
    },
)

SOURCES_STAGE = Stage(
    "sources",
    "Ecological sources",
    ("mspa",),
    ("sources",),
    landcover_layers,
    _sources,
    _write_sources,
    _report_sources,
    {
        "sources.gpkg": "ecological sources (polygons with the patch table)",
        "sources.tif": "source id raster (0 = not a source)",
        "sources.csv": "the patch table: id, type, dominant class, area, perimeter",
    },
)

__all__ = ["MSPA_STAGE", "SOURCES_STAGE"]
