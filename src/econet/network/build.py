"""EcoNetwork: sources as nodes, corridors as undirected edges, attributes carried over
(docs/methods/network.md; the Xuzhou SEEC preprint, §4.1.3, imported the corridors' ID1/ID2
into Gephi the same way)."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from econet.errors import EconetError


def build_network(sources: gpd.GeoDataFrame, corridors: gpd.GeoDataFrame) -> nx.Graph:
    """Nodes keyed by source id with their table attributes and a point inside the patch
    (x, y, in the CRS of ``sources``); edges keyed by (from_id, to_id) with the corridor
    attributes (the corridor's own id as ``corridor_id``). Of two corridors joining the same
    pair, the one of lower ``cost`` is kept. ``graph.graph["crs"]`` holds the CRS."""
    for col, table, name in (
        ("id", sources, "sources"),
        ("from_id", corridors, "corridors"),
        ("to_id", corridors, "corridors"),
    ):
        if col not in table:
            raise EconetError(f"the {name} table has no {col!r} column; it needs one to build the network")
    ids = set(sources["id"].astype(int))
    unknown = sorted((set(corridors["from_id"].astype(int)) | set(corridors["to_id"].astype(int))) - ids)
    if unknown:
        raise EconetError(f"corridors join sources {unknown[:10]} that are not in the sources table")
    g = nx.Graph(crs=sources.crs.to_string() if sources.crs is not None else "")
    inside = sources.geometry.representative_point()
    for row, pt in zip(sources.drop(columns="geometry").to_dict("records"), inside):
        g.add_node(int(row["id"]), **_plain(row), x=float(pt.x), y=float(pt.y))
    table = corridors.drop(columns="geometry", errors="ignore")
    if "cost" in table:
        table = table.sort_values("cost", ascending=False, kind="stable")  # the cheapest is added last
    for row in table.to_dict("records"):
        attrs = _plain(row)
        if "id" in attrs:
            attrs["corridor_id"] = attrs.pop("id")
        u, v = int(row["from_id"]), int(row["to_id"])
        if u != v:
            g.add_edge(u, v, **attrs)
    return g


@dataclass
class EcoNetwork:
    """The network with its map: ``graph`` (networkx), ``sources`` (patch polygons) and
    ``corridors`` (lines), one row per node and per edge, joined by ``id`` and (from_id, to_id)."""

    graph: nx.Graph
    sources: gpd.GeoDataFrame
    corridors: gpd.GeoDataFrame

    @classmethod
    def from_tables(cls, sources: gpd.GeoDataFrame, corridors: gpd.GeoDataFrame) -> EcoNetwork:
        return cls(build_network(sources, corridors), sources, corridors)

    def node_table(self) -> pd.DataFrame:
        return node_table(self.graph)

    def edge_table(self) -> pd.DataFrame:
        return edge_table(self.graph)

    def node_points(self) -> gpd.GeoDataFrame:
        """Node attributes (with any metrics set on the graph) on their points."""
        t = self.node_table()
        return gpd.GeoDataFrame(t, geometry=gpd.points_from_xy(t["x"], t["y"]), crs=self.sources.crs)

    def node_patches(self) -> gpd.GeoDataFrame:
        """Node attributes (with any metrics set on the graph) on the source polygons."""
        t = self.node_table()
        if t.empty:  # no sources: nothing to join (an empty table's ids have no integer type)
            return self.sources.copy()
        extra = [c for c in t.columns if c not in self.sources.columns or c == "id"]
        return self.sources.merge(t[extra], on="id", how="left")

    def edge_lines(self) -> gpd.GeoDataFrame:
        """Edge attributes (with any metrics set on the graph) on the corridor lines."""
        t = self.edge_table()
        t["_k"] = [(min(a, b), max(a, b)) for a, b in zip(t["source"], t["target"])]
        t = t.drop(columns=[c for c in ("source", "target", "from_id", "to_id") if c in t])
        lines = self.corridors
        if "cost" in lines:  # the corridor build_network kept for a pair
            lines = lines.sort_values("cost", kind="stable")
        lines = lines[["from_id", "to_id", "geometry"]].copy()
        lines["_k"] = [(min(int(a), int(b)), max(int(a), int(b))) for a, b in zip(lines["from_id"], lines["to_id"])]
        lines = lines.drop_duplicates("_k")
        return lines.merge(t, on="_k", how="inner").drop(columns="_k")


def set_node_metrics(g: nx.Graph, metrics: pd.DataFrame) -> None:
    """Write the columns of ``metrics`` (one row per node, column ``id``) onto the nodes."""
    records = metrics.set_index("id").to_dict("index")
    nx.set_node_attributes(g, {k: _plain(v) for k, v in records.items()})


def node_table(g: nx.Graph) -> pd.DataFrame:
    """One row per node (column ``id``, then its attributes); no rows, but the column, without nodes."""
    return pd.DataFrame([{"id": n, **d} for n, d in g.nodes(data=True)], columns=None if len(g) else ["id", "x", "y"])


def edge_table(g: nx.Graph) -> pd.DataFrame:
    """One row per edge (``source``, ``target``, then its attributes); the two columns even without edges."""
    rows = [{"source": u, "target": v, **d} for u, v, d in g.edges(data=True)]
    return pd.DataFrame(rows, columns=None if rows else ["source", "target"])


def _plain(row: dict) -> dict:
    """Attributes GraphML and GEXF can hold: Python scalars, no None or NaN."""
    out = {}
    for k, v in row.items():
        if v is None or (isinstance(v, (float, np.floating)) and v != v):
            continue
        out[k] = v.item() if hasattr(v, "item") else v
    return out
