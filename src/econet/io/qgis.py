"""QGIS layer styles (``.qml``) and projects (``.qgz``), built as XML with xml.etree.

The elements follow the files QGIS 3.22 (Debian bookworm's QGIS) writes itself: a style is a
``<qgis>`` document holding a raster layer's ``<pipe><rasterrenderer>`` (``singlebandpseudocolor``
with a ``colorrampshader``, or ``paletted`` with a ``colorPalette``) or a vector layer's
``<renderer-v2>`` (``singleSymbol``, ``categorizedSymbol`` or ``graduatedSymbol``, with their
``<symbols>``); a project is a ``<qgis>`` document with the project CRS, a layer tree of groups
and ``<projectlayers>``, each ``<maplayer>`` holding its data source (a path relative to the
project), its CRS and the same renderer as its style. A ``.qgz`` is a zip holding the ``.qgs``.
QGIS loads a ``.qml`` beside a file as that layer's default style.

Pure functions build the elements; only :func:`write_qml` and :func:`write_qgz` write files,
byte for byte the same for the same layers (sorted attributes, a fixed zip timestamp).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from econet.io.atomic import atomic_path

QGIS_VERSION = "3.22.16-Białowieża"
DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Category:
    """A class of a paletted raster or a categorized vector layer: its value, label and colour
    ("#rrggbb")."""

    value: object
    label: str
    colour: str


@dataclass(frozen=True)
class Range:
    """A class of a graduated vector layer: lower < value <= upper."""

    lower: float
    upper: float
    label: str
    colour: str


@dataclass(frozen=True)
class MapLayer:
    """A layer of a project: ``source`` relative to the project file ("./sources.gpkg",
    "../data/landcover.tif"), ``layer`` the GeoPackage layer (None for a raster), ``geometry``
    "Point", "Line" or "Polygon" for a vector ("No" for a table: an empty layer GDAL wrote
    without a geometry type, which QGIS opens as one; no renderer), the ``group`` it is listed
    under, its renderer (an Element), whether it is shown when the project opens and its CRS when it is not the
    project's."""

    name: str
    source: str
    renderer: ET.Element | None
    group: str
    layer: str | None = None
    geometry: str | None = None
    visible: bool = True
    crs: object = None

    @property
    def kind(self) -> str:
        return "raster" if self.layer is None else "vector"

    @property
    def datasource(self) -> str:
        return self.source if self.layer is None else f"{self.source}|layername={self.layer}"

    @property
    def id(self) -> str:
        """A stable layer id: unique, and longer than 10 characters (QGIS replaces shorter ids
        with new ones when it reads a project, QgsMapLayer::readLayerXml)."""
        raw = self.source.lstrip("./") + ("" if self.layer is None else f"_{self.layer}")
        return "econet_" + "".join(c if c.isalnum() else "_" for c in raw)


def _rgba(colour: str, alpha: int = 255) -> str:
    c = colour.lstrip("#")
    return f"{int(c[0:2], 16)},{int(c[2:4], 16)},{int(c[4:6], 16)},{alpha}"


def _num(v: float) -> str:
    return repr(float(v))


# --- raster renderers ---------------------------------------------------------------------


def pseudocolour_renderer(vmin: float, vmax: float, colours, band: int = 1) -> ET.Element:
    """A continuous ramp (``singlebandpseudocolor``, interpolated) through ``colours`` ("#rrggbb",
    evenly spaced) from ``vmin`` to ``vmax`` (the data's minimum and maximum)."""
    if not vmax > vmin:
        vmax = vmin + 1.0
    r = ET.Element(
        "rasterrenderer",
        type="singlebandpseudocolor",
        band=str(band),
        opacity="1",
        alphaBand="-1",
        nodataColor="",
        classificationMin=_num(vmin),
        classificationMax=_num(vmax),
    )
    ET.SubElement(r, "rasterTransparency")
    _minmax(r, "MinMax")
    shader = ET.SubElement(ET.SubElement(r, "rastershader"), "colorrampshader")
    shader.attrib.update(
        colorRampType="INTERPOLATED",
        classificationMode="1",
        clip="0",
        minimumValue=_num(vmin),
        maximumValue=_num(vmax),
    )
    ramp = ET.SubElement(shader, "colorramp", name="[source]", type="gradient")
    _ramp_options(ramp, colours)
    n = len(colours)
    for i, col in enumerate(colours):
        v = vmin + (vmax - vmin) * i / (n - 1)
        ET.SubElement(shader, "item", alpha="255", value=_num(v), label=f"{v:.4g}", color=col.lower())
    return r


