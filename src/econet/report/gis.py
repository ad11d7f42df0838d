"""A run folder opened in QGIS: a ``.qml`` style beside every raster and GeoPackage of the run and
a ``project.qgz`` listing them (and the study's inputs), grouped and styled, with paths
relative to the run folder (econet.io.qgis writes the XML).

Styles follow what the data hold: a raster of a few whole values (classes, levels, ids) is
paletted, with names where the run knows them; any other raster is a pseudocolour ramp from its
minimum to its maximum; vector layers are categorized or graduated by the field that the maps
colour them by (source type, corridor class, width tier, dPC), else one symbol. Colours are
those of the report's maps (econet.cartography).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from econet.cartography import CORRIDOR_COLOURS, OKABE_ITO, SOURCE_COLOURS
from econet.io.qgis import (
    Category,
    MapLayer,
    Range,
    categorized_renderer,
    graduated_renderer,
    paletted_renderer,
    project_document,
    pseudocolour_renderer,
    single_renderer,
    write_qgz,
    write_qml,
)

PROJECT = "project.qgz"
MAX_CLASSES = 4096  # a whole-valued raster with more distinct values is shown as a ramp
# Groups in the layer tree, top to bottom, and the product name prefixes that go in each.
GROUPS = {
    "Network": ("network",),
    "Circuit": ("pinchpoint", "barrier", "omniscape"),
    "Corridors": ("corridors", "cost_distance", "allocation", "nlcc"),
    "Sources": ("sources", "stepping_stones", "mspa", "connectivity_level", "services_level", "sensitivity_class"),
    "Resistance": ("resistance",),
    "Indicators": ("indicator_",),
    "Other": ("",),
    "Inputs": (),
}
# Colour ramps (matplotlib names) of continuous rasters by name prefix, as on the report's maps.
RAMPS = (
    ("resistance", "magma_r"),
    ("cost_distance", "cividis"),
    ("nlcc", "viridis_r"),
    ("pinchpoint_current_x", "magma"),
    ("pinchpoint", "inferno"),
    ("barrier", "viridis"),
    ("omniscape_normalized", "RdYlBu_r"),
    ("omniscape", "inferno"),
    ("indicator_", "RdYlGn"),
)
_GEOMETRY = {"Polygon": "Polygon", "LineString": "Line", "Point": "Point"}
_TIER_COLOURS = {"regional": OKABE_ITO["vermillion"], "sub-regional": OKABE_ITO["orange"], "local": OKABE_ITO["yellow"]}


def group_of(name: str) -> str:
    """The layer-tree group of a product (its path relative to the run folder)."""
    stem = Path(name).name if "/" not in name else name
    for group, prefixes in GROUPS.items():
        if any(stem.startswith(p) for p in prefixes):
            return group
    return "Other"


def ramp_colours(cmap: str, n: int = 5) -> list[str]:
    """``n`` evenly spaced colours of a matplotlib colour map, as "#rrggbb"."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cm = colormaps[cmap]
    return [to_hex(cm(x)) for x in np.linspace(0.0, 1.0, n)]


def _cycle(i: int) -> str:
    hues = [c for k, c in OKABE_ITO.items() if k != "black"]
    return hues[i % len(hues)]


@dataclass(frozen=True)
class Values:
    """What a raster's style needs of its values: the finite minimum and maximum (NaN when
    none) and the distinct values when they are at most :data:`MAX_CLASSES` whole numbers
    (else None)."""

    lo: float
    hi: float
    codes: tuple[int, ...] | None


def summarise(blocks) -> Values:
    """:class:`Values` of arrays seen one block at a time (NaN = nodata): exact, whatever the
    blocks, and holding no more than a block and the codes found so far."""
    lo, hi, codes = np.inf, -np.inf, set()
    for block in blocks:
        v = np.asarray(block, dtype=np.float64)
        v = v[np.isfinite(v)]
        if v.size == 0:
            continue
        lo, hi = min(lo, float(v.min())), max(hi, float(v.max()))
        if codes is not None:
            found = _whole_values(v)
            codes = None if found is None else codes.union(found)
            if codes is not None and len(codes) > MAX_CLASSES:
                codes = None
    if lo > hi:
        return Values(np.nan, np.nan, None)
    return Values(lo, hi, None if codes is None else tuple(sorted(codes)))


