"""Pipeline stages of the network package: topology, communities, correlations and robustness."""

from __future__ import annotations

import pandas as pd

from econet.errors import EconetError
from econet.io import write_csv, write_vector
from econet.network.build import EcoNetwork, set_node_metrics
from econet.network.correlation import correlation_matrix, correlations, indicator_columns
from econet.network.export import write_gexf, write_graphml
from econet.network.robustness import attack_curves, curve_summary
from econet.network.topology import topology
from econet.report.tables import html_table, section
from econet.stage import Context, Stage, no_layers

# Left out of the default correlation set: codes, coordinates, and exact rescalings of another column.
_NOT_CORRELATED = (
    "dominant_class",
    "area_ha",
    "degree",
    "betweenness_norm",
    "closeness_gephi",
    "x",
    "y",
    "centroid_x",
    "centroid_y",
    "inside_x",
    "inside_y",
)


def _network(ctx: Context):
    cfg = ctx.study.network
    src = ctx.results["sources"].table.merge(ctx.results["connectivity"]["nodes"], on="id")
    indicators = ctx.results.get("indicators")
    if indicators is not None:  # seed 000 correlates carbon sink and RSEI with the topology
        src = src.merge(indicators["tables"]["indicators_sources"], on="id", how="left")
    corridors = ctx.results["corridors"]["corridors"]
    if cfg.weight is not None and len(corridors) and cfg.weight not in corridors:
        numeric = [c for c in corridors.columns if c != "geometry" and pd.api.types.is_numeric_dtype(corridors[c])]
        raise EconetError(f"[network] weight = {cfg.weight!r} is not a corridor attribute; use one of {numeric}")
    net = EcoNetwork.from_tables(src, corridors)
    g = net.graph
    metrics, summary = topology(g, cfg.weight, seed=cfg.community_seed, resolution=cfg.community_resolution)
    set_node_metrics(g, metrics)
    nodes = net.node_table()
    columns = [c for c in indicator_columns(nodes) if c not in _NOT_CORRELATED]
    by = cfg.correlation_by if cfg.correlation_by in nodes else None
    r, p, _ = correlation_matrix(nodes, columns, cfg.correlation)
    panels_r, panels_p = {"all sources": r}, {"all sources": p}
    if by is not None:
        for key, part in nodes.groupby(by, sort=True):
            if len(part) >= 3:
                panels_r[str(key)], panels_p[str(key)] = correlation_matrix(part, columns, cfg.correlation)[:2]
    return {
        "graph": g,
        "summary": summary,
        "network": net,
        "correlations": correlations(nodes, columns, cfg.correlation, by),
        "correlation_r": panels_r,
        "correlation_p": panels_p,
    }


def _write_network(ctx: Context, res) -> list[str]:
    net = res["network"]
    write_csv(ctx.run.product("network_nodes.csv"), net.node_table())
    write_csv(ctx.run.product("network_edges.csv"), net.edge_table())
    write_csv(ctx.run.product("network_summary.csv"), pd.DataFrame([res["summary"]]))
    write_csv(ctx.run.product("network_correlations.csv"), res["correlations"])
    write_vector(ctx.run.product("network.gpkg"), {"nodes": net.node_points(), "edges": net.edge_lines()})
    write_graphml(net.graph, ctx.run.product("network.graphml"))
    write_gexf(net.graph, ctx.run.product("network.gexf"))
    return [
        "network_nodes.csv",
        "network_edges.csv",
        "network_summary.csv",
        "network_correlations.csv",
        "network.gpkg",
        "network.graphml",
        "network.gexf",
    ]


def _report_network(ctx: Context, res) -> tuple[str, list[str]]:
    from econet.network.figures import correlation_heatmap

    figures, parts = [], [html_table(pd.DataFrame([res["summary"]]), "{:.4g}")]
    top = res["network"].node_table()
    keep = [
        c for c in ("id", "source_type", "degree", "betweenness", "closeness", "eigenvector", "community") if c in top
    ]
    parts += [
        "<h3>Most central sources (raw betweenness, as Gephi)</h3>",
        html_table(top.nlargest(10, "betweenness")[keep]),
    ]
    r = res["correlation_r"]
    if len(r["all sources"]) > 1:
        method = ctx.study.network.correlation.capitalize()
        correlation_heatmap(
            r, res["correlation_p"], ctx.run.product("network_correlations.png"), f"{method} r between node indicators"
        )
        figures.append("network_correlations.png")
        parts += [f"<h3>{method} correlations</h3>", "<img src='network_correlations.png' alt='correlation heatmap'>"]
    return section("Network topology", *parts), figures