def _ramp_options(ramp: ET.Element, colours) -> None:
    n = len(colours)
    stops = ":".join(f"{i / (n - 1):g};{_rgba(c)}" for i, c in enumerate(colours[1:-1], start=1))
    opts = ET.SubElement(ramp, "Option", type="Map")
    for name, value in (
        ("color1", _rgba(colours[0])),
        ("color2", _rgba(colours[-1])),
        ("discrete", "0"),
        ("rampType", "gradient"),
        ("stops", stops),
    ):
        ET.SubElement(opts, "Option", name=name, type="QString", value=value)


def _minmax(r: ET.Element, limits: str) -> None:
    m = ET.SubElement(r, "minMaxOrigin")
    for tag, text in (
        ("limits", limits),
        ("extent", "WholeRaster"),
        ("statAccuracy", "Exact"),
        ("cumulativeCutLower", "0.02"),
        ("cumulativeCutUpper", "0.98"),
        ("stdDevFactor", "2"),
    ):
        ET.SubElement(m, tag).text = text


def paletted_renderer(categories, band: int = 1) -> ET.Element:
    """A classed raster (``paletted``): one colour and name per value."""
    r = ET.Element("rasterrenderer", type="paletted", band=str(band), opacity="1", alphaBand="-1", nodataColor="")
    ET.SubElement(r, "rasterTransparency")
    _minmax(r, "None")
    pal = ET.SubElement(r, "colorPalette")
    for c in categories:
        ET.SubElement(pal, "paletteEntry", value=str(c.value), label=c.label, color=c.colour.lower(), alpha="255")
    return r


# --- vector renderers ---------------------------------------------------------------------

_SYMBOL = {"Polygon": "fill", "Line": "line", "Point": "marker"}


def symbol(geometry: str, colour: str, name: str = "0", *, width: float | None = None, alpha: int = 255) -> ET.Element:
    """A simple symbol for a geometry type: a fill with a dark outline, a line ``width`` mm wide,
    or a circle marker."""
    kind = _SYMBOL[geometry]
    s = ET.Element("symbol", type=kind, name=name, alpha="1", clip_to_extent="1", force_rhr="0")
    cls = {"fill": "SimpleFill", "line": "SimpleLine", "marker": "SimpleMarker"}[kind]
    layer = ET.SubElement(s, "layer", attrib={"class": cls, "enabled": "1", "locked": "0", "pass": "0"})
    opts = ET.SubElement(layer, "Option", type="Map")
    if kind == "fill":
        props = {
            "color": _rgba(colour, alpha),
            "style": "solid",
            "outline_color": "35,35,35,255",
            "outline_style": "solid",
            "outline_width": "0.26",
            "outline_width_unit": "MM",
        }
    elif kind == "line":
        props = {
            "line_color": _rgba(colour, alpha),
            "line_style": "solid",
            "line_width": f"{width or 0.6:g}",
            "line_width_unit": "MM",
            "capstyle": "round",
            "joinstyle": "round",
        }
    else:
        props = {
            "name": "circle",
            "color": _rgba(colour, alpha),
            "outline_color": "35,35,35,255",
            "outline_width": "0.2",
            "size": f"{width or 2.4:g}",
            "size_unit": "MM",
        }
    for k, v in props.items():
        ET.SubElement(opts, "Option", name=k, type="QString", value=v)
    return s


def single_renderer(geometry: str, colour: str, **kw) -> ET.Element:
    """One symbol for every feature (``singleSymbol``)."""
    r = ET.Element("renderer-v2", type="singleSymbol", symbollevels="0", forceraster="0", enableorderby="0")
    ET.SubElement(r, "symbols").append(symbol(geometry, colour, **kw))
    return r