def raster_renderer(name: str, values, colormap=None, names: dict | None = None):
    """The renderer of a raster product from its values (an array, NaN or masked = nodata, or
    their :class:`Values`): paletted when they are at most :data:`MAX_CLASSES` whole numbers,
    else a ramp over their range."""
    if not isinstance(values, Values):
        values = summarise([np.ma.filled(np.ma.asarray(values, dtype=np.float64), np.nan)])
    if not np.isfinite(values.lo):
        return pseudocolour_renderer(0.0, 1.0, ramp_colours("viridis"))
    codes = None if values.codes is None else list(values.codes)
    if codes is not None:
        stem = Path(name).stem
        levels = "level" in stem or "class" in stem or name.startswith("resistance_grades/") or codes == [0, 1]
        ramp = ramp_colours("viridis", max(len(codes), 2)) if levels else None
        cats = []
        for i, c in enumerate(codes):
            if colormap and c in colormap:
                colour = "#{:02x}{:02x}{:02x}".format(*colormap[c][:3])
            else:
                colour = ramp[i] if ramp else _cycle(i)
            label = (names or {}).get(c) or (f"level {c}" if levels else f"{c}")
            cats.append(Category(c, label, colour))
        return paletted_renderer(cats)
    ramp = next((r for prefix, r in RAMPS if Path(name).name.startswith(prefix)), "viridis")
    return pseudocolour_renderer(values.lo, values.hi, ramp_colours(ramp))


def _whole_values(v: np.ndarray) -> list[int] | None:
    """The distinct values of finite ``v`` when they are at most :data:`MAX_CLASSES` whole
    numbers, else None (checked before any sort: most continuous rasters fail at once)."""
    if not np.all(v == np.round(v)):
        return None
    lo, hi = int(v.min()), int(v.max())
    if hi - lo < 1 << 20:  # counting is faster than sorting
        counts = np.bincount((v - lo).astype(np.int64), minlength=hi - lo + 1)
        codes = np.flatnonzero(counts) + lo
    else:
        codes = np.unique(v).astype(np.int64)
    return codes.tolist() if codes.size <= MAX_CLASSES else None


def vector_renderer(stem: str, layer: str, geometry: str, read_field):
    """The renderer of a GeoPackage layer: by source type, corridor class, width tier,
    breakpoint kind or dPC where the layer has that field, else one symbol. ``read_field(name)``
    gives a column's values (None when the layer has no such column)."""
    by_value = (
        ("source_type", SOURCE_COLOURS),
        ("class", CORRIDOR_COLOURS),
        ("tier", _TIER_COLOURS),
        ("kind", {"road": OKABE_ITO["black"], "mine": OKABE_ITO["vermillion"]}),
    )
    if not (stem == "network" and layer == "nodes"):
        for field, colours in by_value:
            values = read_field(field)
            if values is None:
                continue
            present = [v for v in dict.fromkeys(values) if v is not None and v == v]
            known = [v for v in colours if v in present] + sorted((v for v in present if v not in colours), key=str)
            cats = [Category(v, str(v), colours.get(v) or _cycle(i)) for i, v in enumerate(known)]
            return categorized_renderer(field, geometry, cats)
    values = read_field("dPC")
    if values is not None and len(values):
        from econet.classify import natural_breaks

        v = np.asarray(values, dtype=float)
        if np.isfinite(v).any():
            bounds = natural_breaks(v, 5).tolist()
            lows = [float(np.nanmin(v))] + bounds[:-1]
            colours = ramp_colours("viridis", len(bounds))
            ranges = [Range(lo, hi, f"{lo:.3g} to {hi:.3g} %", c) for lo, hi, c in zip(lows, bounds, colours)]
            return graduated_renderer("dPC", geometry, ranges)
    colour = {"pinchpoints": OKABE_ITO["sky blue"], "barriers": OKABE_ITO["vermillion"]}.get(
        layer, OKABE_ITO["bluish green"] if stem == "stepping_stones" else "#888888"
    )
    return single_renderer(geometry, colour)


