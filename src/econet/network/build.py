"""EcoNetwork: sources as nodes, corridors as undirected edges, attributes carried over."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import pandas as pd


def build_network(sources: gpd.GeoDataFrame, corridors: gpd.GeoDataFrame) -> nx.Graph:
    """Nodes keyed by source id with their table attributes and a point inside the patch
    (x, y); edges keyed by (from_id, to_id) with the corridor attributes."""
    g = nx.Graph()
    inside = sources.geometry.representative_point()
    for row, pt in zip(sources.drop(columns="geometry").to_dict("records"), inside):
        g.add_node(int(row["id"]), **_plain(row), x=float(pt.x), y=float(pt.y))
    for row in corridors.drop(columns="geometry").to_dict("records"):
        attrs = _plain(row)
        attrs["corridor_id"] = attrs.pop("id")
        g.add_edge(int(row["from_id"]), int(row["to_id"]), **attrs)
    return g


def node_table(g: nx.Graph) -> pd.DataFrame:
    return pd.DataFrame([{"id": n, **d} for n, d in g.nodes(data=True)])


def edge_table(g: nx.Graph) -> pd.DataFrame:
    return pd.DataFrame([{"source": u, "target": v, **d} for u, v, d in g.edges(data=True)])


def _plain(row: dict) -> dict:
    """Attributes GraphML can hold: Python scalars, no None."""
    out = {}
    for k, v in row.items():
        if v is None or (isinstance(v, float) and v != v):
            continue
        out[k] = v.item() if hasattr(v, "item") else v
    return out
