"""QGIS styles and projects built by econet.io.qgis: structure (tests/qgis_checks.py), values,
relative paths, the .qgz zip, same layers -> same bytes; the run styling rules of
econet.report.gis on hand-made values."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest
from pyproj import CRS

from econet.io import qgis
from econet.report.gis import group_of, raster_renderer, style_paths, vector_renderer
from tests.qgis_checks import check_project, check_style, check_vector_renderer


def _text(renderer, geometry=None) -> str:
    return qgis.xml_text(qgis.style_document(renderer, geometry))


def test_pseudocolour_ramp_spans_min_to_max():
    r = qgis.pseudocolour_renderer(2.0, 10.0, ["#000000", "#808080", "#ffffff"])
    assert check_style(_text(r)) == "singlebandpseudocolor"
    items = r.findall("rastershader/colorrampshader/item")
    assert [float(i.get("value")) for i in items] == [2.0, 6.0, 10.0]
    assert [i.get("color") for i in items] == ["#000000", "#808080", "#ffffff"]
    stops = {o.get("name"): o.get("value") for o in r.findall("rastershader/colorrampshader/colorramp/Option/Option")}
    assert stops["color1"] == "0,0,0,255" and stops["stops"] == "0.5;128,128,128,255"
    flat = qgis.pseudocolour_renderer(3.0, 3.0, ["#000000", "#ffffff"])  # a constant raster
    assert float(flat.get("classificationMax")) == 4.0


def test_paletted_and_vector_renderers():
    pal = qgis.paletted_renderer([qgis.Category(1, "core", "#00AA00"), qgis.Category(3, "edge", "#000000")])
    assert check_style(_text(pal)) == "paletted"
    assert [(e.get("value"), e.get("label"), e.get("color")) for e in pal.iter("paletteEntry")] == [
        ("1", "core", "#00aa00"),
        ("3", "edge", "#000000"),
    ]
    cats = [qgis.Category("forest", "forest", "#CC79A7"), qgis.Category("general", "general", "#0072B2")]
    cat = qgis.categorized_renderer("source_type", "Polygon", cats)
    assert check_style(_text(cat, "Polygon")) == "categorizedSymbol"
    assert [c.get("value") for c in cat.iter("category")] == ["forest", "general"]
    fill = {o.get("name"): o.get("value") for o in cat.find("symbols/symbol[@name='0']/layer/Option")}
    assert fill["color"] == "204,121,167,255"
    grad = qgis.graduated_renderer(
        "dPC", "Point", [qgis.Range(0, 1.5, "low", "#440154"), qgis.Range(1.5, 9, "hi", "#fde725")]
    )
    assert check_style(_text(grad, "Point")) == "graduatedSymbol"
    assert qgis.style_document(grad, "Point").findtext("layerGeometryType") == "0"
    line = qgis.single_renderer("Line", "#D55E00", width=1.2)
    assert check_style(_text(line, "Line")) == "singleSymbol"
    opts = {o.get("name"): o.get("value") for o in line.iter("Option") if o.get("name")}
    assert opts["line_width"] == "1.2" and opts["line_color"] == "213,94,0,255"


def test_project_lists_layers_in_groups_with_relative_paths(tmp_path):
    layers = [
        qgis.MapLayer(
            "corridors",
            "./corridors.gpkg",
            qgis.single_renderer("Line", "#000000"),
            "Corridors",
            layer="corridors",
            geometry="Line",
        ),
        qgis.MapLayer(
            "cost_distance",
            "./cost_distance.tif",
            qgis.pseudocolour_renderer(0, 5, ["#000000", "#ffffff"]),
            "Corridors",
            visible=False,
        ),
        qgis.MapLayer(
            "landcover",
            "../data/landcover.tif",
            qgis.paletted_renderer([qgis.Category(1, "a", "#ffffff")]),
            "Inputs",
            crs=CRS.from_epsg(32650),
        ),
    ]
    doc = qgis.project_document(layers, CRS.from_epsg(4548), "抚顺 study", (0, 0, 6000, 6000))
    qgis.write_qgz(tmp_path / "project.qgz", doc)
    with zipfile.ZipFile(tmp_path / "project.qgz") as z:
        assert z.namelist() == ["project.qgs"]
        text = z.read("project.qgs").decode("utf-8")
    maps = check_project(text)
    assert [m.findtext("datasource") for m in maps] == [
        "./corridors.gpkg|layername=corridors",
        "./cost_distance.tif",
        "../data/landcover.tif",
    ]
    assert [m.findtext("srs/spatialrefsys/authid") for m in maps] == ["EPSG:4548", "EPSG:4548", "EPSG:32650"]
    assert "抚顺 study" in text
    # the same layers give the same bytes
    qgis.write_qgz(
        tmp_path / "again" / "project.qgz",
        qgis.project_document(layers, CRS.from_epsg(4548), "抚顺 study", (0, 0, 6000, 6000)),
    )
    with zipfile.ZipFile(tmp_path / "again" / "project.qgz") as z:
        assert z.read("project.qgs").decode("utf-8") == text
    assert (tmp_path / "again" / "project.qgz").read_bytes() == (tmp_path / "project.qgz").read_bytes()
    with pytest.raises(ValueError, match="share an id"):
        qgis.project_document(layers + layers[:1], CRS.from_epsg(4548), "x")


def test_raster_rules():
    levels = raster_renderer("connectivity_level.tif", np.array([[1, 2], [5, np.nan]]))
    assert levels.get("type") == "paletted"
    assert [(e.get("value"), e.get("label")) for e in levels.iter("paletteEntry")] == [
        ("1", "level 1"),
        ("2", "level 2"),
        ("5", "level 5"),
    ]
    named = raster_renderer("mspa.tif", np.array([17, 3]), {3: (0, 0, 255, 255)}, {17: "Core", 3: "Edge"})
    assert [(e.get("value"), e.get("label"), e.get("color")) for e in named.iter("paletteEntry")] == [
        ("3", "Edge", "#0000ff"),
        ("17", "Core", "#56b4e9"),  # no colour in the file: the palette colour of its rank (2nd)
    ]
    ramp = raster_renderer("cost_distance.tif", np.array([0.0, 12.5, np.nan, 100.25]))
    assert ramp.get("type") == "singlebandpseudocolor"
    assert (float(ramp.get("classificationMin")), float(ramp.get("classificationMax"))) == (0.0, 100.25)
    assert group_of("cost_distance.tif") == "Corridors" and group_of("resistance_grades/slope.tif") == "Resistance"
    assert group_of("pinchpoints.gpkg") == "Circuit" and group_of("something_else.tif") == "Other"


def test_vector_rules_and_style_paths():
    fields = {"class": ["general", "important", "general", "crossing"], "tier": ["local"] * 4}
    r = vector_renderer("corridors", "corridors", "Line", fields.get)
    check_vector_renderer(r)
    assert r.get("attr") == "class"
    assert [c.get("value") for c in r.iter("category")] == ["important", "general", "crossing"]  # the maps' order
    nodes = vector_renderer(
        "network", "nodes", "Point", {"dPC": [0.1, 0.2, 5.0, 40.0, 41.0, 7.5], "source_type": ["forest"] * 6}.get
    )
    assert nodes.get("type") == "graduatedSymbol" and nodes.get("attr") == "dPC"
    plain = vector_renderer("pinchpoints", "pinchpoints", "Polygon", {}.get)
    assert plain.get("type") == "singleSymbol"
    paths = style_paths(
        {
            "sources.tif": None,
            "sources.gpkg": ["sources"],
            "corridors.gpkg": ["corridors", "breakpoints"],
            "resistance_grades/slope.tif": None,
        }
    )
    assert paths == {
        ("corridors.gpkg", "corridors"): "corridors.qml",
        ("corridors.gpkg", "breakpoints"): "corridors_breakpoints.qml",
        ("sources.gpkg", "sources"): "sources.qml",
        ("resistance_grades/slope.tif", None): "resistance_grades/slope.qml",
        ("sources.tif", None): "sources_raster.qml",
    }


def test_a_local_engineering_crs_is_written_by_its_wkt():
    local = CRS.from_wkt(
        'LOCAL_CS["Mine grid",UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH]]'
    )
    doc = qgis.project_document([], local, "mine")
    srs = doc.find("projectCrs/spatialrefsys")
    assert srs.findtext("proj4") == "" and srs.findtext("authid") == ""
    assert "Mine grid" in srs.findtext("wkt")


def test_values_by_blocks_equal_the_whole(tmp_path):
    """A product is styled from windows of its file: the range and the classes found block by
    block are those of the whole raster, nodata excluded."""
    from econet.report.gis import _raster_values, summarise
    from tests.landscapes.build import write_tif

    rng = np.random.default_rng(3)
    ramp = rng.gamma(2.0, 50.0, (70, 90)).astype(np.float32)
    ramp[5:9, 60:80] = -9999.0
    classes = rng.choice([2, 7, 11], (70, 90)).astype(np.int16)
    classes[0, 0] = -1
    for data, nodata in ((ramp, -9999.0), (classes, -1)):
        path = write_tif(tmp_path / f"{data.dtype}.tif", data, nodata=nodata)
        values, _ = _raster_values(Path(path), block=16)
        whole = np.where(data == nodata, np.nan, data).astype(np.float64)
        assert (values.lo, values.hi) == (np.nanmin(whole), np.nanmax(whole))
        strips = summarise(whole[i : i + 7] for i in range(0, 70, 7))
        assert strips == values
    assert values.codes == (2, 7, 11)
    assert summarise([ramp]).codes is None  # not whole: a ramp
    assert summarise([np.full(3, np.nan)]).codes is None and np.isnan(summarise([]).lo)
    # more distinct whole values than a palette holds: a ramp, even when each block has few
    many = summarise(np.arange(i, i + 1000, dtype=float) for i in range(0, 5000, 1000))
    assert many.codes is None and (many.lo, many.hi) == (0.0, 4999.0)
