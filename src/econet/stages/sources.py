"""The sources stage: ecological sources by the study's selection rules, and stepping-stone islets."""

from __future__ import annotations

import numpy as np
import pandas as pd

from econet.errors import EconetError, LayerError
from econet.habitat.mspa import MSPAResult
from econet.habitat.selection import select_sources, stepping_stone_islets
from econet.habitat.sources import Sources
from econet.io import write_csv, write_raster, write_vector
from econet.report import ReportSection
from econet.report.tables import html_table
from econet.resistance.build import factor_values, grade_factor
from econet.stages.base import Context, Stage


def compute(ctx: Context, mspa: MSPAResult) -> Sources:
    L, cfg = ctx.landscape, ctx.study.sources
    layers = {ref.name: L.raster(ref.name) for ref in cfg.refs("sources") if ref.kind == "layer"}
    if cfg.sensitivity is not None and cfg.sensitivity.factors:
        valid = L.valid_mask()
        for spec in cfg.sensitivity.factors:
            values, _ = factor_values(spec, L.raster, L.vector, L.grid, L.landcover_layer, L.classes)
            try:
                layers[spec.name], _ = grade_factor(spec, values, valid)
            except ValueError as exc:
                raise LayerError(f"sources.sensitivity.factors.{spec.name}", str(exc)) from None
    protected = {v: list(L.vector(v).geometry) for v in cfg.protected}
    excluded = {}
    if cfg.exclude_mines:
        mines = L.vector(cfg.exclude_mines)
        if cfg.mine_status_field not in mines.columns:
            raise LayerError(
                cfg.exclude_mines,
                f"sources.mine_status_field names attribute '{cfg.mine_status_field}'; the layer has "
                f"{[c for c in mines.columns if c != 'geometry']}",
            )
        producing = mines[mines[cfg.mine_status_field].astype(str).isin(cfg.producing_status)]
        excluded[f"producing mines ({cfg.exclude_mines})"] = list(producing.geometry)
    include = None
    if cfg.include:
        values = layers[cfg.include]
        include = np.where(np.isfinite(values) & (values > 0), np.rint(values), 0).astype(np.uint8)
    try:
        src = select_sources(
            cfg, mspa.classes, L.landcover(), L.grid, L.classes, layers, protected, L.habitat_mask(), include, excluded
        )
    except ValueError as exc:
        raise EconetError(f"sources: {exc}") from None
    # No source is a result, not an error: the run completes with empty tables, and the report
    # says which rule left none (the selection log).
    if cfg.islets is not None:
        r = cfg.islets
        src.stepping_stones = stepping_stone_islets(
            mspa.classes, L.landcover(), L.grid, L.classes, cfg.mspa.connectivity, r.min_area_km2, r.max_lsi
        )
    return src


def _csv_table(table) -> pd.DataFrame:
    """The patch table without polygons; coordinates to the centimetre (the CSV writer's six
    significant digits would round them to tens of metres)."""
    out = pd.DataFrame(table.drop(columns="geometry"))
    for c in ("centroid_x", "centroid_y", "inside_x", "inside_y"):
        out[c] = [f"{v:.2f}" for v in out[c]]
    return out


def write(ctx: Context, src: Sources) -> list[str]:
    grid = ctx.landscape.grid
    write_vector(ctx.run.product("sources.gpkg"), {"sources": src.table})
    write_raster(ctx.run.product("sources.tif"), src.labels, grid, nodata=0, description="source id (0 = none)")
    write_csv(ctx.run.product("sources.csv"), _csv_table(src.table))
    products = ["sources.gpkg", "sources.tif", "sources.csv"]
    if src.steps is not None:
        write_csv(ctx.run.product("sources_selection.csv"), src.steps)
        products.append("sources_selection.csv")
    if src.weights is not None:
        write_csv(ctx.run.product("sources_weights.csv"), src.weights)
        products.append("sources_weights.csv")
    if src.stepping_stones is not None:
        write_vector(ctx.run.product("stepping_stones.gpkg"), {"islets": src.stepping_stones.table})
        products.append("stepping_stones.gpkg")
    for name, arr in src.rasters.items():
        write_raster(ctx.run.product(f"{name}.tif"), arr, grid, nodata=0, description=name.replace("_", " "))
        products.append(f"{name}.tif")
    return products


