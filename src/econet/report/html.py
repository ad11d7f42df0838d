"""The HTML report: one page with the maps, the key numbers and every product of the run.

Figures are PNG files beside ``report.html`` so the folder can be zipped and opened anywhere.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from econet import __version__
from econet.habitat.mspa import mspa_class_name, mspa_colormap
from econet.io.atomic import write_text
from econet.report.figures import network_map, raster_map

PRODUCTS = {
    "mspa.tif": "MSPA classes (GuidosToolbox byte codes and palette)",
    "mspa_stats.csv": "cells, area and foreground share per MSPA class",
    "sources.gpkg": "ecological sources (polygons with the patch table)",
    "sources.tif": "source id raster (0 = not a source)",
    "sources.csv": "the patch table: id, type, dominant class, area, perimeter",
    "resistance.tif": "resistance surface (weighted sum of factor grades)",
    "resistance_factors.csv": "factors, weights and grading used",
    "resistance_grades/": "one grade raster per factor",
    "cost_distance.tif": "cumulative cost to the cheapest source (resistance x m)",
    "allocation.tif": "id of the cheapest source per cell",
    "corridors.gpkg": "least-cost paths (from_id, to_id, length_m, cost, euclid_m, cwd_to_euclid)",
    "corridors.csv": "the corridor table without geometry",
    "connectivity_nodes.csv": "dPC per source with its intra, flux and connector fractions",
    "connectivity_overall.csv": "PC and ECA for the whole network",
    "network.graphml": "the network for Gephi / networkx (coordinates in x, y)",
    "network.gpkg": "network nodes (points) and edges (lines)",
    "network_nodes.csv": "node attributes and topology metrics",
    "network_edges.csv": "edge attributes",
    "network_summary.csv": "network-level metrics",
    "robustness.csv": "robustness curves (R, S) per attack strategy",
    "robustness.png": "robustness curves figure",
    "manifest.json": "inputs with checksums, resolved study, versions, stage timings",
}

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{margin-bottom:.2em} h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;font-size:.9em;margin:.5em 0} td,th{border:1px solid #ddd;padding:.25em .6em;text-align:right}
th{background:#f3f3f3} td:first-child,th:first-child{text-align:left} img{max-width:100%;border:1px solid #eee}
.kpi{display:inline-block;margin:.3em 1.2em .3em 0} .kpi b{font-size:1.5em;display:block} .muted{color:#777;font-size:.9em}
"""


def _table(df: pd.DataFrame, floatfmt="{:,.3f}") -> str:
    return df.to_html(index=False, border=0, float_format=lambda v: floatfmt.format(v), na_rep="–")


def _kpi(label: str, value) -> str:
    return f'<span class="kpi"><b>{html.escape(str(value))}</b>{html.escape(label)}</span>'


