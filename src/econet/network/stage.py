"""Pipeline stages of the network package: topology and robustness."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from econet.io import atomic_path, write_csv, write_vector
from econet.network.build import build_network, edge_table, node_table
from econet.network.robustness import attack_curves
from econet.network.topology import network_summary, node_metrics
from econet.report.tables import html_table, section
from econet.stage import Context, Stage, no_layers


def _network(ctx: Context):
    src = ctx.results["sources"].table.merge(ctx.results["connectivity"]["nodes"], on="id")
    g = build_network(src, ctx.results["corridors"]["corridors"])
    metrics = node_metrics(g)
    nx.set_node_attributes(g, metrics.set_index("id").to_dict("index"))
    return {"graph": g, "summary": network_summary(g)}


def _write_network(ctx: Context, res) -> list[str]:
    g = res["graph"]
    nodes = node_table(g)
    write_csv(ctx.run.product("network_nodes.csv"), nodes)
    write_csv(ctx.run.product("network_edges.csv"), edge_table(g))
    write_csv(ctx.run.product("network_summary.csv"), pd.DataFrame([res["summary"]]))
    points = gpd.GeoDataFrame(nodes, geometry=gpd.points_from_xy(nodes["x"], nodes["y"]), crs=ctx.landscape.grid.crs)
    write_vector(ctx.run.product("network.gpkg"), {"nodes": points, "edges": ctx.results["corridors"]["corridors"]})
    with atomic_path(ctx.run.product("network.graphml")) as tmp:
        nx.write_graphml(g, tmp)
    return ["network_nodes.csv", "network_edges.csv", "network_summary.csv", "network.gpkg", "network.graphml"]


def _report_network(ctx: Context, res) -> tuple[str, list[str]]:
    return section("Network topology", html_table(pd.DataFrame([res["summary"]]))), []


def _robustness(ctx: Context):
    cfg = ctx.study.robustness
    return attack_curves(
        ctx.results["network"]["graph"], cfg.random_repeats, cfg.seed, cfg.targeted_by, cfg.recalculate
    )


def _write_robustness(ctx: Context, curves) -> list[str]:
    from econet.report.figures import robustness_figure

    write_csv(ctx.run.product("robustness.csv"), curves)
    robustness_figure(curves, ctx.run.product("robustness.png"))
    return ["robustness.csv", "robustness.png"]


def _report_robustness(ctx: Context, curves) -> tuple[str, list[str]]:
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
    html = section(
        "Robustness",
        "<img src='robustness.png' alt='robustness curves'>",
        "<p>Area under each curve (higher = more robust):</p>",
        html_table(auc),
    )
    return html, []


NETWORK_STAGE = Stage(
    "network",
    "Network topology",
    ("sources", "corridors", "connectivity"),
    (),
    no_layers,
    _network,
    _write_network,
    _report_network,
    {
        "network.graphml": "the network for Gephi / networkx (coordinates in x, y)",
        "network.gpkg": "network nodes (points) and edges (lines)",
        "network_nodes.csv": "node attributes and topology metrics",
        "network_edges.csv": "edge attributes",
        "network_summary.csv": "network-level metrics",
    },
)

ROBUSTNESS_STAGE = Stage(
    "robustness",
    "Robustness",
    ("network",),
    ("robustness",),
    no_layers,
    _robustness,
    _write_robustness,
    _report_robustness,
    {
        "robustness.csv": "robustness curves (R, S) per attack strategy",
        "robustness.png": "robustness curves figure",
    },
)

__all__ = ["NETWORK_STAGE", "ROBUSTNESS_STAGE"]
