"""Figures: maps of the network and surfaces, scenario maps and overlaid attack curves (matplotlib,
Agg). The robustness curves of one run are drawn by ``econet.network.figures``."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import ListedColormap, to_rgb  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from econet.io.atomic import write_png  # noqa: E402

TYPE_COLOURS = {"forest": "#1b7837", "shrub-grass": "#a6d96a", "wetland-water": "#2166ac", None: "#888888"}


def _save(fig, path) -> None:
    write_png(path, fig, dpi=130, bbox_inches="tight")
    plt.close(fig)


def _extent(grid):
    left, bottom, right, top = grid.bounds
    return [left, right, bottom, top]


def _km_axes(ax, title: str) -> None:
    """Map axes labelled in km (the data stay in metres)."""
    km = FuncFormatter(lambda v, _: f"{v / 1e3:.0f}")
    ax.xaxis.set_major_formatter(km)
    ax.yaxis.set_major_formatter(km)
    ax.set_xlabel("easting (km)")
    ax.set_ylabel("northing (km)")
    ax.set_title(title)


def landcover_rgb(landcover: np.ndarray, classes) -> tuple[np.ndarray, list]:
    """An RGB image of land cover (class table colours; tab10 for classes without one) and
    legend handles for the classes present."""
    rgb = np.full(landcover.shape + (3,), 255, dtype=np.uint8)
    handles = []
    for i, c in enumerate(classes):
        col = np.array(to_rgb(c.colour or plt.get_cmap("tab10")(i % 10)))
        mask = landcover == c.code
        if mask.any():
            rgb[mask] = np.round(col * 255).astype(np.uint8)
            handles.append(Patch(color=col, label=f"{c.code} {c.name}"))
    return rgb, handles


_ROAD_WIDTH = {"expressway": 1.6, "highway": 1.0, "local": 0.4}


def network_map(
    grid, landcover, classes, sources, corridors, nodes, path, title="Ecological network", roads=None, mines=None
) -> None:
    """Land cover (faded), optional roads and mines, sources by type, least-cost corridors and
    nodes sized by degree."""
    fig, ax = plt.subplots(figsize=(9, 9))
    rgb, handles = landcover_rgb(landcover, classes)
    ax.imshow(rgb, extent=_extent(grid), alpha=0.45, interpolation="nearest")
    context = []
    if roads is not None and len(roads):
        widths = roads["road_class"].map(_ROAD_WIDTH).fillna(0.5) if "road_class" in roads else 0.6
        roads.plot(ax=ax, color="#555555", linewidth=widths, zorder=2)
        context.append(plt.Line2D([], [], color="#555555", label="roads"))
    if mines is not None and len(mines):
        mines.plot(ax=ax, facecolor="none", edgecolor="black", hatch="///", linewidth=0.6, zorder=3)
        context.append(Patch(facecolor="none", edgecolor="black", hatch="///", label="mines"))
    for t, col in TYPE_COLOURS.items():
        part = sources[sources["source_type"] == t] if t else sources[sources["source_type"].isna()]
        if len(part):
            part.plot(ax=ax, color=col, edgecolor="black", linewidth=0.4, zorder=4)
    if len(corridors):
        corridors.plot(ax=ax, color="#d7301f", linewidth=1.2, zorder=5)
    if len(nodes):
        ax.scatter(
            nodes["x"], nodes["y"], s=12 + 10 * nodes["degree"], c="white", edgecolors="black", zorder=6, linewidths=0.8
        )
    legend = (
        [Patch(color=c, label=f"source: {t}") for t, c in TYPE_COLOURS.items() if t]
        + [plt.Line2D([], [], color="#d7301f", label="least-cost corridor")]
        + context
    )
    ax.legend(handles=legend + handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    _km_axes(ax, title)
    _save(fig, path)


def raster_map(grid, data, path, title: str, cmap="viridis", label: str = "", discrete: dict | None = None) -> None:
    """A single raster with a colour bar (or a categorical palette with a legend)."""
    fig, ax = plt.subplots(figsize=(8, 7))
    if discrete:
        codes = sorted(discrete)
        lut = np.zeros(max(codes) + 1, dtype=int)
        lut[codes] = np.arange(len(codes))
        colours = ListedColormap([np.array(discrete[c][0][:3]) / 255 for c in codes])
        img = np.ma.masked_array(lut[np.clip(data, 0, max(codes))], mask=~np.isin(data, codes))
        ax.imshow(img, extent=_extent(grid), cmap=colours, vmin=0, vmax=len(codes) - 1, interpolation="nearest")
        present = set(np.unique(data).tolist())
        ax.legend(
            handles=[
                Patch(color=np.array(discrete[c][0][:3]) / 255, label=discrete[c][1]) for c in codes if c in present
            ],
            loc="upper left",
            bbox_to_anchor=(1.01, 1),
            fontsize=8,
            frameon=False,
        )
    else:
        im = ax.imshow(data, extent=_extent(grid), cmap=cmap, interpolation="nearest")
        fig.colorbar(im, ax=ax, shrink=0.7, label=label)
    _km_axes(ax, title)
    _save(fig, path)


def corridor_map(grid, data, path, title: str, cmap="inferno", outlines=None, outline_label: str = "") -> None:
    """A raster that lives in the corridors (current, barrier scores), on a colour scale from 0
    to the 99th percentile of its positive cells, so that a few cells do not flatten the rest;
    ``outlines`` (polygons, e.g. the pinch points) are drawn on top."""
    fig, ax = plt.subplots(figsize=(8, 7))
    v = np.asarray(data, dtype=np.float32)
    pos = v[np.isfinite(v) & (v > 0)]
    top = float(np.percentile(pos, 99)) if pos.size else 1.0
    shown = np.ma.masked_invalid(_block_max(np.where(v > 0, v, np.nan), 800))
    f = -(-max(v.shape) // 800)  # cells per pixel; the padded blocks reach past the grid's right and bottom
    left, _, _, top_y = grid.bounds
    extent = [left, left + shown.shape[1] * f * grid.cell_size_m, top_y - shown.shape[0] * f * grid.cell_size_m, top_y]
    im = ax.imshow(shown, extent=extent, cmap=cmap, vmin=0, vmax=top or 1.0, interpolation="nearest")
    ax.set_xlim(grid.bounds[0], grid.bounds[2])
    ax.set_ylim(grid.bounds[1], grid.bounds[3])
    fig.colorbar(im, ax=ax, shrink=0.7, label="0 to the 99th percentile of the corridor cells", extend="max")
    if outlines is not None and len(outlines):
        outlines.boundary.plot(ax=ax, color="#00b0f0", linewidth=0.8)
        ax.legend(handles=[plt.Line2D([], [], color="#00b0f0", label=outline_label)], loc="upper right", fontsize=8)
    _km_axes(ax, title)
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


def scenario_map(grid, landcover, classes, before, after, restored, path, title: str) -> None:
    """The baseline network beside a scenario's: land cover (faded), sources and corridors;
    on the scenario's side the restored cells (``restored``, boolean), the sources it added and
    the corridors that are new. ``before`` and ``after`` are (sources, corridors) GeoDataFrames."""
    fig, axes = plt.subplots(1, 2, figsize=(13, 6.4), sharex=True, sharey=True)
    rgb, _ = landcover_rgb(landcover, classes)
    # Source ids change when restoration changes the patches, so new corridors are found by
    # geometry: less than half of their length runs along a baseline corridor.
    near = before[1].geometry.buffer(3 * grid.cell_size_m).union_all() if len(before[1]) else None
    for ax, (sources, corridors), name in zip(axes, (before, after), ("baseline", title)):
        ax.imshow(rgb, extent=_extent(grid), alpha=0.35, interpolation="nearest")
        added = sources["added"].fillna("").astype(bool) if "added" in sources else np.zeros(len(sources), bool)
        if len(sources):
            sources[~added].plot(ax=ax, color="#1b7837", edgecolor="black", linewidth=0.3, zorder=3)
        if len(corridors):
            corridors.plot(ax=ax, color="#d7301f", linewidth=1.0, zorder=4)
        if ax is axes[1]:
            if restored is not None and restored.any():
                overlay = np.zeros(restored.shape + (4,), dtype=float)
                overlay[restored] = (1.0, 0.55, 0.0, 0.55)
                ax.imshow(overlay, extent=_extent(grid), interpolation="nearest", zorder=5)
            if added.any():
                sources[added].plot(ax=ax, color="#c51b7d", edgecolor="black", linewidth=0.5, zorder=6)
            if len(corridors):
                new = [
                    near is None or g.length == 0 or g.intersection(near).length < 0.5 * g.length
                    for g in corridors.geometry
                ]
                if any(new):
                    corridors[np.asarray(new)].plot(ax=ax, color="#2166ac", linewidth=2.0, zorder=7)
        _km_axes(ax, name)
    legend = [
        Patch(color="#1b7837", label="source"),
        Patch(color="#c51b7d", label="source or stepping stone added"),
        Patch(color=(1.0, 0.55, 0.0), label="cells restored or lowered"),
        plt.Line2D([], [], color="#d7301f", label="corridor"),
        plt.Line2D([], [], color="#2166ac", lw=2, label="new corridor"),
    ]
    fig.legend(handles=legend, loc="lower center", ncol=5, fontsize=8, frameon=False)
    _save(fig, path)


def attack_overlay(curves: dict, path, panels) -> None:
    """Robustness curves of several networks overlaid: ``curves`` maps a label to a curve table
    (``removed_fraction`` and the metric columns, one ``strategy`` and ``element`` per panel
    selection); ``panels`` lists (title, element, strategy prefix, metric)."""
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.8), squeeze=False)
    for ax, (title, element, strategy, metric) in zip(axes[0], panels):
        for i, (label, table) in enumerate(curves.items()):
            if table is None or metric not in table:
                continue
            part = table[(table["element"] == element) & table["strategy"].str.startswith(strategy)]
            if len(part):
                style = {"color": "black", "lw": 2.0} if i == 0 else {"lw": 1.2}
                if str(label).startswith("random"):
                    style = {"color": "grey", "lw": 1.2, "ls": "--"}
                ax.plot(part["removed_fraction"], part[metric], label=label, **style)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(f"fraction of {element}s removed")
        ax.set_ylim(0, 1.05)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("share of the network")
    axes[0][0].legend(fontsize=7, loc="upper right")
    _save(fig, path)
