"""Pipeline stage of the connectivity package."""

from __future__ import annotations

import pandas as pd

from econet.connectivity.pc import edge_distances, probability_of_connectivity
from econet.io import write_csv
from econet.report.tables import html_table, section
from econet.stage import Context, Stage, no_layers


def _connectivity(ctx: Context):
    cfg = ctx.study.connectivity
    table = ctx.results["sources"].table
    area_m2 = (cfg.landscape_area_km2 or ctx.landscape.grid.area_km2) * 1e6
    dist = edge_distances(table.geometry.to_numpy())
    overall, nodes = probability_of_connectivity(
        table["area_km2"].to_numpy() * 1e6, dist, cfg.distance_m, cfg.probability, area_m2
    )
    nodes.insert(0, "id", table["id"].to_numpy())
    overall = {
        "PC": overall["PC"],
        "ECA_km2": overall["ECA"] / 1e6,
        "distance_m": cfg.distance_m,
        "probability": cfg.probability,
        "landscape_area_km2": area_m2 / 1e6,
    }
    return {"overall": overall, "nodes": nodes}


def _write_connectivity(ctx: Context, res) -> list[str]:
    write_csv(ctx.run.product("connectivity_nodes.csv"), res["nodes"])
    write_csv(ctx.run.product("connectivity_overall.csv"), pd.DataFrame([res["overall"]]))
    return ["connectivity_nodes.csv", "connectivity_overall.csv"]


def _report_connectivity(ctx: Context, res) -> tuple[str, list[str]]:
    conn = res["overall"]
    src = ctx.results["sources"].table[["id", "source_type", "area_km2"]]
    top = src.merge(res["nodes"], on="id").sort_values("dPC", ascending=False).head(10)
    html = section(
        "Connectivity",
        f"<p>Probability of connectivity with p = {conn['probability']:g} at {conn['distance_m']:g} m, "
        f"edge-to-edge distances, A<sub>L</sub> = {conn['landscape_area_km2']:,.1f} km².</p>",
        html_table(pd.DataFrame([conn]), "{:.6g}"),
        "<h3>Most important sources (dPC)</h3>",
        html_table(top),
    )
    return html, []


CONNECTIVITY_STAGE = Stage(
    "connectivity",
    "Connectivity (PC, dPC)",
    ("sources",),
    ("connectivity",),
    no_layers,
    _connectivity,
    _write_connectivity,
    _report_connectivity,
    {
        "connectivity_nodes.csv": "dPC per source with its intra, flux and connector fractions",
        "connectivity_overall.csv": "PC and ECA for the whole network",
    },
)

__all__ = ["CONNECTIVITY_STAGE"]
