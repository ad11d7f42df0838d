"""The network stage: topology, communities and correlations of the sources and corridors."""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd

from econet.connectivity.summary import Connectivity
from econet.corridors.network import Corridors
from econet.habitat.sources import Sources
from econet.indicators.compute import IndicatorSummaries
from econet.io import write_csv, write_vector
from econet.network.analysis import NetworkAnalysis, analyse_network
from econet.network.export import write_gexf, write_graphml
from econet.report import ReportSection
from econet.report.tables import html_record, html_table
from econet.stages.base import Context, Stage


def compute(
    ctx: Context,
    sources: Sources,
    corridors: Corridors,
    connectivity: Connectivity,
    summaries: IndicatorSummaries | None = None,
) -> NetworkAnalysis:
    cfg = ctx.study.network
    table = sources.table.merge(connectivity.nodes, on="id")
    if summaries is not None:  # carbon sink, RSEI... correlate with the topology
        table = table.merge(summaries.sources, on="id", how="left")
    return analyse_network(
        table,
        corridors.paths,
        weight=cfg.weight,
        community_seed=cfg.community_seed,
        community_resolution=cfg.community_resolution,
        correlation=cfg.correlation,
        correlation_by=cfg.correlation_by,
    )


def write(ctx: Context, res: NetworkAnalysis) -> list[str]:
    net = res.network
    write_csv(ctx.run.product("network_nodes.csv"), net.node_table())
    write_csv(ctx.run.product("network_edges.csv"), net.edge_table())
    write_csv(ctx.run.product("network_summary.csv"), pd.DataFrame([res.summary]))
    write_csv(ctx.run.product("network_correlations.csv"), res.correlations)
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


def report(ctx: Context, res: NetworkAnalysis) -> ReportSection:
    from econet.network.figures import correlation_heatmap
    from econet.report.maps import community_map, levels_map, network_map

    study, L, net = ctx.study, ctx.landscape, res.network
    nodes = net.node_table()
    context = {key: L.vector(name) for key in ("roads", "mines") if (name := getattr(study.corridors, key))}
    network_map(
        L.grid,
        L.landcover(),
        L.classes,
        net.sources,
        net.corridors,
        nodes,
        ctx.run.product("map_network.png"),
        title=f"{study.study.name}: sources and least-cost corridors",
        **context,
    )
    figures = ["map_network.png"]
    patches = net.node_patches()
    if "dPC" in patches and len(patches):
        levels_map(
            L.grid,
            L.landcover(),
            L.classes,
            patches,
            "dPC",
            ctx.run.product("map_sources_dpc.png"),
            f"{study.study.name}: sources by importance to connectivity (dPC)",
            unit=" %",
        )
        figures.append("map_sources_dpc.png")
    if "community" in patches and len(patches):
        community_map(
            L.grid,
            L.landcover(),
            L.classes,
            patches,
            net.corridors,
            ctx.run.product("map_communities.png"),
            f"{study.study.name}: network communities",
        )
        figures.append("map_communities.png")
    keep = [
        c for c in ("id", "source_type", "degree", "betweenness", "closeness", "eigenvector", "community") if c in nodes
    ]
    parts = [
        *(
            [
                f"<p>{net.graph.number_of_nodes()} source(s) and no corridor: every source is its own component, "
                "the edge tables are empty and the attack curves only remove isolated sources.</p>"
                if net.graph.number_of_nodes()
                else "<p>No source: the network is empty, and so are its tables.</p>"
            ]
            if net.graph.number_of_edges() == 0
            else []
        ),
        html_record(res.summary),
    ]
    if len(nodes) and "betweenness" in nodes:
        parts += [
            "<h3>Most central sources (raw betweenness, as Gephi)</h3>",
            html_table(nodes.nlargest(10, "betweenness")[keep]),
        ]
    method = study.network.correlation.capitalize()
    drawn, left = [], []
    for group, r in res.correlation_r.items():
        off = r.to_numpy(float)[np.tril_indices(len(r), -1)]
        if len(r) < 2 or not np.isfinite(off).any():  # too few sources in the group to correlate
            left.append(str(group))
            continue
        name = "network_correlations.png" if group == "all sources" else f"network_correlations_{_slug(group)}.png"
        correlation_heatmap(
            r, res.correlation_p[group], ctx.run.product(name), f"{method} r between node indicators: {group}"
        )
        figures.append(name)
        drawn.append(f"<img src='{name}' alt='{html.escape(method)} correlations, {html.escape(str(group))}'>")
    if drawn:
        by = html.escape(str(study.network.correlation_by or "group"))
        note = f" Not drawn (too few sources to correlate): {html.escape(', '.join(left))}." if left else ""
        parts += [
            f"<h3>{method} correlations between node indicators</h3>",
            f"<p class='explain'>One figure per group of sources: all sources, then each {by}. The r of every "
            f"pair, its p-value and n are in network_correlations.csv.{note}</p>",
            *drawn,
        ]
    if "map_sources_dpc.png" in figures:
        parts += [
            "<h3>Sources by importance to connectivity</h3>",
            "<p>dPC (% of PC lost without the source), in five natural-breaks levels; level 5 is the most "
            "important.</p>",
            "<img src='map_sources_dpc.png' alt='sources by dPC level'>",
        ]
    if "map_communities.png" in figures:
        parts += ["<h3>Communities</h3>", "<img src='map_communities.png' alt='network communities'>"]
    headline = {"components": res.summary["components"], "average degree": f"{res.summary['average_degree']:.2f}"}
    return ReportSection("Ecological network", parts, figures, headline=headline, lead="map_network.png")


def _slug(text: str) -> str:
    """A group name as part of a file name: lower case, runs of other characters as one hyphen."""
    return re.sub(r"[^0-9a-z]+", "-", str(text).lower()).strip("-") or "group"


STAGE = Stage(
    name="network",
    title="Network topology",
    reads=("network",),
    consumes={
        "sources": ("table",),
        "corridors": ("paths",),
        "connectivity": ("nodes",),
        "summaries": ("sources",),
    },
    compute=compute,
    write=write,
    report=report,
    products={
        "network.graphml": "the network for Gephi / networkx (coordinates in x, y)",
        "network.gexf": "the network for Gephi: laid out as on the map, coloured by source type, sized by area, "
        "edges weighted by gravity",
        "network.gpkg": "network nodes (points) and edges (lines) with their metrics",
        "network_nodes.csv": "node attributes and topology metrics",
        "network_edges.csv": "edge attributes",
        "network_summary.csv": "network-level metrics",
        "network_correlations.csv": "correlations between node indicators (r, p, n, marks), overall and per type",
        "network_correlations.png": "correlation heatmap of the node indicators, all sources",
        "network_correlations_<group>.png": "correlation heatmap of one group of sources (source type)",
        "map_network.png": "sources and least-cost corridors on the land cover, nodes sized by degree",
        "map_sources_dpc.png": "sources in five natural-breaks levels of dPC",
        "map_communities.png": "sources coloured by network community",
    },
)