def categorized_renderer(field: str, geometry: str, categories, **kw) -> ET.Element:
    """A symbol per value of ``field`` (``categorizedSymbol``)."""
    r = ET.Element(
        "renderer-v2", type="categorizedSymbol", attr=field, symbollevels="0", forceraster="0", enableorderby="0"
    )
    cats, syms = ET.SubElement(r, "categories"), ET.SubElement(r, "symbols")
    for i, c in enumerate(categories):
        ET.SubElement(cats, "category", value=str(c.value), label=c.label, symbol=str(i), render="true")
        syms.append(symbol(geometry, c.colour, str(i), **kw))
    return r


def graduated_renderer(field: str, geometry: str, ranges, **kw) -> ET.Element:
    """A symbol per class of ``field`` (``graduatedSymbol``, graduated colour)."""
    r = ET.Element(
        "renderer-v2",
        type="graduatedSymbol",
        attr=field,
        graduatedMethod="GraduatedColor",
        symbollevels="0",
        forceraster="0",
        enableorderby="0",
    )
    rngs, syms = ET.SubElement(r, "ranges"), ET.SubElement(r, "symbols")
    for i, c in enumerate(ranges):
        ET.SubElement(
            rngs, "range", lower=_num(c.lower), upper=_num(c.upper), label=c.label, symbol=str(i), render="true"
        )
        syms.append(symbol(geometry, c.colour, str(i), **kw))
    ET.SubElement(r, "mode", name="jenks")
    return r


# --- documents ----------------------------------------------------------------------------


_GEOMETRY_TYPE = {"Point": "0", "Line": "1", "Polygon": "2"}  # QgsWkbTypes::GeometryType


def style_document(renderer: ET.Element, geometry: str | None = None) -> ET.Element:
    """A ``.qml`` style: ``<qgis>`` holding a raster renderer in its ``<pipe>``, or a vector
    renderer for layers of ``geometry`` ("Point", "Line" or "Polygon")."""
    root = ET.Element("qgis", version=QGIS_VERSION, styleCategories="AllStyleCategories")
    if renderer.tag == "rasterrenderer":
        ET.SubElement(root, "pipe").append(renderer)
        ET.SubElement(root, "blendMode").text = "0"
    else:
        root.append(renderer)
        ET.SubElement(root, "blendMode").text = "0"
        ET.SubElement(root, "featureBlendMode").text = "0"
        ET.SubElement(root, "layerGeometryType").text = _GEOMETRY_TYPE[geometry or "Polygon"]
    return root


def _spatialrefsys(parent: ET.Element, crs) -> None:
    """The CRS as QGIS stores it (WKT and the authority id; QGIS resolves the rest)."""
    from pyproj import CRS

    crs = CRS.from_user_input(crs)
    srs = ET.SubElement(parent, "spatialrefsys", nativeFormat="Wkt")
    ET.SubElement(srs, "wkt").text = crs.to_wkt()
    ET.SubElement(srs, "proj4").text = crs.to_proj4() if crs.to_epsg() is None else ""
    auth = crs.to_authority()
    ET.SubElement(srs, "srid").text = auth[1] if auth else ""
    ET.SubElement(srs, "authid").text = ":".join(auth) if auth else ""
    ET.SubElement(srs, "description").text = crs.name
    ET.SubElement(srs, "geographicflag").text = "true" if crs.is_geographic else "false"


