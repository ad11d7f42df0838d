"""Correlations against scipy and by hand; EcoNetwork from tables; GEXF/GraphML round trips; figures."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from scipy import stats
from shapely.geometry import LineString, box

from econet.errors import EconetError
from econet.network import (
    EcoNetwork,
    compare_networks,
    correlation_matrix,
    correlations,
    node_metrics,
    set_node_metrics,
    significance_mark,
    write_gexf,
    write_graphml,
)
from econet.network.figures import correlation_heatmap, robustness_figure


def test_marks():
    assert [significance_mark(p) for p in (0.0009, 0.001, 0.009, 0.049, 0.05, np.nan)] == [
        "***",
        "**",
        "**",
        "*",
        "",
        "",
    ]


def test_correlations_equal_scipy_and_hand_cases():
    rng = np.random.default_rng(0)
    t = pd.DataFrame({"id": range(40), "a": rng.normal(size=40)})
    t["b"] = 2 * t["a"] + rng.normal(scale=0.5, size=40)
    t["c"] = np.exp(t["a"])  # monotone in a: Spearman 1, Pearson < 1
    t["type"] = ["forest", "wetland-water"] * 20
    t.loc[3, "b"] = np.nan  # pairwise deletion
    r, p, n = correlation_matrix(t, ["a", "b", "c"], "pearson")
    ok = t["b"].notna()
    ref = stats.pearsonr(t.loc[ok, "a"], t.loc[ok, "b"])
    assert np.isclose(r.loc["a", "b"], ref.statistic) and np.isclose(p.loc["a", "b"], ref.pvalue)
    assert n.loc["a", "b"] == 39 and n.loc["a", "c"] == 40 and r.loc["a", "a"] == 1
    rs, _, _ = correlation_matrix(t, ["a", "b", "c"], "spearman")
    assert np.isclose(rs.loc["a", "c"], 1) and r.loc["a", "c"] < 0.99
    assert np.allclose(rs.to_numpy(), t[["a", "b", "c"]].corr("spearman").to_numpy(), atol=0.02)
    long = correlations(t, ["a", "b", "c"], "spearman", by="type")
    assert set(long["group"]) == {"all", "forest", "wetland-water"} and len(long) == 9
    forest = t[t["type"] == "forest"]
    row = long[(long.group == "forest") & (long.x == "a") & (long.y == "c")].iloc[0]
    assert row["n"] == len(forest) and np.isclose(row["r"], 1) and row["mark"] == "***"
    # identifiers and constant columns are not indicators
    t["const"] = 1.0
    r_all, _, _ = correlation_matrix(t)
    assert list(r_all.columns) == ["a", "b", "c"]
    with pytest.raises(EconetError, match="method"):
        correlation_matrix(t, ["a"], "kendall")
    with pytest.raises(EconetError, match="nope"):
        correlation_matrix(t, ["a", "nope"])


def _tables():
    crs = "EPSG:32650"
    sources = gpd.GeoDataFrame(
        {
            "id": [1, 2, 3, 4],
            "source_type": ["forest", "forest", "wetland-water", None],
            "area_km2": [1.0, 2.0, 3.0, 4.0],
        },
        geometry=[
            box(0, 0, 100, 100),
            box(1000, 0, 1100, 100),
            box(1000, 1000, 1100, 1100),
            box(5000, 5000, 5100, 5100),
        ],
        crs=crs,
    )
    corridors = gpd.GeoDataFrame(
        {
            "id": [10, 11, 12, 13],
            "from_id": [1, 2, 1, 2],
            "to_id": [2, 3, 3, 1],
            "length_m": [900.0, 900.0, 1400.0, 950.0],
            "cost": [9.0, 9.0, 14.0, 20.0],
        },
        geometry=[
            LineString([(100, 50), (1000, 50)]),
            LineString([(1050, 100), (1050, 1000)]),
            LineString([(100, 100), (1000, 1000)]),
            LineString([(1000, 60), (100, 60)]),
        ],
        crs=crs,
    )
    return sources, corridors


def test_econetwork_from_tables_and_exports(tmp_path):
    sources, corridors = _tables()
    net = EcoNetwork.from_tables(sources, corridors)
    g = net.graph
    assert sorted(g.nodes) == [1, 2, 3, 4] and g.number_of_edges() == 3  # 2-1 twice: the cheaper kept
    assert g.edges[1, 2]["corridor_id"] == 10 and g.edges[1, 2]["cost"] == 9.0
    assert g.nodes[1]["source_type"] == "forest" and "source_type" not in g.nodes[4]  # None is left out
    assert np.isclose(g.nodes[1]["x"], 50) and g.graph["crs"].endswith("32650")
    set_node_metrics(g, node_metrics(g))
    patches = net.node_patches()
    assert patches.geom_type.eq("Polygon").all() and patches.set_index("id").loc[4, "degree"] == 0
    lines = net.edge_lines()
    assert len(lines) == 3 and set(lines["corridor_id"]) == {10, 11, 12}
    assert lines.set_index("corridor_id").loc[10, "geometry"].equals(corridors.geometry[0])
    pts = net.node_points()
    assert pts.crs == sources.crs and np.allclose(pts.geometry.x, [50, 1050, 1050, 5050])

    write_gexf(g, tmp_path / "n.gexf")
    write_graphml(g, tmp_path / "n.graphml")
    text = (tmp_path / "n.gexf").read_text()
    assert text.count("<viz:position") == 4 and "lastmodifieddate" not in text
    back = nx.read_gexf(tmp_path / "n.gexf")
    assert back.number_of_nodes() == 4 and back.number_of_edges() == 3
    pos = {v: d["viz"]["position"] for v, d in back.nodes(data=True)}
    assert np.isclose(pos["1"]["x"], 0) and np.isclose(pos["4"]["x"], 1000) and np.isclose(pos["4"]["y"], 1000)
    assert np.isclose(back.nodes["2"]["betweenness"], g.nodes[2]["betweenness"])
    gm = nx.read_graphml(tmp_path / "n.graphml")
    assert np.isclose(gm.nodes["3"]["x"], 1050) and np.isclose(gm.nodes["3"]["y"], 1050)
    assert gm.edges["1", "2"]["length_m"] == 900.0 and gm.nodes["1"]["community"] == g.nodes[1]["community"]
    # the same network gives the same file
    write_gexf(g, tmp_path / "m.gexf")
    assert (tmp_path / "m.gexf").read_bytes() == (tmp_path / "n.gexf").read_bytes()


def test_bad_tables():
    sources, corridors = _tables()
    with pytest.raises(EconetError, match=r"\[99\]"):
        EcoNetwork.from_tables(sources, corridors.assign(to_id=[2, 3, 99, 1]))
    with pytest.raises(EconetError, match="from_id"):
        EcoNetwork.from_tables(sources, corridors.drop(columns="from_id"))


def test_figures_are_written(tmp_path):
    c = compare_networks({"before": nx.path_graph(10), "after": nx.cycle_graph(10)}, repeats=5, seed=0)
    robustness_figure(c, tmp_path / "ba.png", x="removed")
    t = pd.DataFrame(np.random.default_rng(1).normal(size=(20, 4)), columns=list("abcd"))
    r, p, _ = correlation_matrix(t)
    correlation_heatmap(r, p, tmp_path / "h.png")
    # 34 indicators, as the demo study has: one legible figure, read in the report without scaling
    many = pd.DataFrame(
        np.random.default_rng(2).normal(size=(40, 34)), columns=[f"indicator_{i}_mean" for i in range(34)]
    )
    r34, p34, _ = correlation_matrix(many)
    correlation_heatmap(r34, p34, tmp_path / "g.png")
    small, large = Image.open(tmp_path / "h.png").size, Image.open(tmp_path / "g.png").size
    assert large[0] <= 1100 and large[1] <= 1200  # the figure was 3256 x 3487 px
    assert large[0] > 800 and small[0] < large[0]
    for name in ("ba.png", "h.png", "g.png"):
        w, h = Image.open(tmp_path / name).size
        assert w > 300 and h > 200


def test_gexf_colour_size_and_weight(tmp_path):
    """viz:color by source type (the maps' colours), viz:size = 40 sqrt(area / largest area),
    edge weight 1 / cost without gravity and G with it; all read back by networkx's GEXF reader."""
    sources, corridors = _tables()
    g = EcoNetwork.from_tables(sources, corridors).graph
    write_gexf(g, tmp_path / "n.gexf")
    back = nx.read_gexf(tmp_path / "n.gexf")
    colour = {v: d["viz"]["color"] for v, d in back.nodes(data=True)}
    assert (colour["1"]["r"], colour["1"]["g"], colour["1"]["b"]) == (0xCC, 0x79, 0xA7)  # forest
    assert (colour["3"]["r"], colour["3"]["g"], colour["3"]["b"]) == (0x56, 0xB4, 0xE9)  # wetland-water
    assert (colour["4"]["r"], colour["4"]["g"], colour["4"]["b"]) == (0xBB, 0xBB, 0xBB)  # no type
    sizes = [back.nodes[v]["viz"]["size"] for v in "1234"]  # areas 1, 2, 3, 4 km²
    assert np.allclose(sizes, [20.0, 40 * np.sqrt(0.5), 40 * np.sqrt(0.75), 40.0])
    weights = {tuple(sorted((u, v))): d["weight"] for u, v, d in back.edges(data=True)}
    assert np.allclose([weights[("1", "2")], weights[("2", "3")], weights[("1", "3")]], [1 / 9, 1 / 9, 1 / 14])
    corridors["gravity"] = [5.0, 7.0, 2.0, 1.0]
    g = EcoNetwork.from_tables(sources, corridors).graph
    write_gexf(g, tmp_path / "m.gexf")
    back = nx.read_gexf(tmp_path / "m.gexf")
    weights = {tuple(sorted((u, v))): d["weight"] for u, v, d in back.edges(data=True)}
    assert weights == {("1", "2"): 5.0, ("2", "3"): 7.0, ("1", "3"): 2.0}  # 2-1 twice: the cheaper, G 5
