"""A tiny demo run opened as a planner would: every map drawn, a QGIS style beside every raster
and vector product, a project listing them all, a GEXF that Gephi draws. One run for the module."""

from __future__ import annotations

import zipfile
from pathlib import Path

import networkx as nx
import pyogrio
import pytest

from econet.cartography import legend_entries
from econet.config import load_study
from econet.demo import generate_city, write_city
from econet.pipeline import run_study
from econet.presets import demo_study_text
from econet.report import maps
from econet.report.gis import PROJECT, style_paths, style_run
from tests.qgis_checks import check_project, check_style

MAPS = (
    "map_sources.png",
    "map_network.png",
    "map_sources_dpc.png",
    "map_communities.png",
    "map_corridors.png",
    "map_cost_distance.png",
    "map_nlcc.png",
    "map_pinchpoint_current.png",
    "map_barriers.png",
    "map_resistance.png",
    "map_mspa.png",
)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("run_products")
    write_city(generate_city(size=200, seed=0), root / "data")
    text = demo_study_text(root / "study.toml", root / "data").replace("random_repeats = 100", "random_repeats = 2")
    (root / "study.toml").write_text(text)
    return run_study(load_study(root / "study.toml"), root / "run", quiet=True)


def _products(folder: Path, tables: bool = False) -> dict:
    """Every raster (None) and GeoPackage (its layers with a geometry type; with ``tables``,
    also the empty layers written without one) of a run folder."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.suffix == ".tif" and not p.name.startswith("."):
            out[rel] = None
        elif p.suffix == ".gpkg":
            out[rel] = [str(name) for name, gtype in pyogrio.list_layers(p) if tables or gtype not in (None, "Unknown")]
    return out


def test_every_map_is_drawn_and_shown(run):
    folder = run.folder.path
    page = (folder / "report.html").read_text()
    for name in MAPS:
        assert (folder / name).stat().st_size > 20_000, name
        assert f"src='{name}'" in page, name


def test_every_raster_and_vector_has_a_style_qgis_reads(run):
    folder = run.folder.path
    products = _products(folder)
    assert {"sources.tif", "cost_distance.tif", "resistance.tif", "mspa.tif", "corridors.gpkg", "network.gpkg"} <= set(
        products
    )
    assert any(p.startswith("resistance_grades/") for p in products)
    paths = style_paths(products)
    kinds = {}
    for (rel, layer), qml in paths.items():
        kind = check_style((folder / qml).read_text(encoding="utf-8"))
        kinds[(rel, layer)] = kind
        assert (kind in {"paletted", "singlebandpseudocolor"}) == (layer is None), (rel, layer, kind)
    assert len(paths) == sum(1 if v is None else len(v) for v in products.values())
    # classed rasters are paletted, continuous ones a ramp; vectors by the maps' fields
    assert kinds[("mspa.tif", None)] == "paletted" and kinds[("sources.tif", None)] == "paletted"
    assert kinds[("cost_distance.tif", None)] == "singlebandpseudocolor"
    assert kinds[("sources.gpkg", "sources")] == "categorizedSymbol"
    assert kinds[("corridors.gpkg", "corridors")] == "categorizedSymbol"
    assert kinds[("network.gpkg", "nodes")] == "graduatedSymbol"
    mspa = (folder / "mspa.qml").read_text(encoding="utf-8")
    assert 'label="core"' in mspa and 'label="edge"' in mspa  # class names, not codes


def test_project_lists_every_product_with_relative_paths(run):
    folder = run.folder.path
    with zipfile.ZipFile(folder / PROJECT) as z:
        assert z.namelist() == ["project.qgs"]
        layers = check_project(z.read("project.qgs").decode("utf-8"))
    sources = {m.findtext("datasource") for m in layers}
    for rel, lyrs in _products(folder, tables=True).items():
        if lyrs is None:
            assert f"./{rel}" in sources, rel
        for layer in lyrs or []:
            assert f"./{rel}|layername={layer}" in sources, (rel, layer)
    for s in sources:  # every path resolves from the project's folder
        assert (folder / s.split("|")[0]).is_file(), s
    groups = {g.get("name") for g in ET_groups(folder)}
    assert {"Network", "Corridors", "Circuit", "Sources", "Resistance", "Indicators", "Inputs"} <= groups
    landcover = next(m for m in layers if m.findtext("layername") == "landcover")
    assert landcover.findtext("datasource").startswith("../data/")
    assert "forest" in {e.get("label").split(" ", 1)[1] for e in landcover.iter("paletteEntry")}
    # the same run gives the same project, byte for byte
    before = (folder / PROJECT).read_bytes()
    style_run(folder, run.landscape.grid.crs, run.landscape.grid.bounds, "Synthetic mining city", [])
    after = (folder / PROJECT).read_bytes()
    style_run(folder, run.landscape.grid.crs, run.landscape.grid.bounds, "Synthetic mining city", [])
    assert (folder / PROJECT).read_bytes() == after and len(after) < len(before)  # no inputs this time


def ET_groups(folder):
    from xml.etree import ElementTree as ET

    with zipfile.ZipFile(folder / PROJECT) as z:
        return ET.fromstring(z.read("project.qgs").decode("utf-8").split("\n", 1)[1]).iter("layer-tree-group")


def test_sources_map_legend_lists_only_what_it_draws(run, monkeypatch, tmp_path):
    listed = []
    monkeypatch.setattr(
        maps, "legend", lambda ax, entries, title=None: listed.extend(e.label for e in legend_entries(entries))
    )
    L = run.landscape
    table = run.results["sources"].table
    maps.sources_map(L.grid, L.landcover(), L.classes, table, tmp_path / "m.png", "sources")
    assert not any("corridor" in label for label in listed)
    types = set(table["source_type"].dropna())
    assert {label for label in listed if label.startswith("source")} == {f"source: {t}" for t in types}
    present = {int(c) for c in set(L.landcover().ravel().tolist())}
    assert {int(label.split()[0]) for label in listed if label[0].isdigit()} == present & {c.code for c in L.classes}


def test_gexf_has_colour_size_and_weights(run):
    g = nx.read_gexf(run.folder.path / "network.gexf")
    assert g.number_of_nodes() > 0
    for _, d in g.nodes(data=True):
        assert {"r", "g", "b"} <= set(d["viz"]["color"]) and 4.0 <= d["viz"]["size"] <= 40.0
    assert max(d["viz"]["size"] for _, d in g.nodes(data=True)) == 40.0  # the largest patch
    assert all(d["weight"] > 0 for _, _, d in g.edges(data=True))
