"""The HTML report: one page with the maps, the key numbers and every product of the run.

Figures are PNG files beside ``report.html`` so the folder can be zipped and opened anywhere.
"""

from __future__ import annotations

import html

import pandas as pd

from econet import __version__
from econet.io.atomic import write_text
from econet.report.figures import network_map
from econet.report.tables import html_table, kpi

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{margin-bottom:.2em} h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;font-size:.9em;margin:.5em 0} td,th{border:1px solid #ddd;padding:.25em .6em;text-align:right}
th{background:#f3f3f3} td:first-child,th:first-child{text-align:left} img{max-width:100%;border:1px solid #eee}
.kpi{display:inline-block;margin:.3em 1.2em .3em 0} .kpi b{font-size:1.5em;display:block} .muted{color:#777;font-size:.9em}
"""


def write_report(ctx) -> list[str]:
    """Write the network map, each stage's section and ``report.html``; return the files written.

    The page is the header and key numbers, the network map, then the ``report`` section of every
    stage in pipeline order, the products table and the stage timings.
    """
    L, run, res = ctx.landscape, ctx.run, ctx.results
    grid = L.grid
    src = res["sources"].table
    corridors = res["corridors"]["corridors"]
    from econet.network import node_table

    nodes = node_table(res["network"]["graph"])
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
    written = ["report.html", "map_network.png"]
    sections = []
    products: dict[str, str] = {}
    for stage in ctx.stages:
        if stage.name not in res:  # skipped: the study did not ask for it
            continue
        products.update(stage.products)
        if stage.report is not None:
            part, figures = stage.report(ctx, res[stage.name])
            sections.append(part)
            written.extend(figures)
    products["manifest.json"] = "inputs with checksums, resolved study, versions, stage timings"

    summary = res["network"]["summary"]
    conn = res["connectivity"]["overall"]
    stages = pd.DataFrame(
        [
            {"stage": k, "seconds": v.get("seconds", 0.0), "reused": bool(v.get("cached"))}
            for k, v in run.manifest.get("stages", {}).items()
        ]
    )
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>econet – {html.escape(ctx.study.study.name)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(ctx.study.study.name)}</h1>",
        f"<p class='muted'>econet {__version__} · grid {grid.width} x {grid.height} cells at {grid.cell_size_m:g} m · "
        f"{grid.area_km2:,.1f} km² · {html.escape(grid.crs.to_string())}</p>",
        "<div>",
        kpi("ecological sources", len(src)),
        kpi("corridors", len(corridors)),
        kpi("components", summary["components"]),
        kpi("ECA (km²)", f"{conn['ECA_km2']:.1f}"),
        kpi("average degree", f"{summary['average_degree']:.2f}"),
        "</div>",
        "<h2>Ecological network</h2><img src='map_network.png' alt='network map'>",
        *sections,
        "<h2>Products</h2><table><tr><th>file</th><th>content</th></tr>",
        *[
            f"<tr><td><a href='{html.escape(k)}'>{html.escape(k)}</a></td><td style='text-align:left'>{html.escape(v)}</td></tr>"
            for k, v in products.items()
        ],
        "</table>",
        "<h2>Run</h2>",
        html_table(stages, "{:.2f}"),
        "</body></html>",
    ]
    write_text(run.product("report.html"), "\n".join(parts))
    return written
