"""The MSPA stage: GuidosToolbox's morphological spatial pattern analysis of the habitat classes."""

from __future__ import annotations

import numpy as np

from econet.errors import LayerError
from econet.habitat.mspa import (
    MSPAResult,
    format_gwb_statistics,
    landscape_mspa,
    mspa_binary,
    mspa_class_name,
    mspa_colormap,
)
from econet.io import write_csv, write_raster, write_text
from econet.report import ReportSection
from econet.report.tables import html_table, kpi
from econet.stages.base import Context, Stage


def compute(ctx: Context) -> MSPAResult:
    L, cfg = ctx.landscape, ctx.study.sources.mspa
    L.check_classes()
    habitat = [c.code for c in L.classes if c.habitat]
    binary = mspa_binary(L.landcover(), habitat, missing=~L.valid_mask())
    inside = L.area_mask()
    if inside is not None:  # the buffer around the study area carries corridors, not habitat
        binary[(binary == 2) & ~inside] = 1
    width = cfg.edge_width_pixels(L.grid.cell_size_m)
    try:
        return landscape_mspa(
            binary, L.grid.cell_area_m2, cfg.connectivity, width, cfg.transition, cfg.intext, ctx.max_memory_mb
        )
    except ValueError as exc:
        raise LayerError(L.landcover_layer, f"cannot run MSPA: {exc}") from None


def write(ctx: Context, res: MSPAResult) -> list[str]:
    cfg = ctx.study.sources.mspa
    params = f"{cfg.connectivity}_{res.edge_width_px}_{int(cfg.transition)}_{int(cfg.intext)}"
    write_raster(
        ctx.run.product("mspa.tif"),
        res.classes,
        ctx.landscape.grid,
        colormap=mspa_colormap(cfg.transition),
        description=f"GTB_MSPA, https://forest.jrc.ec.europa.eu/en/activities/lpa/gtb/ {params}",
    )
    write_csv(ctx.run.product("mspa_stats.csv"), res.stats)
    text = format_gwb_statistics(res.gwb, "mspa", cfg.connectivity, res.edge_width_px, cfg.transition, cfg.intext)
    write_text(ctx.run.product("mspa_stats.txt"), text)
    return ["mspa.tif", "mspa_stats.csv", "mspa_stats.txt"]


def report(ctx: Context, res: MSPAResult) -> ReportSection:
    from econet.report.maps import raster_map

    cmap = mspa_colormap(ctx.study.sources.mspa.transition)
    present = [int(c) for c in np.unique(res.classes)]
    raster_map(
        ctx.landscape.grid,
        res.classes,
        ctx.run.product("map_mspa.png"),
        "MSPA",
        discrete={c: (cmap.get(c, (200, 200, 200, 255)), mspa_class_name(c)) for c in present},
    )
    gwb = res.gwb
    return ReportSection(
        "MSPA",
        [
            f"<p>GuidosToolbox MSPA (miallib via pyguidos), edge width {res.edge_width_px} cell(s); "
            "the GWB summary table is in <code>mspa_stats.txt</code>.</p>",
            kpi("foreground cells", f"{gwb.fg_area:,}"),
            kpi("porosity (%)", f"{gwb.porosity_pct:.2f}"),
            "<img src='map_mspa.png' alt='MSPA map'>",
            html_table(res.stats),
        ],
        ["map_mspa.png"],
    )


STAGE = Stage(
    name="mspa",
    title="MSPA",
    reads=("landcover", "sources.mspa"),
    compute=compute,
    write=write,
    report=report,
    products={
        "mspa.tif": "MSPA classes (GuidosToolbox byte codes and palette)",
        "mspa_stats.csv": "cells, area and foreground share per MSPA class",
        "mspa_stats.txt": "GWB_MSPA's summary statistics table (FG/data shares, object counts, porosity)",
    },
)
