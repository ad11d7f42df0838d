"""Maps of a run (matplotlib, Agg): land cover, sources, corridors, rasters, the network.

Every map has the study area's extent, axes in km labelled with the CRS, a scale bar and a north
arrow (:func:`econet.cartography.map_furniture`), and a legend of what it drew: each drawing
helper records a :class:`~econet.cartography.LegendEntry` with the number of features it drew,
and only those with some are listed. Land cover is faded under the network, and its swatches
are the faded colours. Colours are Okabe & Ito's (2008) colour-blind-safe set.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import ListedColormap, to_rgb  # noqa: E402

from econet.cartography import (  # noqa: E402
    BREAKPOINT_STYLE,
    CORRIDOR_COLOURS,
    LANDCOVER_ALPHA,
    OKABE_ITO,
    SOURCE_COLOURS,
    TIER_WIDTHS,
    LegendEntry,
    faded,
    fonts_for,
    legend_handles,
    map_furniture,
    size_steps,
)
from econet.io.atomic import draws_figure, write_png  # noqa: E402

MAX_PIXELS = 1000  # a raster is shown at most this many pixels a side (a figure shows no more)
_ROAD_WIDTH = {"expressway": 1.6, "highway": 1.0, "local": 0.4}
_OUTLINE = OKABE_ITO["sky blue"]


def _save(fig, path) -> None:
    write_png(path, fig, dpi=130, bbox_inches="tight")
    plt.close(fig)


def _step(shape) -> int:
    return max(1, int(np.ceil(max(shape) / MAX_PIXELS)))


def legend(ax, entries, title=None) -> None:
    handles = legend_handles(entries)
    if handles:
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.01, 1),
            fontsize=8,
            frameon=False,
            title=title,
            title_fontsize=8.5,
            alignment="left",
        )


def landcover_image(landcover: np.ndarray, classes, alpha: float = LANDCOVER_ALPHA) -> tuple[np.ndarray, list]:
    """An RGB image of land cover in class-table colours (tab10 for classes without one) seen at
    opacity ``alpha`` over white, and a legend entry per class present, with that same colour."""
    lc = np.asarray(landcover)
    rgb = np.full(lc.shape + (3,), 255, dtype=np.uint8)
    entries = []
    codes = np.unique(lc)
    for i, c in enumerate(classes):
        if c.code not in codes:
            continue
        col = faded(c.colour or plt.get_cmap("tab10")(i % 10), alpha)
        mask = lc == c.code
        rgb[mask] = np.round(np.asarray(col) * 255).astype(np.uint8)
        entries.append(
            LegendEntry(
                f"{c.code} {c.name}", "patch", int(mask.sum()), {"facecolor": col, "edgecolor": "#777777", "lw": 0.3}
            )
        )
    return rgb, entries


def draw_landcover(ax, grid, landcover, classes, alpha=LANDCOVER_ALPHA) -> list:
    s = _step(landcover.shape)
    rgb, entries = landcover_image(landcover[::s, ::s], classes, alpha)
    ax.imshow(rgb, extent=_extent(grid, rgb.shape, s), interpolation="nearest", zorder=0)
    return entries


def _extent(grid, shape, step: int = 1):
    """The extent of an image of ``shape`` pixels, each ``step`` cells a side, from the grid's
    upper-left corner (a strided image reaches past the grid's right and bottom edges)."""
    left, _, _, top = grid.bounds
    size = step * grid.cell_size_m
    return [left, left + shape[1] * size, top - shape[0] * size, top]


def _polygon_path(poly):
    """A matplotlib path of a polygon with its holes."""
    from matplotlib.path import Path as MPath

    verts, codes = [], []
    for ring in (poly.exterior, *poly.interiors):
        xy = np.asarray(ring.coords)[:, :2]
        verts.append(xy)
        codes.append([MPath.MOVETO] + [MPath.LINETO] * (len(xy) - 2) + [MPath.CLOSEPOLY])
    return MPath(np.concatenate(verts), np.concatenate(codes))


def draw_polygons(ax, gdf, facecolor, edgecolor="black", lw=0.4, zorder=4, hatch=None) -> None:
    """Polygons as one collection (GeoDataFrame.plot redraws the whole figure at each call)."""
    from matplotlib.collections import PathCollection

    paths = [
        _polygon_path(p)
        for g in gdf.geometry
        if g is not None and not g.is_empty
        for p in getattr(g, "geoms", [g])
        if p.geom_type == "Polygon"
    ]
    if paths:
        ax.add_collection(
            PathCollection(
                paths, facecolors=facecolor, edgecolors=edgecolor, linewidths=lw, hatch=hatch, zorder=zorder
            ),
            autolim=False,
        )


def draw_lines(ax, gdf, color, lw=1.0, zorder=5, linestyle="-") -> None:
    """Lines as one collection; ``lw`` one width or one per feature."""
    from matplotlib.collections import LineCollection

    widths = np.broadcast_to(np.asarray(lw, dtype=float), (len(gdf),))
    segs, ws = [], []
    for g, w in zip(gdf.geometry, widths):
        if g is None or g.is_empty:
            continue
        for part in getattr(g, "geoms", [g]):
            segs.append(np.asarray(part.coords)[:, :2])
            ws.append(w)
    if segs:
        ax.add_collection(
            LineCollection(segs, colors=color, linewidths=ws, linestyles=linestyle, zorder=zorder, capstyle="round"),
            autolim=False,
        )


def _draw_context(ax, roads, mines) -> list:
    entries = []
    if roads is not None and len(roads):
        widths = roads["road_class"].map(_ROAD_WIDTH).fillna(0.5) if "road_class" in roads else 0.6
        draw_lines(ax, roads, "#666666", np.asarray(widths, dtype=float), zorder=2)
        entries.append(LegendEntry("roads", "line", len(roads), {"color": "#666666"}))
    if mines is not None and len(mines):
        draw_polygons(ax, mines, "none", "black", 0.6, zorder=3, hatch="///")
        entries.append(
            LegendEntry("mines", "patch", len(mines), {"facecolor": "none", "edgecolor": "black", "hatch": "///"})
        )
    return entries


def _draw_sources(ax, sources, colour_by_type: bool = True) -> list:
    """Source polygons by type (or all light grey, under corridors), black outlines."""
    if not colour_by_type:
        if len(sources):
            draw_polygons(ax, sources, "#d9d9d9", "#555555", 0.3)
        return [LegendEntry("source", "patch", len(sources), {"facecolor": "#d9d9d9", "edgecolor": "#555555"})]
    entries = []
    types = sources["source_type"] if "source_type" in sources else None
    for t, col in SOURCE_COLOURS.items():
        if types is None:
            part = sources if t is None else sources.iloc[:0]
        else:
            part = sources[types.isna()] if t is None else sources[types == t]
        if len(part):
            draw_polygons(ax, part, col)
        label = f"source: {t}" if t else "source"
        entries.append(LegendEntry(label, "patch", len(part), {"facecolor": col, "edgecolor": "black", "lw": 0.4}))
    return entries


def _draw_corridors(ax, corridors) -> list:
    """Least-cost corridors coloured by gravity class and as wide as their tier (when the table
    has them), with a legend row for each class and tier drawn."""
    if not len(corridors):
        return []
    if "class" not in corridors:
        draw_lines(ax, corridors, CORRIDOR_COLOURS["important"], 1.2)
        return [LegendEntry("least-cost corridor", "line", len(corridors), {"color": CORRIDOR_COLOURS["important"]})]
    entries = []
    tiers = corridors["tier"] if "tier" in corridors else None
    widths = tiers.map(TIER_WIDTHS).fillna(1.2).to_numpy() if tiers is not None else np.full(len(corridors), 1.2)
    classes = corridors["class"].astype(str)
    for cls, col in CORRIDOR_COLOURS.items():
        sel = (classes == cls).to_numpy()
        if sel.any():
            draw_lines(ax, corridors[sel], col, widths[sel])
        entries.append(LegendEntry(f"{cls} corridor", "line", int(sel.sum()), {"color": col, "lw": 1.6}))
    if tiers is not None:
        for tier, w in TIER_WIDTHS.items():
            entries.append(LegendEntry(f"{tier} tier", "line", int((tiers == tier).sum()), {"color": "black", "lw": w}))
    return entries


def _draw_breakpoints(ax, breakpoints, fractures=None) -> list:
    entries = []
    if fractures is not None and len(fractures):
        draw_polygons(ax, fractures, "none", OKABE_ITO["vermillion"], 0.6, zorder=6, hatch="xxx")
    entries.append(
        LegendEntry(
            "fracture surface (corridor in an open pit)",
            "patch",
            0 if fractures is None else len(fractures),
            {"facecolor": "none", "edgecolor": OKABE_ITO["vermillion"], "hatch": "xxx"},
        )
    )
    n = 0 if breakpoints is None else len(breakpoints)
    if n:
        xs, ys = breakpoints.geometry.x.to_numpy(), breakpoints.geometry.y.to_numpy()
        ax.plot(xs, ys, zorder=7, **BREAKPOINT_STYLE)
    entries.append(LegendEntry("breakpoint (road or mine crossing)", "marker", n, BREAKPOINT_STYLE))
    return entries


def _node_size(values) -> np.ndarray:
    return 12 + 10 * np.asarray(values, dtype=float)


def _draw_nodes(ax, nodes, size_by: str = "degree", colours=None) -> list:
    """Nodes as circles sized by ``size_by`` (area in pt², as scatter), with a legend row per
    round value (:func:`econet.cartography.size_steps`)."""
    if not len(nodes) or size_by not in nodes:
        return []
    ax.scatter(
        nodes["x"],
        nodes["y"],
        s=_node_size(nodes[size_by]),
        c="white" if colours is None else colours,
        edgecolors="black",
        zorder=8,
        linewidths=0.8,
    )
    return [
        LegendEntry(
            f"node, {size_by} {v:g}",
            "marker",
            1,
            {"marker": "o", "markersize": float(np.sqrt(_node_size(v))), "mfc": "white", "mec": "black"},
        )
        for v in size_steps(nodes[size_by])
    ]


@draws_figure
def sources_map(grid, landcover, classes, sources, path, title: str) -> None:
    """Land cover (faded) and the sources by type."""
    with fonts_for(title, *(c.name for c in classes)):
        fig, ax = plt.subplots(figsize=(9, 8))
        entries = _draw_sources(ax, sources) + draw_landcover(ax, grid, landcover, classes)
        map_furniture(ax, grid, title)
        legend(ax, entries)
        _save(fig, path)


@draws_figure
def network_map(
    grid, landcover, classes, sources, corridors, nodes, path, title="Ecological network", roads=None, mines=None
) -> None:
    """Land cover (faded), optional roads and mines, sources by type, corridors by class and tier,
    nodes sized by degree."""
    with fonts_for(title, *(c.name for c in classes)):
        fig, ax = plt.subplots(figsize=(9, 8))
        lc = draw_landcover(ax, grid, landcover, classes)
        entries = _draw_sources(ax, sources) + _draw_corridors(ax, corridors) + _draw_nodes(ax, nodes)
        entries += _draw_context(ax, roads, mines) + lc
        map_furniture(ax, grid, title)
        legend(ax, entries)
        _save(fig, path)


@draws_figure
def levels_map(grid, landcover, classes, sources, column: str, path, title: str, k: int = 5, unit: str = "") -> list:
    """Sources coloured by natural-breaks levels of ``column`` (level k = the highest values;
    viridis, light for high), e.g. dPC; returns the class upper bounds."""
    from econet.classify import grade, natural_breaks

    with fonts_for(title, *(c.name for c in classes)):
        fig, ax = plt.subplots(figsize=(9, 8))
        lc = draw_landcover(ax, grid, landcover, classes)
        values = sources[column].to_numpy(float) if len(sources) else np.zeros(0)
        entries, bounds = [], []
        if np.isfinite(values).any():
            bounds = natural_breaks(values, k).tolist()
            levels = grade(values, bounds[:-1], np.arange(1, len(bounds) + 1), nodata=0).astype(int)
            colours = plt.get_cmap("viridis")(np.linspace(0.0, 1.0, len(bounds)))
            lower = [float(np.nanmin(values))] + bounds[:-1]
            for lv in range(len(bounds), 0, -1):
                part = sources[levels == lv]
                if len(part):
                    draw_polygons(ax, part, colours[lv - 1])
                entries.append(
                    LegendEntry(
                        f"level {lv}: {lower[lv - 1]:.3g} to {bounds[lv - 1]:.3g}{unit}",
                        "patch",
                        len(part),
                        {"facecolor": colours[lv - 1], "edgecolor": "black", "lw": 0.4},
                    )
                )
        map_furniture(ax, grid, title)
        legend(ax, entries + lc, title=f"{column} (natural breaks)")
        _save(fig, path)
    return bounds


@draws_figure
def corridors_map(grid, landcover, classes, sources, corridors, breakpoints, fractures, path, title: str) -> None:
    """Corridors by gravity class (colour) and width tier (line width), breakpoints and fracture
    surfaces, over the sources (grey) and the land cover (faded). ``sources`` is a GeoDataFrame
    or a boolean raster of source cells."""
    with fonts_for(title, *(c.name for c in classes)):
        fig, ax = plt.subplots(figsize=(9, 8))
        lc = draw_landcover(ax, grid, landcover, classes)
        if isinstance(sources, np.ndarray):
            s = _step(sources.shape)
            shown = sources[::s, ::s]
            ax.imshow(
                np.ma.masked_where(~shown, shown),
                extent=_extent(grid, shown.shape, s),
                cmap=ListedColormap(["#bdbdbd"]),
                interpolation="nearest",
                zorder=4,
            )
            entries = [LegendEntry("source", "patch", int(sources.any()), {"facecolor": "#bdbdbd"})]
        else:
            entries = _draw_sources(ax, sources, colour_by_type=False)
        entries += _draw_corridors(ax, corridors) + _draw_breakpoints(ax, breakpoints, fractures) + lc
        map_furniture(ax, grid, title)
        legend(ax, entries)
        _save(fig, path)


@draws_figure
def community_map(grid, landcover, classes, sources, corridors, path, title: str, column: str = "community") -> None:
    """Sources coloured by network community (Okabe & Ito's seven hues, repeated with hatching
    past seven), the corridors in grey; the legend lists each community drawn."""
    hues = [c for k, c in OKABE_ITO.items() if k != "black"]
    hatches = ["", "////", "...."]
    with fonts_for(title, *(c.name for c in classes)):
        fig, ax = plt.subplots(figsize=(9, 8))
        lc = draw_landcover(ax, grid, landcover, classes)
        entries = []
        if len(corridors):
            draw_lines(ax, corridors, "#555555", 0.9)
            entries.append(LegendEntry("corridor", "line", len(corridors), {"color": "#555555"}))
        if len(sources) and column in sources:
            comms = sources[column]
            order = comms.value_counts(sort=True).index.tolist()  # the largest community first
            for i, com in enumerate(order):
                style = {
                    "facecolor": hues[i % len(hues)],
                    "edgecolor": "black",
                    "hatch": hatches[(i // len(hues)) % len(hatches)],
                    "lw": 0.4,
                }
                part = sources[comms == com]
                draw_polygons(ax, part, style["facecolor"], hatch=style["hatch"] or None)
                if i < 14:
                    entries.append(LegendEntry(f"community {com} ({len(part)} sources)", "patch", len(part), style))
            if len(order) > 14:
                entries.append(
                    LegendEntry(f"{len(order) - 14} smaller communities", "patch", 1, {"facecolor": "white"})
                )
        map_furniture(ax, grid, title)
        legend(ax, entries + lc)
        _save(fig, path)


@draws_figure
def raster_map(grid, data, path, title: str, cmap="viridis", label: str = "", discrete: dict | None = None) -> None:
    """A single raster with a colour bar (or a categorical palette with a legend of the classes
    present); at most :data:`MAX_PIXELS` pixels a side."""
    s = _step(data.shape)
    shown = np.asarray(data)[::s, ::s]
    extent = _extent(grid, shown.shape, s)
    with fonts_for(title, label, *(v[1] for v in (discrete or {}).values())):
        fig, ax = plt.subplots(figsize=(8.5, 7))
        if discrete:
            codes = sorted(discrete)
            lut = np.zeros(max(codes) + 1, dtype=int)
            lut[codes] = np.arange(len(codes))
            colours = [np.array(discrete[c][0][:3]) / 255 for c in codes]
            img = np.ma.masked_array(lut[np.clip(shown, 0, max(codes))], mask=~np.isin(shown, codes))
            ax.imshow(
                img, extent=extent, cmap=ListedColormap(colours), vmin=0, vmax=len(codes) - 1, interpolation="nearest"
            )
            present = set(np.unique(data).tolist())
            entries = [
                LegendEntry(discrete[c][1], "patch", int(c in present), {"facecolor": col})
                for c, col in zip(codes, colours)
            ]
            map_furniture(ax, grid, title)
            legend(ax, entries)
        else:
            im = ax.imshow(shown, extent=extent, cmap=cmap, interpolation="nearest")
            fig.colorbar(im, ax=ax, shrink=0.7, label=label)
            map_furniture(ax, grid, title)
        _save(fig, path)


@draws_figure
def corridor_map(grid, data, path, title: str, cmap="inferno", outlines=None, outline_label: str = "") -> None:
    """A raster that lives in the corridors (current, barrier scores), on a colour scale from 0
    to the 99th percentile of its positive cells, so that a few cells do not flatten the rest;
    ``outlines`` (polygons, e.g. the pinch points) are drawn on top."""
    v = np.asarray(data, dtype=np.float32)
    pos = v[np.isfinite(v) & (v > 0)]
    top = float(np.percentile(pos, 99)) if pos.size else 1.0
    shown = np.ma.masked_invalid(_block_max(np.where(v > 0, v, np.nan), MAX_PIXELS))
    f = -(-max(v.shape) // MAX_PIXELS)  # cells per pixel
    with fonts_for(title, outline_label):
        fig, ax = plt.subplots(figsize=(8.5, 7))
        im = ax.imshow(
            shown, extent=_extent(grid, shown.shape, f), cmap=cmap, vmin=0, vmax=top or 1.0, interpolation="nearest"
        )
        fig.colorbar(im, ax=ax, shrink=0.7, label="0 to the 99th percentile of the corridor cells", extend="max")
        n = 0 if outlines is None else len(outlines)
        if n:
            draw_polygons(ax, outlines, "none", _OUTLINE, 0.8, zorder=6)
        map_furniture(ax, grid, title)
        handles = legend_handles([LegendEntry(outline_label, "line", n, {"color": _OUTLINE})])
        if handles:
            ax.legend(handles=handles, loc="upper left", fontsize=8)
        _save(fig, path)


def _block_max(v: np.ndarray, size: int) -> np.ndarray:
    """The maximum of blocks of cells, so that the image is at most ``size`` pixels a side (a
    figure shows no more) and a corridor one cell wide stays visible."""
    f = int(np.ceil(max(v.shape) / size))
    if f <= 1:
        return v
    h, w = -(-v.shape[0] // f) * f, -(-v.shape[1] // f) * f
    padded = np.full((h, w), np.nan, dtype=v.dtype)
    padded[: v.shape[0], : v.shape[1]] = v
    blocks = padded.reshape(h // f, f, w // f, f)
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(blocks).any(axis=(1, 3))
        out = np.nanmax(np.where(np.isfinite(blocks), blocks, -np.inf), axis=(1, 3))
    return np.where(finite, out, np.nan)


@draws_figure
def scenario_map(grid, landcover, classes, before, after, restored, path, title: str) -> None:
    """The baseline network beside a scenario's: land cover (faded), sources and corridors;
    on the scenario's side the restored cells (``restored``, boolean), the sources it added and
    the corridors that are new. ``before`` and ``after`` are (sources, corridors) GeoDataFrames."""
    source_colour, added_colour = OKABE_ITO["bluish green"], OKABE_ITO["reddish purple"]
    corridor_colour, new_colour = OKABE_ITO["vermillion"], OKABE_ITO["blue"]
    restored_colour = OKABE_ITO["orange"]
    with fonts_for(title, *(c.name for c in classes)):
        fig, axes = plt.subplots(1, 2, figsize=(13, 6.4), sharex=True, sharey=True)
        s = _step(landcover.shape)
        rgb, _ = landcover_image(landcover[::s, ::s], classes, alpha=0.35)
        # Source ids change when restoration changes the patches, so new corridors are found by
        # geometry: less than half of their length runs along a baseline corridor.
        near = before[1].geometry.buffer(3 * grid.cell_size_m).union_all() if len(before[1]) else None
        counts = {"source": 0, "added": 0, "restored": 0, "corridor": 0, "new": 0}
        for ax, (sources, corridors), name in zip(axes, (before, after), ("baseline", title)):
            ax.imshow(rgb, extent=_extent(grid, rgb.shape, s), interpolation="nearest")
            added = sources["added"].fillna("").astype(bool) if "added" in sources else np.zeros(len(sources), bool)
            if len(sources) and (~added).any():
                draw_polygons(ax, sources[~added], source_colour, lw=0.3, zorder=3)
                counts["source"] += int((~added).sum())
            if len(corridors):
                draw_lines(ax, corridors, corridor_colour, 1.0, zorder=4)
                counts["corridor"] += len(corridors)
            if ax is axes[1]:
                if restored is not None and restored.any():
                    overlay = np.zeros(restored.shape + (4,), dtype=float)
                    overlay[restored] = (*to_rgb(restored_colour), 0.75)
                    ax.imshow(overlay, extent=_extent(grid, restored.shape), interpolation="nearest", zorder=5)
                    counts["restored"] = int(restored.sum())
                if added.any():
                    draw_polygons(ax, sources[added], added_colour, lw=0.5, zorder=6)
                    counts["added"] = int(added.sum())
                if len(corridors):
                    new = np.asarray(
                        [
                            near is None or g.length == 0 or g.intersection(near).length < 0.5 * g.length
                            for g in corridors.geometry
                        ]
                    )
                    if new.any():
                        draw_lines(ax, corridors[new], new_colour, 2.0, zorder=7)
                        counts["new"] = int(new.sum())
            map_furniture(ax, grid, name)
        entries = [
            LegendEntry("source", "patch", counts["source"], {"facecolor": source_colour}),
            LegendEntry("source or stepping stone added", "patch", counts["added"], {"facecolor": added_colour}),
            LegendEntry("cells restored or lowered", "patch", counts["restored"], {"facecolor": restored_colour}),
            LegendEntry("corridor", "line", counts["corridor"], {"color": corridor_colour}),
            LegendEntry("new corridor", "line", counts["new"], {"color": new_colour, "lw": 2}),
        ]
        handles = legend_handles(entries)
        if handles:
            fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8, frameon=False)
        _save(fig, path)


__all__ = [
    "community_map",
    "draw_landcover",
    "draw_lines",
    "draw_polygons",
    "legend",
    "corridor_map",
    "corridors_map",
    "landcover_image",
    "levels_map",
    "network_map",
    "raster_map",
    "scenario_map",
    "sources_map",
]
