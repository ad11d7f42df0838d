"""Pipeline stage of the circuit package: pinch points, barriers and corridor centrality.

Runs only when the study has a ``[circuit]`` section. It reads the corridors stage's per-source
searches; the pinch-point corridors need them made with a margin >= ``corridor_width_cwd``,
otherwise pinchpoints makes its own (bounded at that margin).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from econet.circuit.linkage import barriers, centrality, classify_top, pinchpoints, top_class_polygons
from econet.io import write_csv, write_raster, write_vector
from econet.report.tables import html_table, section
from econet.stage import Context, Stage, landcover_layers


def _circuit(ctx: Context):
    cfg = ctx.study.circuit
    grid = ctx.landscape.grid
    surface = ctx.results["resistance"].surface
    labels = ctx.results["sources"].labels
    table = ctx.results["corridors"]["corridors"]
    pairs = [(int(a), int(b)) for a, b in zip(table["from_id"], table["to_id"])]
    landcover = ctx.landscape.landcover()
    out: dict = {"pairs": pairs}
    if not pairs:
        return out
    searches = ctx.results["corridors"].get("searches")
    cutoff = cfg.corridor_width_cwd
    wide = searches is not None and all(s.margin >= cutoff for s in searches.values())
    pin = pinchpoints(
        surface,
        labels,
        grid.cell_size_m,
        pairs,
        cutoff,
        mode=cfg.pinchpoint_mode,
        four_neighbours=cfg.four_neighbours,
        average_resistance=cfg.average_resistance,
        method=cfg.solver,
        searches=searches if wide else None,
    )
    current = np.where(pin.corridors, pin.current, np.nan)
    top = classify_top(np.where(pin.corridors, pin.current, 0.0), cfg.classes)
    out.update(current=current.astype(np.float32), reff=pin.resistance)
    out["pinchpoints"] = top_class_polygons(top, grid, landcover=landcover, values=pin.current)
    if cfg.barrier_radii_m:
        bar = barriers(
            surface, labels, grid.cell_size_m, pairs, list(cfg.barrier_radii_m), cfg.barrier_combine, searches=searches
        )
        out["barrier_score"] = bar.per_unit.astype(np.float32)
        out["barrier_percent"] = bar.percent.astype(np.float32)
        out["barriers"] = top_class_polygons(
            classify_top(bar.per_unit, cfg.classes), grid, landcover=landcover, values=bar.per_unit
        )
    cen = centrality(pairs, np.asarray(table["cost"], dtype=np.float64), method=cfg.solver)
    out["centrality_edges"] = pd.DataFrame(
        {
            "from_id": [a for a, _ in pairs],
            "to_id": [b for _, b in pairs],
            "cost": np.asarray(table["cost"], dtype=np.float64),
            "effective_resistance": [pin.resistance.get(p, -1.0) for p in pairs],
            "current_flow_centrality": cen.edge_current,
        }
    )
    out["centrality_nodes"] = pd.DataFrame({"id": cen.nodes, "current_flow_centrality": cen.node_current})
    return out


def _write(ctx: Context, res) -> list[str]:
    grid = ctx.landscape.grid
    written = []
    if "current" not in res:
        return written
    write_raster(
        ctx.run.product("pinchpoint_current.tif"),
        res["current"],
        grid,
        nodata=float("nan"),
        description="current inside the corridors (A, 1 A per corridor pair)",
    )
    write_vector(ctx.run.product("pinchpoints.gpkg"), {"pinchpoints": res["pinchpoints"]})
    written += ["pinchpoint_current.tif", "pinchpoints.gpkg"]
    if "barrier_score" in res:
        write_raster(
            ctx.run.product("barrier_score.tif"),
            res["barrier_score"],
            grid,
            description="least-cost reduction per metre restored (Barrier Mapper)",
        )
        write_raster(
            ctx.run.product("barrier_percent.tif"),
            res["barrier_percent"],
            grid,
            description="least-cost reduction as a percent of the corridor's cost",
        )
        write_vector(ctx.run.product("barriers.gpkg"), {"barriers": res["barriers"]})
        written += ["barrier_score.tif", "barrier_percent.tif", "barriers.gpkg"]
    write_csv(ctx.run.product("centrality_edges.csv"), res["centrality_edges"])
    write_csv(ctx.run.product("centrality_nodes.csv"), res["centrality_nodes"])
    return written + ["centrality_edges.csv", "centrality_nodes.csv"]


def _report(ctx: Context, res) -> tuple[str, list[str]]:
    rows = {"corridor pairs": len(res["pairs"])}
    if "pinchpoints" in res:
        rows["pinch-point patches"] = len(res["pinchpoints"])
        rows["pinch-point area (ha)"] = float(res["pinchpoints"]["area_ha"].sum()) if len(res["pinchpoints"]) else 0.0
    if "barriers" in res:
        rows["barrier patches"] = len(res["barriers"])
        rows["barrier area (ha)"] = float(res["barriers"]["area_ha"].sum()) if len(res["barriers"]) else 0.0
    return section("Circuit theory: pinch points, barriers, centrality", html_table(pd.DataFrame([rows]))), []


CIRCUIT_STAGE = Stage(
    "circuit",
    "Pinch points, barriers, centrality",
    ("sources", "resistance", "corridors"),
    ("circuit",),
    landcover_layers,
    _circuit,
    _write,
    _report,
    {
        "pinchpoint_current.tif": "current in the least-cost corridors cut at corridor_width_cwd (Pinchpoint Mapper)",
        "pinchpoints.gpkg": "top natural-breaks class of current: patches with area_ha and majority landcover",
        "barrier_score.tif": "Barrier Mapper improvement score per metre restored (max over radii and pairs)",
        "barrier_percent.tif": "Barrier Mapper percent reduction of the least cost",
        "barriers.gpkg": "top natural-breaks class of the barrier score: patches with area_ha and landcover",
        "centrality_edges.csv": "per corridor: cost, effective resistance, current-flow centrality",
        "centrality_nodes.csv": "per source: current-flow centrality (Centrality Mapper)",
    },
    enabled=lambda study: study.circuit is not None,
)

__all__ = ["CIRCUIT_STAGE"]
