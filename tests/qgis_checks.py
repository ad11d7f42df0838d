"""What QGIS needs in a style (.qml) and a project (.qgs), as QGIS 3.22 writes them itself.

QGIS publishes no XML schema for either; these checks follow the elements that QGIS's readers
(QgsRasterRendererRegistry, QgsFeatureRenderer::load, QgsProject::read) look up, as they
appear in the style files QGIS saves: a well-formed document whose root is ``<qgis>``, a
renderer of a known type with the children that type reads, symbols that its categories and
ranges point to, and map layers that the layer tree points to.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

RASTER_TYPES = {"singlebandpseudocolor", "paletted"}
VECTOR_TYPES = {"singleSymbol", "categorizedSymbol", "graduatedSymbol"}
SYMBOL_LAYER = {"fill": "SimpleFill", "line": "SimpleLine", "marker": "SimpleMarker"}


def parse(text: str) -> ET.Element:
    """The root of a QGIS document: its DOCTYPE line first, then well-formed XML."""
    assert text.startswith("<!DOCTYPE qgis"), text[:80]
    root = ET.fromstring(text)
    assert root.tag == "qgis" and root.get("version"), root.attrib
    return root


def check_raster_renderer(r: ET.Element) -> str:
    assert r.tag == "rasterrenderer" and r.get("type") in RASTER_TYPES, r.attrib
    assert r.get("band") == "1" and r.get("opacity") == "1"
    if r.get("type") == "paletted":
        entries = r.findall("colorPalette/paletteEntry")
        assert entries, "a paletted renderer needs palette entries"
        values = [int(e.get("value")) for e in entries]
        assert len(set(values)) == len(values)
        for e in entries:
            assert e.get("color", "").startswith("#") and len(e.get("color")) == 7 and e.get("label") is not None
    else:
        lo, hi = float(r.get("classificationMin")), float(r.get("classificationMax"))
        assert lo < hi
        shader = r.find("rastershader/colorrampshader")
        assert shader is not None and shader.get("colorRampType") == "INTERPOLATED"
        items = shader.findall("item")
        assert len(items) >= 2
        values = [float(i.get("value")) for i in items]
        assert values == sorted(values) and values[0] == lo and values[-1] == hi
        assert all(i.get("color", "").startswith("#") for i in items)
    return r.get("type")


def check_vector_renderer(r: ET.Element) -> str:
    assert r.tag == "renderer-v2" and r.get("type") in VECTOR_TYPES, r.attrib
    symbols = {s.get("name"): s for s in r.findall("symbols/symbol")}
    assert symbols, "a renderer needs its symbols"
    for s in symbols.values():
        layers = s.findall("layer")
        assert layers and all(lyr.get("class") == SYMBOL_LAYER[s.get("type")] for lyr in layers)
        for lyr in layers:
            opts = {o.get("name"): o.get("value") for o in lyr.findall("Option/Option")}
            colour = opts.get("color") or opts.get("line_color")
            assert colour and len(colour.split(",")) == 4, opts
    kind = r.get("type")
    if kind == "categorizedSymbol":
        assert r.get("attr")
        cats = r.findall("categories/category")
        assert cats and all(c.get("symbol") in symbols for c in cats)
    elif kind == "graduatedSymbol":
        assert r.get("attr")
        ranges = r.findall("ranges/range")
        assert ranges and all(r_.get("symbol") in symbols for r_ in ranges)
        assert all(float(r_.get("lower")) <= float(r_.get("upper")) for r_ in ranges)
    else:
        assert list(symbols) == ["0"]
    return kind


def check_style(text: str) -> str:
    """Check a .qml and return its renderer type."""
    root = parse(text)
    r = root.find("pipe/rasterrenderer")
    if r is not None:
        return check_raster_renderer(r)
    r = root.find("renderer-v2")
    assert r is not None, "a style holds a raster or a vector renderer"
    assert root.findtext("layerGeometryType") in {"0", "1", "2"}
    return check_vector_renderer(r)


def check_project(text: str) -> list[ET.Element]:
    """Check a .qgs and return its map layers."""
    root = parse(text)
    assert root.find("projectCrs/spatialrefsys/wkt").text
    assert root.findtext("properties/Paths/Absolute") == "false"
    layers = root.findall("projectlayers/maplayer")
    ids = [m.findtext("id") for m in layers]
    assert len(set(ids)) == len(ids)
    for m in layers:
        assert m.findtext("datasource") and m.findtext("layername")
        assert m.find("srs/spatialrefsys/wkt").text
        if m.get("type") == "raster":
            assert m.findtext("provider") == "gdal"
            check_raster_renderer(m.find("pipe/rasterrenderer"))
        elif m.get("geometry") == "No":  # a table: nothing to draw
            assert m.get("type") == "vector" and m.find("renderer-v2") is None
        else:
            assert m.get("type") == "vector" and m.get("geometry") in {"Point", "Line", "Polygon"}
            assert m.findtext("provider") == "ogr"
            check_vector_renderer(m.find("renderer-v2"))
    tree = root.findall(".//layer-tree-layer")
    assert sorted(t.get("id") for t in tree) == sorted(ids)  # every layer in the tree, once
    assert [e.get("id") for e in root.findall("layerorder/layer")] == ids
    return layers