def write_report(ctx) -> list[str]:
    """Write the figures and ``report.html`` into the run folder; return their names."""
    L, run, res = ctx.landscape, ctx.run, ctx.results
    grid = L.grid
    src = res["sources"].table
    corridors = res["corridors"]["corridors"]
    g = res["network"]["graph"]
    from econet.network import node_table

    nodes = node_table(g)
    context = {k: L.vector(k) for k in ("roads", "mines") if k in ctx.study.vectors}
    network_map(
        grid,
        L.landcover(),
        L.classes,
        src,
        corridors,
        nodes,
        run.product("map_network.png"),
        title=f"{ctx.study.study.name}: sources and least-cost corridors",
        **context,
    )
    raster_map(
        grid,
        res["resistance"].surface,
        run.product("map_resistance.png"),
        "Resistance surface",
        cmap="magma_r",
        label="resistance (weighted grade)",
    )
    cmap = mspa_colormap(ctx.study.sources.mspa.transition)
    mspa_arr = res["mspa"]["mspa"]
    present = [int(c) for c in np.unique(mspa_arr)]
    raster_map(
        grid,
        mspa_arr,
        run.product("map_mspa.png"),
        "MSPA",
        discrete={c: (cmap.get(c, (200, 200, 200, 255)), mspa_class_name(c)) for c in present},
    )

    summary = res["network"]["summary"]
    conn = res["connectivity"]["overall"]
    by_type = (
        src.groupby("source_type", dropna=False)
        .agg(sources=("id", "size"), area_km2=("area_km2", "sum"), mean_area_km2=("area_km2", "mean"))
        .reset_index()
    )
    top = nodes.sort_values("dPC", ascending=False).head(10)[
        ["id", "source_type", "area_km2", "degree", "betweenness", "closeness", "dPC"]
    ]
    curves = res["robustness"]
    auc = (
        curves.groupby("strategy", sort=False)
        .apply(
            lambda p: pd.Series(
                {
                    "area_under_R": float(np.trapezoid(p["R"], p["removed_fraction"])),
                    "area_under_S": float(np.trapezoid(p["S"], p["removed_fraction"])),
                }
            ),
            include_groups=False,
        )
        .reset_index()
    )
    stages = pd.DataFrame(
        [
            {"stage": k, "seconds": v.get("seconds", 0.0), "reused": bool(v.get("cached"))}
            for k, v in run.manifest.get("stages", {}).items()
        ]
    )
    corr_stats = pd.DataFrame(
        [
            {
                "corridors": len(corridors),
                "total_length_km": corridors["length_m"].sum() / 1e3 if len(corridors) else 0.0,
                "mean_length_km": corridors["length_m"].mean() / 1e3 if len(corridors) else 0.0,
                "mean_cost": corridors["cost"].mean() if len(corridors) else 0.0,
                "mean_cwd_to_euclid": corridors["cwd_to_euclid"].mean() if len(corridors) else 0.0,
            }
        ]
    )

    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>econet – {html.escape(ctx.study.study.name)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(ctx.study.study.name)}</h1>",
        f"<p class='muted'>econet {__version__} · grid {grid.width} x {grid.height} cells at {grid.cell_size_m:g} m · "
        f"{grid.area_km2:,.1f} km² · {html.escape(grid.crs.to_string())}</p>",
        "<div>",
        _kpi("ecological sources", len(src)),
        _kpi("corridors", len(corridors)),
        _kpi("components", summary["components"]),
        _kpi("ECA (km²)", f"{conn['ECA_km2']:.1f}"),
        _kpi("average degree", f"{summary['average_degree']:.2f}"),
        "</div>",
        "<h2>Ecological network</h2><img src='map_network.png' alt='network map'>",
        "<h2>Ecological sources</h2>",
        f"<p>MSPA core patches of at least {ctx.study.sources.min_area_km2:g} km², typed by dominant land cover.</p>",
        _table(by_type),
        "<img src='map_mspa.png' alt='MSPA map'>",
        "<h3>MSPA classes</h3>",
        _table(res["mspa"]["stats"]),
        "<h2>Resistance</h2>",
        _table(res["resistance"].factors),
        "<img src='map_resistance.png' alt='resistance map'>",
        "<h2>Corridors</h2>",
        _table(corr_stats),
        "<h2>Connectivity</h2>",
        f"<p>Probability of connectivity with p = {conn['probability']:g} at {conn['distance_m']:g} m, "
        f"edge-to-edge distances, A<sub>L</sub> = {conn['landscape_area_km2']:,.1f} km².</p>",
        _table(pd.DataFrame([conn]), "{:.6g}"),
        "<h3>Most important sources (dPC)</h3>",
        _table(top),
        "<h2>Network topology</h2>",
        _table(pd.DataFrame([summary])),
        "<h2>Robustness</h2><img src='robustness.png' alt='robustness curves'>",
        "<p>Area under each curve (higher = more robust):</p>",
        _table(auc),
        "<h2>Products</h2><table><tr><th>file</th><th>content</th></tr>",
        *[
            f"<tr><td><a href='{html.escape(k)}'>{html.escape(k)}</a></td><td style='text-align:left'>{html.escape(v)}</td></tr>"
            for k, v in PRODUCTS.items()
        ],
        "</table>",
        "<h2>Run</h2>",
        _table(stages, "{:.2f}"),
        "</body></html>",
    ]
    write_text(run.product("report.html"), "\n".join(parts))
    return ["report.html", "map_network.png", "map_resistance.png", "map_mspa.png"]
