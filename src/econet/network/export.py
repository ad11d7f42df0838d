"""Network files for Gephi, Cytoscape and networkx: GEXF with node positions and GraphML.

Gephi reads a GEXF node's ``viz:position`` as its place on the canvas, and a GraphML node's
``x``/``y`` attributes likewise, so the network opens laid out as on the map (the Xuzhou
SEEC preprint, §4.1.3, drew its network in Gephi). GEXF positions are the map coordinates
shifted to the network's lower-left corner and scaled so the wider side spans 1000 canvas units
(Gephi's default node size is 10 units); the exact coordinates, in the CRS named by the graph
attribute ``crs``, stay in the node attributes ``x`` and ``y`` of both files.
"""

from __future__ import annotations

import re

import networkx as nx

from econet.io import atomic_path

CANVAS_UNITS = 1000.0


def write_gexf(g: nx.Graph, path) -> None:
    h = _plain_copy(g)
    xs = [d["x"] for _, d in h.nodes(data=True) if "x" in d]
    ys = [d["y"] for _, d in h.nodes(data=True) if "y" in d]
    if xs:
        x0, y0 = min(xs), min(ys)
        span = max(max(xs) - x0, max(ys) - y0) or 1.0
        for _, d in h.nodes(data=True):
            if "x" in d and "y" in d:
                scale = CANVAS_UNITS / span
                d["viz"] = {"position": {"x": (d["x"] - x0) * scale, "y": (d["y"] - y0) * scale, "z": 0.0}}
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