def report(ctx: Context, src: Sources) -> ReportSection:
    from econet.report.maps import sources_map

    table = src.table
    L = ctx.landscape
    title = f"{ctx.study.study.name}: ecological sources ({len(table)})"
    sources_map(L.grid, L.landcover(), L.classes, table, ctx.run.product("map_sources.png"), title)
    by_type = (
        table.groupby("source_type", dropna=False)
        .agg(sources=("id", "size"), area_km2=("area_km2", "sum"), mean_area_km2=("area_km2", "mean"))
        .reset_index()
    )
    by_size = (
        table.groupby("size_class", sort=False).agg(sources=("id", "size"), area_km2=("area_km2", "sum")).reset_index()
    )
    cols = ["id", "source_type", "size_class", "area_km2", "perimeter_km", "shape", "lsi"]
    cols += [c for c in table.columns if c.startswith(("mean_", "importance_")) or c == "level"]
    none = ""
    if len(table) == 0 and src.steps is not None and len(src.steps):
        gone = next((r.step for r in src.steps.itertuples() if r.patches == 0), src.steps["step"].iloc[-1])
        none = (
            f"<p>No source: no patch is left after the rule '{gone}' (see the steps below). Lower the "
            "thresholds (sources.min_area_km2, ...) or check the habitat classes; every later table is empty.</p>"
        )
    parts = [
        none,
        f"<p>{len(table)} sources, {table['area_km2'].sum():,.2f} km² in all.</p>",
        "<img src='map_sources.png' alt='map of the ecological sources'>",
        "<h3>By type</h3>",
        html_table(by_type),
        "<h3>By size class</h3>",
        html_table(by_size),
    ]
    if src.steps is not None:
        parts += ["<h3>Selection, step by step</h3>", html_table(src.steps)]
    if src.weights is not None:
        parts += ["<h3>Weights of the selection rules</h3>", html_table(src.weights)]
    if "level" in table.columns:
        lv = table.groupby("level").agg(sources=("id", "size"), area_km2=("area_km2", "sum")).reset_index()
        parts += ["<h3>Source levels by connectivity importance (1 = most important)</h3>", html_table(lv)]
    parts += ["<h3>Largest sources</h3>", html_table(table[cols].head(15))]
    if src.stepping_stones is not None:
        st = src.stepping_stones.table
        parts += [
            f"<h3>Stepping-stone candidates: {len(st)} islets (most compact first)</h3>",
            html_table(st[["id", "source_type", "area_ha", "shape", "lsi", "inside_x", "inside_y"]].head(15)),
        ]
    return ReportSection("Ecological sources", parts, ["map_sources.png"], headline={"ecological sources": len(table)})


STAGE = Stage(
    name="sources",
    title="Ecological sources",
    reads=("landcover", "sources"),
    consumes={"mspa": ("classes",)},
    compute=compute,
    write=write,
    report=report,
    products={
        "sources.gpkg": "ecological sources (polygons with the patch table)",
        "stepping_stones.gpkg": "MSPA islets as stepping-stone candidates with SHAPE and LSI (when [sources.islets])",
        "sources.tif": "source id raster (0 = not a source)",
        "sources.csv": "the patch table: id, type, size class, area, perimeter, SHAPE, LSI, centroid, inside point",
        "sources_selection.csv": "patches and area left after each selection rule",
        "services_level.tif": "ecosystem-service importance level 1-5 (when services are a candidate rule)",
        "sensitivity_class.tif": "ecological sensitivity class 1-5 (when sensitivity is a candidate rule)",
        "connectivity_level.tif": "dPC level of the MSPA cores, 5 = most important (when core_connectivity is a rule)",
        "sources_weights.csv": "weights of the services / sensitivity rules and how they were obtained (AHP CR, PCA KMO)",
    },
)
