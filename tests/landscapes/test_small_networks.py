"""Any number of corridors: one source, or every pair dropped, still gives a complete run with
empty tables and a plain sentence in the report (no traceback)."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import pandas as pd

from econet.config import load_study
from econet.pipeline import run_study
from tests.landscapes.build import FOREST, cropland, write_study


def _run(tmp_path, lc, **kw):
    path = write_study(tmp_path, lc, **kw)
    out = tmp_path / "run"
    run_study(load_study(path), out, quiet=True)
    return out


def _assert_empty_network(out, n_sources):
    assert len(pd.read_csv(out / "sources.csv")) == n_sources
    assert len(pd.read_csv(out / "corridors.csv")) == 0
    edges = pd.read_csv(out / "network_edges.csv")
    assert len(edges) == 0 and {"source", "target"} <= set(edges.columns)
    assert len(gpd.read_file(out / "network.gpkg", layer="edges")) == 0
    assert len(gpd.read_file(out / "network.gpkg", layer="nodes")) == n_sources
    g = nx.read_graphml(out / "network.graphml")
    assert g.number_of_nodes() == n_sources and g.number_of_edges() == 0
    summary = pd.read_csv(out / "network_summary.csv").iloc[0]
    assert summary["components"] == n_sources and summary["edges"] == 0
    curves = pd.read_csv(out / "robustness.csv")
    # no links: the largest component is one source, S = C / N = 1 / N until none is left
    s = curves[curves["strategy"] == "random"]["S"].to_numpy()
    assert abs(s[0] - 1.0 / n_sources) < 1e-12 and abs(s[-1]) < 1e-12
    report = (out / "report.html").read_text()
    assert "No corridor:" in report and "no corridor: every source is its own component" in report
    return report


def test_one_source(tmp_path):
    lc = cropland(80)
    lc[20:60, 20:60] = FOREST  # 1.44 km2 of forest, the only source
    report = _assert_empty_network(_run(tmp_path, lc, extra="[corridors]\nwidth_cost = 1000\n[circuit]\n"), 1)
    assert "there is only one source" in report
    assert "No corridor links two sources, so there is no current to map." in report


def test_every_pair_dropped(tmp_path):
    lc = cropland(100)
    lc[5:35, 5:35] = FOREST
    lc[65:95, 65:95] = FOREST  # two sources about 1.7 km apart over cropland (grade 5)
    out = _run(tmp_path, lc, extra="[corridors]\nmax_cost = 100\n")  # far below any corridor's cost
    report = _assert_empty_network(out, 2)
    dropped = pd.read_csv(out / "corridors_dropped.csv")
    assert len(dropped) == 1 and "every candidate pair was dropped (1 in corridors_dropped.csv" in report


def test_edge_lines_without_corridors():
    """The crash the issue reports: KeyError 'source' in EcoNetwork.edge_lines."""
    from shapely.geometry import box

    from econet.network import EcoNetwork

    sources = gpd.GeoDataFrame({"id": [1], "area_km2": [1.0]}, geometry=[box(0, 0, 1000, 1000)], crs="EPSG:32650")
    corridors = gpd.GeoDataFrame({"from_id": [], "to_id": [], "cost": []}, geometry=[], crs="EPSG:32650")
    net = EcoNetwork.from_tables(sources, corridors)
    assert len(net.edge_lines()) == 0 and list(net.edge_table().columns) == ["source", "target"]
    assert net.node_table()["id"].tolist() == [1]


def test_no_source(tmp_path):
    lc = cropland(60)
    lc[10:20, 10:20] = FOREST  # 0.09 km²: below sources.min_area_km2 = 0.5
    out = _run(tmp_path, lc, extra="[corridors]\nwidth_cost = 1000\n[circuit]\n")
    assert len(pd.read_csv(out / "sources.csv")) == 0 and len(pd.read_csv(out / "corridors.csv")) == 0
    assert len(pd.read_csv(out / "network_nodes.csv")) == 0
    overall = pd.read_csv(out / "connectivity_overall.csv").iloc[0]
    assert overall["PC"] == 0 and overall["ECA_km2"] == 0
    g = nx.read_graphml(out / "network.graphml")
    assert g.number_of_nodes() == 0
    report = (out / "report.html").read_text()
    assert "No source: no patch is left after the rule 'patches ≥ min_area_km2'" in report
    assert "No source: the network is empty" in report
