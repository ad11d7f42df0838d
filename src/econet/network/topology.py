"""Node and network topology metrics (seed 000 §3.3 with Gephi; seed 004 §2.2.3)."""

from __future__ import annotations

import networkx as nx
import pandas as pd


def node_metrics(g: nx.Graph) -> pd.DataFrame:
    """Per node: degree, degree centrality, betweenness (raw shortest-path counts as Gephi
    reports them, and normalised as NetworkX), closeness on hop counts (per component,
    Wasserman-Faust scaled as NetworkX)."""
    n = g.number_of_nodes()
    raw = nx.betweenness_centrality(g, normalized=False)
    norm = nx.betweenness_centrality(g, normalized=True)
    close = nx.closeness_centrality(g)
    dc = nx.degree_centrality(g) if n > 1 else {v: 0.0 for v in g}
    return pd.DataFrame(
        {
            "id": list(g.nodes),
            "degree": [g.degree(v) for v in g],
            "degree_centrality": [dc[v] for v in g],
            "betweenness": [raw[v] for v in g],
            "betweenness_norm": [norm[v] for v in g],
            "closeness": [close[v] for v in g],
        }
    )


def network_summary(g: nx.Graph) -> dict:
    """Nodes, edges, density, components, largest component and its average path length
    (hops) and diameter."""
    n, m = g.number_of_nodes(), g.number_of_edges()
    comps = sorted(nx.connected_components(g), key=len, reverse=True) if n else []
    giant = g.subgraph(comps[0]) if comps else g
    big = giant.number_of_nodes() > 1
    return {
        "nodes": n,
        "edges": m,
        "density": nx.density(g) if n > 1 else 0.0,
        "components": len(comps),
        "isolated_nodes": sum(1 for c in comps if len(c) == 1),
        "largest_component_nodes": giant.number_of_nodes(),
        "average_degree": 2 * m / n if n else 0.0,
        "average_path_length_hops": nx.average_shortest_path_length(giant) if big else 0.0,
        "diameter_hops": nx.diameter(giant) if big else 0,
    }
