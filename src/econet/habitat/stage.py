"""Pipeline stages of the habitat package: MSPA and ecological sources."""

from __future__ import annotations

import numpy as np
import pandas as pd

from econet.errors import EconetError, LayerError
from econet.habitat.mspa import (
    format_gwb_statistics,
    gwb_statistics,
    mspa,
    mspa_binary,
    mspa_class_name,
    mspa_colormap,
    mspa_statistics,
)
from econet.habitat.selection import select_sources, stepping_stone_islets
from econet.io import write_csv, write_raster, write_text, write_vector
from econet.report.tables import html_table, kpi, section
from econet.stage import Context, Stage, landcover_layers


def _mspa(ctx: Context):
    L, cfg = ctx.landscape, ctx.study.sources.mspa
    L.check_classes()
    habitat = [c.code for c in L.classes if c.habitat]
    binary = mspa_binary(L.landcover(), habitat, missing=~L.valid_mask())
    width = cfg.edge_width_pixels(L.grid.cell_size_m)
    try:
        result = mspa(binary, cfg.connectivity, width, cfg.transition, cfg.intext)
    except ValueError as exc:
        raise LayerError(ctx.study.landcover.layer, f"cannot run MSPA: {exc}") from None
    return {
        "mspa": result,
        "edge_width_px": width,
        "stats": mspa_statistics(result, L.grid.cell_area_m2),
        "gwb": gwb_statistics(result, cfg.connectivity, cfg.intext),
    }


def _write_mspa(ctx: Context, res) -> list[str]:
    cfg = ctx.study.sources.mspa
    params = f"{cfg.connectivity}_{res['edge_width_px']}_{int(cfg.transition)}_{int(cfg.intext)}"
    write_raster(
        ctx.run.product("mspa.tif"),
        res["mspa"],
        ctx.landscape.grid,
        colormap=mspa_colormap(cfg.transition),
        description=f"GTB_MSPA, https://forest.jrc.ec.europa.eu/en/activities/lpa/gtb/ {params}",
    )
    write_csv(ctx.run.product("mspa_stats.csv"), res["stats"])
    text = format_gwb_statistics(res["gwb"], "mspa", cfg.connectivity, res["edge_width_px"], cfg.transition, cfg.intext)
    write_text(ctx.run.product("mspa_stats.txt"), text)
    return ["mspa.tif", "mspa_stats.csv", "mspa_stats.txt"]


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
    gwb = res["gwb"]
    html = section(
        "MSPA",
        f"<p>GuidosToolbox MSPA (miallib via pyguidos), edge width {res['edge_width_px']} cell(s); "
        "the GWB summary table is in <code>mspa_stats.txt</code>.</p>",
        kpi("foreground cells", f"{gwb.fg_area:,}"),
        kpi("porosity (%)", f"{gwb.porosity_pct:.2f}"),
        "<img src='map_mspa.png' alt='MSPA map'>",
        html_table(res["stats"]),
    )
    return html, ["map_mspa.png"]


def _rule_layers(cfg) -> list[str]:
    """Raster layers the source rules read: services and sensitivity weights, mean_of."""
    names = set(cfg.mean_of)
    if "services" in cfg.candidates:
        names |= set(cfg.services.weights)
    if "sensitivity" in cfg.candidates:
        names |= set(cfg.sensitivity.weights)
    return sorted(names)


def _sources_layers(study) -> list[str]:
    cfg = study.sources
    return (
        landcover_layers(study) + [f"layers.{n}" for n in _rule_layers(cfg)] + [f"vectors.{v}" for v in cfg.protected]
    )


def _sources(ctx: Context):
    L, cfg = ctx.landscape, ctx.study.sources
    layers = {n: L.raster(n) for n in _rule_layers(cfg)}
    protected = {v: list(L.vector(v).geometry) for v in cfg.protected}
    mspa_result = ctx.results["mspa"]["mspa"]
    try:
        src = select_sources(cfg, mspa_result, L.landcover(), L.grid, L.classes, layers, protected, L.valid_mask())
    except ValueError as exc:
        raise EconetError(f"sources: {exc}") from None
    if len(src) == 0:
        raise EconetError(
            f"no patch passes the source rules (sources.min_area_km2 = {cfg.min_area_km2}"
            + (", sources.connectivity" if cfg.connectivity else "")
            + "); lower the thresholds or check the habitat classes (landcover table 'habitat' column). "
            + "Patches left after each rule: "
            + "; ".join(f"{r.step}: {r.patches}" for r in src.steps.itertuples())
        )
    if cfg.islets is not None:
        r = cfg.islets
        src.stepping_stones = stepping_stone_islets(
            mspa_result, L.landcover(), L.grid, L.classes, cfg.mspa.connectivity, r.min_area_km2, r.max_lsi
        )
    return src