def project_document(layers, crs, title: str, extent=None) -> ET.Element:
    """A ``.qgs`` project of ``layers`` (:class:`MapLayer`, listed top to bottom, grouped by their
    ``group`` in the order the groups first appear) in ``crs``, with relative paths;
    ``extent`` (xmin, ymin, xmax, ymax) is the initial view."""
    layers = list(layers)
    ids = [lyr.id for lyr in layers]
    if len(set(ids)) != len(ids):
        raise ValueError("two layers of the project share an id (the same file and layer twice)")
    root = ET.Element("qgis", projectname=title, version=QGIS_VERSION)
    ET.SubElement(root, "homePath", path="")
    ET.SubElement(root, "title").text = title
    _spatialrefsys(ET.SubElement(root, "projectCrs"), crs)
    tree = ET.SubElement(root, "layer-tree-group")
    ET.SubElement(tree, "customproperties")
    groups: dict[str, ET.Element] = {}
    for lyr in layers:
        if lyr.group not in groups:
            g = ET.SubElement(tree, "layer-tree-group", name=lyr.group, checked="Qt::Checked", expanded="1")
            ET.SubElement(g, "customproperties")
            groups[lyr.group] = g
        node = ET.SubElement(
            groups[lyr.group],
            "layer-tree-layer",
            id=lyr.id,
            name=lyr.name,
            source=lyr.datasource,
            providerKey="gdal" if lyr.kind == "raster" else "ogr",
            checked="Qt::Checked" if lyr.visible else "Qt::Unchecked",
            expanded="0",
        )
        ET.SubElement(node, "customproperties")
    if extent is not None:
        canvas = ET.SubElement(root, "mapcanvas", name="theMapCanvas", annotationsVisible="1")
        ET.SubElement(canvas, "units").text = "meters"
        ext = ET.SubElement(canvas, "extent")
        for tag, v in zip(("xmin", "ymin", "xmax", "ymax"), extent):
            ET.SubElement(ext, tag).text = _num(v)
        _spatialrefsys(ET.SubElement(canvas, "destinationsrs"), crs)
    order = ET.SubElement(root, "layerorder")
    for lyr in layers:
        ET.SubElement(order, "layer", id=lyr.id)
    maps = ET.SubElement(root, "projectlayers")
    for lyr in layers:
        attrs = {"type": lyr.kind, "hasScaleBasedVisibilityFlag": "0", "styleCategories": "AllStyleCategories"}
        if lyr.geometry:
            attrs["geometry"] = lyr.geometry
        m = ET.SubElement(maps, "maplayer", attrib=attrs)
        ET.SubElement(m, "id").text = lyr.id
        ET.SubElement(m, "datasource").text = lyr.datasource
        ET.SubElement(m, "layername").text = lyr.name
        _spatialrefsys(ET.SubElement(m, "srs"), lyr.crs or crs)
        provider = ET.SubElement(m, "provider")
        if lyr.kind == "raster":
            provider.text = "gdal"
            ET.SubElement(m, "pipe").append(lyr.renderer)
        else:
            provider.set("encoding", "UTF-8")
            provider.text = "ogr"
            if lyr.renderer is not None:
                m.append(lyr.renderer)
        ET.SubElement(m, "blendMode").text = "0"
    props = ET.SubElement(root, "properties")
    paths = ET.SubElement(props, "Paths")
    ET.SubElement(paths, "Absolute", type="bool").text = "false"
    # QGIS reads <projectCrs> only when this is set (QgsProject::readProjectFile)
    srs = ET.SubElement(props, "SpatialRefSys")
    ET.SubElement(srs, "ProjectionsEnabled", type="int").text = "1"
    return root


def xml_text(root: ET.Element) -> str:
    """The document as QGIS writes it: the DOCTYPE line, then the indented XML."""
    ET.indent(root, space=" ")
    return DOCTYPE + "\n" + ET.tostring(root, encoding="unicode") + "\n"


def write_qml(path, renderer: ET.Element, geometry: str | None = None) -> None:
    """A ``.qml`` style holding ``renderer`` (``geometry`` for a vector layer's)."""
    with atomic_path(path) as tmp:
        tmp.write_text(xml_text(style_document(renderer, geometry)), encoding="utf-8")


def write_qgz(path, project: ET.Element) -> None:
    """A ``.qgz``: a zip holding the project as ``<name>.qgs`` (with a fixed timestamp, so the
    same project gives the same bytes)."""
    from pathlib import Path

    info = zipfile.ZipInfo(Path(path).with_suffix(".qgs").name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w") as z:
        z.writestr(info, xml_text(project).encode("utf-8"))


__all__ = [
    "Category",
    "MapLayer",
    "Range",
    "categorized_renderer",
    "graduated_renderer",
    "paletted_renderer",
    "project_document",
    "pseudocolour_renderer",
    "single_renderer",
    "style_document",
    "symbol",
    "write_qgz",
    "write_qml",
    "xml_text",
]