def _robustness(ctx: Context):
    cfg = ctx.study.robustness
    g = ctx.results["network"]["graph"]
    attack = dict(repeats=cfg.random_repeats, seed=cfg.seed, by=cfg.targeted_by, recalculate=cfg.recalculate)
    nodes = attack_curves(g, **attack, recovery=cfg.recovery)
    edges = attack_curves(g, **{**attack, "by": "betweenness"}, element="edge") if cfg.edge_attacks else None
    summary = curve_summary(nodes)
    if edges is not None and len(edges) > 2:
        summary = pd.concat([summary, curve_summary(edges, ("S",))], ignore_index=True)
    # "nodes" keeps the name the report and older runs use
    return {"nodes": nodes, "edges": edges, "summary": summary}


def _write_robustness(ctx: Context, res) -> list[str]:
    from econet.network.figures import robustness_figure

    write_csv(ctx.run.product("robustness.csv"), res["nodes"])
    write_csv(ctx.run.product("robustness_summary.csv"), res["summary"])
    robustness_figure(res["nodes"], ctx.run.product("robustness.png"), ("D", "E", "R", "S"))
    out = ["robustness.csv", "robustness_summary.csv", "robustness.png"]
    if res["edges"] is not None:
        write_csv(ctx.run.product("robustness_edges.csv"), res["edges"])
        robustness_figure(res["edges"], ctx.run.product("robustness_edges.png"), ("S",))
        out += ["robustness_edges.csv", "robustness_edges.png"]
    return out


def _report_robustness(ctx: Context, res) -> tuple[str, list[str]]:
    cfg = ctx.study.robustness
    html = section(
        "Robustness",
        f"<p>Node attacks: random ({cfg.random_repeats} repetitions, seed {cfg.seed}; mean ± 1 sd) and by "
        f"{cfg.targeted_by} ({'recalculated after each removal' if cfg.recalculate else 'ranked once'}). "
        f"Removed nodes count as recovered in D and E by the '{cfg.recovery}' rule.</p>",
        "<img src='robustness.png' alt='robustness curves'>",
        *(["<img src='robustness_edges.png' alt='edge attack curves'>"] if res["edges"] is not None else []),
        "<p>Area under each curve, line fitted against the removed fraction (slope, R²), and the first "
        "removal at which the metric falls below 1 and below 0.1:</p>",
        html_table(res["summary"], "{:.3g}"),
    )
    return html, []


NETWORK_STAGE = Stage(
    "network",
    "Network topology",
    ("sources", "corridors", "connectivity", "indicators"),
    ("network",),
    no_layers,
    _network,
    _write_network,
    _report_network,
    {
        "network.graphml": "the network for Gephi / networkx (coordinates in x, y)",
        "network.gexf": "the network for Gephi, laid out as on the map (viz:position)",
        "network.gpkg": "network nodes (points) and edges (lines) with their metrics",
        "network_nodes.csv": "node attributes and topology metrics",
        "network_edges.csv": "edge attributes",
        "network_summary.csv": "network-level metrics",
        "network_correlations.csv": "correlations between node indicators (r, p, n, marks), overall and per type",
        "network_correlations.png": "correlation heatmap",
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
        "robustness.csv": "node attack curves (R, S, D, E) per strategy",
        "robustness_edges.csv": "edge attack curves (S) per strategy",
        "robustness_summary.csv": "area, slope, R² and thresholds of each curve",
        "robustness.png": "node attack curves",
        "robustness_edges.png": "edge attack curves",
    },
)

__all__ = ["NETWORK_STAGE", "ROBUSTNESS_STAGE"]