def _csv_table(table) -> pd.DataFrame:
    """The patch table without polygons; coordinates to the centimetre (the CSV writer's six
    significant digits would round them to tens of metres)."""
    out = pd.DataFrame(table.drop(columns="geometry"))
    for c in ("centroid_x", "centroid_y", "inside_x", "inside_y"):
        out[c] = [f"{v:.2f}" for v in out[c]]
    return out


def _write_sources(ctx: Context, src) -> list[str]:
    grid = ctx.landscape.grid
    write_vector(ctx.run.product("sources.gpkg"), {"sources": src.table})
    write_raster(ctx.run.product("sources.tif"), src.labels, grid, nodata=0, description="source id (0 = none)")
    write_csv(ctx.run.product("sources.csv"), _csv_table(src.table))
    products = ["sources.gpkg", "sources.tif", "sources.csv"]
    if src.steps is not None:
        write_csv(ctx.run.product("sources_selection.csv"), src.steps)
        products.append("sources_selection.csv")
    if src.stepping_stones is not None:
        write_vector(ctx.run.product("stepping_stones.gpkg"), {"islets": src.stepping_stones.table})
        products.append("stepping_stones.gpkg")
    for name, arr in src.rasters.items():
        write_raster(ctx.run.product(f"{name}.tif"), arr, grid, nodata=0, description=name.replace("_", " "))
        products.append(f"{name}.tif")
    return products


def _report_sources(ctx: Context, src) -> tuple[str, list[str]]:
    from econet.report.figures import network_map

    table = src.table
    L = ctx.landscape
    network_map(
        L.grid,
        L.landcover(),
        L.classes,
        table,
        [],
        pd.DataFrame(),
        ctx.run.product("map_sources.png"),
        title=f"Ecological sources ({len(table)})",
    )
    by_type = (
        table.groupby("source_type", dropna=False)
        .agg(sources=("id", "size"), area_km2=("area_km2", "sum"), mean_area_km2=("area_km2", "mean"))
        .reset_index()
    )
    by_size = (
        table.groupby("size_class", sort=False).agg(sources=("id", "size"), area_km2=("area_km2", "sum")).reset_index()
    )
    cols = ["id", "source_type", "size_class", "area_km2", "perimeter_km", "shape", "lsi"]
    cols += [c for c in table.columns if c.startswith(("mean_", "importance_"))]
    parts = [
        f"<p>{len(table)} sources, {table['area_km2'].sum():,.2f} km² in all.</p>",
        "<img src='map_sources.png' alt='map of the ecological sources'>",
        "<h3>By type</h3>",
        html_table(by_type),
        "<h3>By size class</h3>",
        html_table(by_size),
    ]
    if src.steps is not None:
        parts += ["<h3>Selection, step by step</h3>", html_table(src.steps)]
    parts += ["<h3>Largest sources</h3>", html_table(table[cols].head(15))]
    if src.stepping_stones is not None:
        st = src.stepping_stones.table
        parts += [
            f"<h3>Stepping-stone candidates: {len(st)} islets (most compact first)</h3>",
            html_table(st[["id", "source_type", "area_ha", "shape", "lsi", "inside_x", "inside_y"]].head(15)),
        ]
    return section("Ecological sources", *parts), ["map_sources.png"]


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
        "mspa_stats.txt": "GWB_MSPA's summary statistics table (FG/data shares, object counts, porosity)",
    },
)

SOURCES_STAGE = Stage(
    "sources",
    "Ecological sources",
    ("mspa",),
    ("sources",),
    _sources_layers,
    _sources,
    _write_sources,
    _report_sources,
    {
        "sources.gpkg": "ecological sources (polygons with the patch table)",
        "stepping_stones.gpkg": "MSPA islets as stepping-stone candidates with SHAPE and LSI (when [sources.islets])",
        "sources.tif": "source id raster (0 = not a source)",
        "sources.csv": "the patch table: id, type, size class, area, perimeter, SHAPE, LSI, centroid, inside point",
        "sources_selection.csv": "patches and area left after each selection rule",
        "services_level.tif": "ecosystem-service importance level 1-5 (when services are a candidate rule)",
        "sensitivity_class.tif": "ecological sensitivity class 1-5 (when sensitivity is a candidate rule)",
    },
)

__all__ = ["MSPA_STAGE", "SOURCES_STAGE"]
