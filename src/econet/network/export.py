"""Network files for Gephi, Cytoscape and networkx: GEXF with node positions and GraphML.

Gephi reads a GEXF node's ``viz:position`` as its place on the canvas, and a GraphML node's
``x``/``y`` attributes likewise, so the network opens laid out as on the map (the Xuzhou
SEEC preprint, §4.1.3, drew its network in Gephi). GEXF positions are the map coordinates
shifted to the network's lower-left corner and scaled so the wider side spans 1000 canvas units
(Gephi's default node size is 10 units); the exact coordinates, in the CRS named by the graph
attribute ``crs``, stay in the node attributes ``x`` and ``y`` of both files.

The GEXF also carries what Gephi draws without a layout step: ``viz:color`` by source type (the
report maps' colours, econet.cartography), ``viz:size`` by patch area (node area in proportion
to patch area: size = 40 * sqrt(area / the largest area), at least 4 units) and each edge's
``weight``, the corridor's gravity G (Feng et al. 2024; interaction strength, so thicker edges
are stronger links) where every edge has a positive one, else 1 / cost, else 1.
"""

from __future__ import annotations

import math
import re

import networkx as nx

from econet.cartography import SOURCE_COLOURS
from econet.io import atomic_path

CANVAS_UNITS = 1000.0
MAX_SIZE, MIN_SIZE = 40.0, 4.0  # viz:size of the largest and of the smallest patches (canvas units)


def node_viz(g: nx.Graph) -> dict:
    """Gephi's ``viz`` of each node: position (map coordinates on the canvas), colour by
    ``source_type`` and size by ``area_km2`` (see the module notes)."""
    xs = [d["x"] for _, d in g.nodes(data=True) if "x" in d]
    ys = [d["y"] for _, d in g.nodes(data=True) if "y" in d]
    x0, y0 = (min(xs), min(ys)) if xs else (0.0, 0.0)
    span = (max(max(xs) - x0, max(ys) - y0) if xs else 0.0) or 1.0
    areas = [d["area_km2"] for _, d in g.nodes(data=True) if _positive(d.get("area_km2"))]
    largest = max(areas, default=0.0)
    out = {}
    for v, d in g.nodes(data=True):
        viz = {}
        if "x" in d and "y" in d:
            scale = CANVAS_UNITS / span
            viz["position"] = {"x": (d["x"] - x0) * scale, "y": (d["y"] - y0) * scale, "z": 0.0}
        colour = SOURCE_COLOURS.get(d.get("source_type"), SOURCE_COLOURS[None]).lstrip("#")
        viz["color"] = {"r": int(colour[0:2], 16), "g": int(colour[2:4], 16), "b": int(colour[4:6], 16), "a": 1.0}
        if largest > 0:
            a = d.get("area_km2")
            viz["size"] = max(MIN_SIZE, MAX_SIZE * math.sqrt(a / largest)) if _positive(a) else MIN_SIZE
        out[v] = viz
    return out


def edge_weights(g: nx.Graph) -> dict:
    """Each edge's Gephi weight: gravity G where every edge has a positive one, else 1 / cost
    where every edge has a positive cost, else 1."""
    edges = list(g.edges(data=True))
    for key, f in (("gravity", lambda x: x), ("cost", lambda x: 1.0 / x)):
        if edges and all(_positive(d.get(key)) for _, _, d in edges):
            return {(u, v): float(f(d[key])) for u, v, d in edges}
    return {(u, v): 1.0 for u, v, _ in edges}


def _positive(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) and x > 0


def write_gexf(g: nx.Graph, path) -> None:
    """The network as GEXF 1.2 for Gephi: node attributes, ``viz`` position, colour and size,
    edge attributes and weights (see the module notes)."""
    h = _plain_copy(g)
    for v, viz in node_viz(h).items():
        h.nodes[v]["viz"] = viz
    for (u, v), w in edge_weights(h).items():
        h.edges[u, v]["weight"] = w
    for v, d in h.nodes(data=True):
        d.setdefault("label", str(v))
    # networkx stamps today's date into <meta>; drop it so the same network gives the same file
    body = re.sub(r'<meta lastmodifieddate="[^"]*">', "<meta>", "\n".join(nx.generate_gexf(h)))
    with atomic_path(path) as tmp:
        tmp.write_text("<?xml version='1.0' encoding='utf-8'?>\n" + body + "\n", encoding="utf-8")


def write_graphml(g: nx.Graph, path) -> None:
    with atomic_path(path) as tmp:
        nx.write_graphml(_plain_copy(g), tmp)


def _plain_copy(g: nx.Graph) -> nx.Graph:
    """A copy whose attributes are str, int, float or bool (what both formats hold)."""
    h = nx.Graph()
    h.graph.update({k: v for k, v in g.graph.items() if isinstance(v, (str, int, float, bool))})
    ok = (str, int, float, bool)
    h.add_nodes_from((v, {k: x for k, x in d.items() if isinstance(x, ok)}) for v, d in g.nodes(data=True))
    h.add_edges_from((u, v, {k: x for k, x in d.items() if isinstance(x, ok)}) for u, v, d in g.edges(data=True))
    return h