def _read_raster(path: Path, max_side: int | None = None):
    """A raster's first band (nodata as NaN; decimated to ``max_side`` when given), its colour
    table and its CRS."""
    import rasterio

    with rasterio.open(path) as src:
        shape = None
        if max_side and max(src.shape) > max_side:
            f = max(src.shape) / max_side
            shape = (max(1, int(src.height / f)), max(1, int(src.width / f)))
        data = src.read(1, masked=True, out_shape=shape)
        colormap = _colormap(src)
        crs = src.crs
    return np.ma.filled(data.astype(np.float64), np.nan), colormap, crs


def _colormap(src):
    """The colour table of an open raster's first band (None without one)."""
    try:
        return src.colormap(1)
    except ValueError:
        return None


def _raster_values(path: Path, block: int = 2048):
    """A raster's first band summarised window by window (:class:`Values`, exact), its colour
    table: a product of any size is styled without holding it whole."""
    import rasterio
    from rasterio.windows import Window as RioWindow

    from econet.windows import windows

    with rasterio.open(path) as src:

        def blocks():
            for w in windows(src.shape, block):
                data = src.read(1, window=RioWindow(w.col, w.row, w.width, w.height), masked=True)
                yield np.ma.filled(data.astype(np.float64), np.nan)

        values = summarise(blocks())
        colormap = _colormap(src)
    return values, colormap


def _gpkg_layers(path: Path) -> list[tuple[str, str]]:
    """(layer, geometry) of each layer of a vector file: "Point", "Line", "Polygon", or "No" for
    an empty layer GDAL wrote without a geometry type (QGIS opens it as a table)."""
    import pyogrio

    out = []
    for layer, gtype in pyogrio.list_layers(path):
        base = str(gtype or "").replace("Multi", "").replace(" Z", "").replace(" M", "")
        if base in _GEOMETRY:
            out.append((str(layer), _GEOMETRY[base]))
        elif pyogrio.read_info(path, layer=layer)["features"] == 0:
            out.append((str(layer), "No"))
    return out


def _field_reader(path: Path, layer: str):
    import pyogrio

    columns = set(pyogrio.read_info(path, layer=layer)["fields"])

    def read(field: str):
        if field not in columns:
            return None
        df = pyogrio.read_dataframe(path, layer=layer, columns=[field], read_geometry=False)
        return df[field].tolist()

    return read


def style_paths(products: dict) -> dict:
    """Where each product's style goes: ``products`` maps a file (relative path) to its layers (a
    GeoPackage's layer names; None for a raster). A file's first layer gets ``<file>.qml``, the
    style QGIS loads with the file; another layer ``<file>_<layer>.qml``; a raster whose
    ``<file>.qml`` a GeoPackage of the same name has taken ``<file>_raster.qml``. Returns
    {(file, layer or None): style path}, no two the same."""
    out, taken = {}, set()
    # GeoPackages first: their polygons and lines are what a planner opens the file for.
    for rel, layers in sorted(products.items(), key=lambda kv: (kv[1] is None, kv[0])):
        stem = rel[: -len(Path(rel).suffix)]
        for i, layer in enumerate(layers or [None]):
            name = f"{stem}.qml" if i == 0 else f"{stem}_{layer}.qml"
            if name in taken:
                name = f"{stem}_{'raster' if layer is None else layer}.qml"
            k = 2
            while name in taken:
                name, k = f"{stem}_{k}.qml", k + 1
            taken.add(name)
            out[(rel, layer)] = name
    return out


def _order(layers: list[MapLayer]) -> list[MapLayer]:
    """Groups in :data:`GROUPS` order; in a group points, lines, polygons, then rasters."""
    rank = {g: i for i, g in enumerate(GROUPS)}
    geom = {"Point": 0, "Line": 1, "Polygon": 2, "No": 3, None: 4}
    return sorted(layers, key=lambda m: (rank[m.group], geom[m.geometry]))


