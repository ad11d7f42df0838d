"""The indicators stage: the raster indicators and services a study's ``[indicators]`` asks for.

It needs only the landscape, so it runs before sources and resistance; its rasters are derived
layers that source rules, resistance factors and corrections may name. Optional: it runs only
when the study has an ``[indicators]`` section.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from econet.indicators.compute import RASTERS, Indicators, biophysical_table, compute_indicators, needs_table
from econet.io import write_csv, write_raster
from econet.report import ReportSection
from econet.report.tables import html_table
from econet.stages.base import Context, Stage


def compute(ctx: Context) -> Indicators:
    cfg, L = ctx.study.indicators, ctx.landscape
    table = biophysical_table(cfg.biophysical_table, ctx.study.landcover.table) if needs_table(cfg.models) else None
    return compute_indicators(
        cfg, L.raster, L.landcover(), L.valid_mask(), L.classes, L.grid, table, window=ctx.window, read=L.read
    )


def write(ctx: Context, res: Indicators) -> list[str]:
    paths = []
    for name, arr in res.rasters.items():
        unit, what = RASTERS[name]
        path = f"indicator_{name}.tif"
        write_raster(
            ctx.run.product(path), arr, ctx.landscape.grid, nodata=float("nan"), description=f"{what} ({unit})"
        )
        paths.append(path)
    if res.loadings is not None:
        write_csv(ctx.run.product("rsei_loadings.csv"), res.loadings)
        paths.append("rsei_loadings.csv")
    return paths


def report(ctx: Context, res: Indicators) -> ReportSection:
    from econet.report.maps import raster_map

    figures, parts = [], []
    rasters = res.rasters
    shown = [k for k in ("rsei", "habitat_quality", "water_yield", "carbon_sink") if k in rasters]
    for name in shown[:2]:
        path = f"map_indicator_{name}.png"
        unit, what = RASTERS[name]
        raster_map(ctx.landscape.grid, rasters[name], ctx.run.product(path), what, cmap="RdYlGn", label=unit)
        figures.append(path)
        parts.append(f"<img src='{path}' alt='{what}'>")
    summary = pd.DataFrame(
        [
            {"indicator": k, "unit": RASTERS[k][0], "mean": float(np.nanmean(v)), "max": float(np.nanmax(v))}
            for k, v in rasters.items()
        ]
    )
    headline = {}
    if "carbon_sink" in rasters:
        total = float(np.nansum(rasters["carbon_sink"]))
        parts.append(f"<p>Total carbon sink: {total:,.1f} t/a</p>")
        headline["carbon sink (t/a)"] = f"{total:,.0f}"
    parts.append(html_table(summary))
    if res.loadings is not None:
        parts += ["<h3>RSEI loadings</h3>", html_table(res.loadings)]
    return ReportSection("Ecological indicators", parts, figures, headline=headline)


def _enabled(study) -> bool:
    return study.indicators is not None


STAGE = Stage(
    name="indicators",
    title="Ecological indicators",
    reads=("landcover", "indicators"),
    compute=compute,
    write=write,
    report=report,
    enabled=_enabled,
    provides=lambda study: study.indicators.products(),
    layers_of=lambda res: res.rasters,
    products={
        "indicator_<name>.tif": "one raster per indicator the study asks for (NDVI, RSEI, carbon sink, ...)",
        "rsei_loadings.csv": "RSEI principal-component loadings, eigenvalues and percent of variance",
    },
)