def style_run(folder, crs, extent, title: str, inputs=(), class_names: dict | None = None) -> list[str]:
    """Write a ``.qml`` beside every raster (``*.tif``) and GeoPackage layer in the run ``folder``
    and ``project.qgz`` listing them all; ``inputs`` are (name, path, kind, layer, names) of the
    study's input files (kind "raster" or "vector"; ``names`` a class table {code: (name,
    colour)} for a classed raster), listed in the group Inputs and styled in the project only
    (econet does not write into the data folder). ``class_names`` maps a product to {value:
    name}. Returns the files written, relative to ``folder``."""
    folder = Path(folder)
    written, layers = [], []
    products = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.suffix in (".tif", ".gpkg") and p.is_file() and not any(part.startswith(".") for part in p.parts)
    )
    found = {rel: (None if rel.endswith(".tif") else _gpkg_layers(folder / rel)) for rel in products}
    drawn = {rel: None if v is None else [lyr for lyr, g in v if g != "No"] for rel, v in found.items()}
    styles = style_paths({rel: v for rel, v in drawn.items() if v is None or v})
    for rel, file_layers in found.items():
        path = folder / rel
        if file_layers is None:
            values, colormap = _raster_values(path)
            renderer = raster_renderer(rel, values, colormap, (class_names or {}).get(rel))
            write_qml(folder / styles[(rel, None)], renderer)
            written.append(styles[(rel, None)])
            name = rel[: -len(".tif")]  # resistance_grades/landcover, not a second "landcover"
            layers.append(MapLayer(name, f"./{rel}", renderer, group_of(rel), visible=False))
            continue
        for layer, geometry in file_layers:
            name = layer if layer == Path(rel).stem else f"{Path(rel).stem}: {layer}"
            if geometry == "No":  # nothing to draw: listed as a table
                layers.append(MapLayer(name, f"./{rel}", None, group_of(rel), layer=layer, geometry="No"))
                continue
            renderer = vector_renderer(Path(rel).stem, layer, geometry, _field_reader(path, layer))
            write_qml(folder / styles[(rel, layer)], renderer, geometry)
            written.append(styles[(rel, layer)])
            layers.append(MapLayer(name, f"./{rel}", renderer, group_of(rel), layer=layer, geometry=geometry))
    for name, path, kind, layer, names in inputs:
        if any(m.source.endswith(Path(path).name) and m.group == "Inputs" and kind == "raster" for m in layers):
            continue  # the same file under two names
        rel = Path(os.path.relpath(Path(path).resolve(), folder.resolve())).as_posix()
        if kind == "raster":
            values, colormap, file_crs = _read_raster(Path(path), max_side=1000)
            if names:
                codes = set(np.unique(values[np.isfinite(values)]).astype(int).tolist())
                cats = [Category(c, f"{c} {n}", col) for c, (n, col) in names.items() if c in codes]
                renderer = paletted_renderer(cats)
            else:
                renderer = raster_renderer(name, values, colormap)
            layers.append(MapLayer(name, rel, renderer, "Inputs", visible=bool(names), crs=file_crs))
        else:
            import pyogrio

            for lyr, geometry in _gpkg_layers(Path(path)):
                if (layer is not None and lyr != layer) or geometry == "No":
                    continue
                file_crs = pyogrio.read_info(path, layer=lyr)["crs"]
                renderer = single_renderer(geometry, "#666666")
                layers.append(
                    MapLayer(name, rel, renderer, "Inputs", layer=lyr, geometry=geometry, visible=False, crs=file_crs)
                )
                break
    write_qgz(folder / PROJECT, project_document(_order(layers), crs, title, extent))
    written.append(PROJECT)
    return written


__all__ = [
    "GROUPS",
    "PROJECT",
    "group_of",
    "ramp_colours",
    "raster_renderer",
    "style_paths",
    "style_run",
    "vector_renderer",
]
