"""Writing a generated city (or province) to a folder: GeoTIFF layers, one GeoPackage, a quick-look map, a README.

Every file is written atomically and byte-for-byte reproducibly (no time stamps).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import numpy as np

from econet.demo.city import LANDCOVER_CODES, LANDCOVER_COLORS, RASTER_INFO, VECTOR_LAYERS, DemoCity
from econet.demo.province import PROVINCE_LAYERS, PROVINCE_VECTORS, STRIP_ROWS, Province, province_strip
from econet.io import raster_writer, write_json, write_png, write_raster, write_text, write_vector
from econet.io.run import file_sha256

MANIFEST = "manifest.json"

_VECTOR_INFO = {
    "roads": "LineString; road_class (expressway | highway = first-class highway | local), name, width_m "
    "(the width burnt into the land cover)",
    "rivers": "LineString; centre lines: name, width_m",
    "water": "Polygon; open water: kind (river | lake | reservoir | pit_lake | fish_ponds: the outline of a "
    "cluster of ponds and their dykes), name (subsidence lakes are a separate layer)",
    "mines": "Polygon; name, mineral (coal | metal | building_material), method (open_pit | underground), "
    "status (producing | abandoned). Open pits: the pit; underground: the worked (subsiding) field",
    "waste_dumps": "Polygon; gangue and spoil heaps beside open pits: mine (its name); reclaimed to grass where "
    "the mine is abandoned",
    "subsidence_lakes": "Polygon; lakes flooding subsidence over underground coal workings: mine (its name)",
    "nature_reserve": "Polygon; name, level",
    "redline": "Polygon; ecological protection redline: name, category (nature_reserve | forested_hills | lake_shore)",
    "townships": "Polygon; township-level divisions tiling the extent: name, kind (subdistrict | town | township)",
    "towns": "Point; name, population (persons), is_city_core",
    "geohazards": "Point; geological hazard sites: id, kind (landslide | collapse | ground_subsidence)",
}


def write_city(city: DemoCity, out_dir) -> dict[str, Path]:
    """Write every layer of ``city`` under ``out_dir``; return {name: path} of each file written.

    Keys: each raster name (``layers/<name>.tif``), ``"gpkg"`` (``city.gpkg``, one layer per
    vector), ``"quicklook"`` (``quicklook.png``), ``"readme"`` (``README.txt``) and ``"manifest"``
    (``manifest.json``: seed, size, econet's version and every file's SHA-256, written last, so
    that :func:`city_is_current` can tell a complete city from a partial one).
    """
    out = Path(out_dir)
    (out / "layers").mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).unlink(missing_ok=True)  # an interrupted rewrite must not pass as complete
    paths: dict[str, Path] = {}
    tags = {"synthetic": "yes", "generator": "econet.demo", "seed": city.seed, "size": city.size}
    for name, array in city.rasters.items():
        unit, text = RASTER_INFO[name]
        colormap = _landcover_colormap() if name == "landcover" else None
        paths[name] = write_raster(
            out / "layers" / f"{name}.tif",
            array,
            city.grid,
            colormap=colormap,
            description=f"{text} [{unit}]",
            tags=dict(tags, units=unit),
        )
    paths["gpkg"] = write_vector(out / "city.gpkg", {k: city.vectors[k] for k in VECTOR_LAYERS})
    paths["quicklook"] = _write_quicklook(city, out / "quicklook.png")
    paths["readme"] = write_text(out / "README.txt", _readme(city))
    paths["manifest"] = write_json(out / MANIFEST, _manifest(out, city.seed, city.size, paths.values()))
    return paths


def _manifest(out: Path, seed: int, size: int, files) -> dict:
    from econet import __version__

    return {
        "generator": "econet.demo",
        "econet": __version__,
        "seed": seed,
        "size": size,
        "files": {Path(f).relative_to(out).as_posix(): file_sha256(f) for f in sorted(map(str, files))},
    }


def city_is_current(out_dir, seed: int, size: int) -> bool:
    """Whether ``out_dir`` holds the city :func:`write_city` wrote for this seed and size with this
    econet, every file intact (its checksum as recorded), so that it need not be generated again."""
    out = Path(out_dir)
    try:
        recorded = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    files = recorded.get("files", {})
    expected = _manifest(out, seed, size, [])
    same = all(recorded.get(k) == expected[k] for k in ("generator", "econet", "seed", "size"))
    return same and bool(files) and all((out / f).is_file() and file_sha256(out / f) == h for f, h in files.items())


def write_series(epochs, out_dir) -> dict[int, dict[str, dict[str, Path]]]:
    """Write a city's epochs (``econet.demo.series.generate_series``) under ``out_dir``: the
    first year in full, as :func:`write_city`; each later year only the layers that differ from
    the year before, rasters in ``<year>/layers/`` and vector layers in ``<year>/city.gpkg``.
    Returns year -> {"layers": {name: path}, "vectors": {name: path}} of the files written for
    the later years (what a study's ``[series]`` names)."""
    import geopandas as gpd

    out = Path(out_dir)
    changed: dict[int, dict[str, dict[str, Path]]] = {}
    last_rasters, last_vectors = {}, {}
    for year, city in epochs:
        if not last_rasters:
            write_city(city, out)
            # A series' first year is not the plain demo city: without the manifest, a later
            # `econet demo` (no --years) into this folder generates its own city.
            (out / MANIFEST).unlink(missing_ok=True)
        else:
            tags = {"synthetic": "yes", "generator": "econet.demo", "seed": city.seed, "size": city.size, "year": year}
            rasters = {}
            for name, array in city.rasters.items():
                if np.array_equal(array, last_rasters[name], equal_nan=True):
                    continue
                unit, text = RASTER_INFO[name]
                rasters[name] = write_raster(
                    out / str(year) / "layers" / f"{name}.tif",
                    array,
                    city.grid,
                    colormap=_landcover_colormap() if name == "landcover" else None,
                    description=f"{text} [{unit}], {year}",
                    tags=dict(tags, units=unit),
                )
            moved = {
                k: city.vectors[k] for k in VECTOR_LAYERS if not _same_layer(city.vectors[k], last_vectors[k], gpd)
            }
            vectors = {}
            if moved:
                path = write_vector(out / str(year) / "city.gpkg", moved)
                vectors = dict.fromkeys(moved, path)
            changed[year] = {"layers": rasters, "vectors": vectors}
        last_rasters, last_vectors = city.rasters, city.vectors
    return changed


def _same_layer(a, b, gpd) -> bool:
    if len(a) != len(b) or list(a.columns) != list(b.columns):
        return False
    attrs = [c for c in a.columns if c != a.geometry.name]
    return bool(a[attrs].equals(b[attrs]) and a.geometry.geom_equals_exact(b.geometry, tolerance=0).all())


def series_section(changed: dict, years, study_path, layers, vectors) -> str:
    """The ``[series]`` section of a study of a written series (``write_series``'s result),
    naming only the layers and vector layers the study reads, with paths relative to the study."""
    import os

    base = Path(study_path).resolve().parent
    lines = [
        "",
        "# ---- Series (docs/methods/series.md): the demo city in each year. [layers] and [vectors] above are",
        "# the first year's; each later year names the files that changed since the year before (the other",
        "# settings of a layer, such as kind or a GeoPackage's layer, are kept). `econet run` runs each year",
        "# into OUT/<year>/ and compares them in OUT/series/ and OUT/report.html.",
        "[series]",
        f"years = [{', '.join(str(y) for y in years)}]",
    ]
    for group, known in (("layers", layers), ("vectors", vectors)):
        for year in years:
            files = {k: v for k, v in changed.get(year, {}).get(group, {}).items() if k in known}
            if not files:
                continue
            lines += ["", f"[series.{group}.{year}]"]
            for name, path in files.items():
                rel = Path(os.path.relpath(Path(path).resolve(), base)).as_posix()
                lines.append(f'{name} = "{rel}"')
    return "\n".join(lines) + "\n"


def _landcover_colormap() -> dict[int, tuple[int, int, int, int]]:
    return {code: (*rgb, 255) for code, rgb in LANDCOVER_COLORS.items()}


def _readme(city: DemoCity) -> str:
    g = city.grid
    shares = city.landcover_shares()
    lines = [
        "econet demo: a SYNTHETIC mining city",
        "=" * 36,
        "",
        "Every layer here is generated by econet.demo (generate_city) from a random seed. It looks like a",
        "mining city on the North China plain near Xuzhou but is not a real place; do not use it for decisions.",
        "",
        f"seed: {city.seed}    size: {city.size} x {city.size} cells    cell: {g.cell_size_m:g} m    "
        f"area: {g.area_km2:.0f} km2",
        f"CRS: {g.crs.to_string()} (CGCS2000 / 3-degree Gauss-Kruger CM 117E)",
        "bounds (left, bottom, right, top, m): " + ", ".join(f"{v:.0f}" for v in g.bounds),
        "",
        "Land cover shares: " + ", ".join(f"{LANDCOVER_CODES[c]} {100 * s:.1f} %" for c, s in shares.items()),
        "",
        "Rasters (layers/<name>.tif, float32 unless noted, aligned on one grid):",
    ]
    for name in city.rasters:
        unit, text = RASTER_INFO[name]
        dtype = "uint8, " if city.rasters[name].dtype == np.uint8 else ""
        lines.append(f"  {name + '.tif':<22} {text} [{dtype}{unit}]")
    lines += ["", "Vector layers (layers of city.gpkg):"]
    for name in VECTOR_LAYERS:
        lines.append(f"  {name:<18} {len(city.vectors[name]):>5} features: {_VECTOR_INFO[name]}")
    lines += [
        "",
        "quicklook.png  land cover with roads, mines, the nature reserve and towns.",
        "",
        "Notes: the threat_* rasters mark presence (1) or absence (0) of each threat source, as InVEST",
        "Habitat Quality expects; spectral bands are surface reflectance (0..1); thermal is land surface",
        "temperature in degC; erosivity follows R = 0.0483 P^1.61 (Renard & Freimund 1994).",
        "",
    ]
    return "\n".join(lines)


def _write_quicklook(city: DemoCity, path: Path) -> Path:
    """Land cover with hill shading, roads, mines, the reserve and towns; km axes and a scale bar."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from econet.cartography import north_arrow, scale_bar

    g = city.grid
    lc, dem = city.rasters["landcover"], city.rasters["dem"]
    step = max(1, int(np.ceil(max(g.shape) / 1600)))  # a few pixels per screen pixel is plenty
    lc_s, dem_s = lc[::step, ::step], dem[::step, ::step].astype(np.float32)
    lut = np.zeros((256, 3), np.float32)
    for code, rgb in LANDCOVER_COLORS.items():
        lut[code] = np.asarray(rgb, np.float32) / 255
    # Light from the north-west, exaggerated so the low hills read.
    dy, dx = np.gradient(dem_s, g.cell_size_m * step)
    shade = np.clip(0.82 + 3.0 * (dy - dx) / np.sqrt(2), 0.55, 1.12)
    rgb = np.clip(lut[lc_s] * shade[..., None], 0, 1)

    left, bottom, right, top = (v / 1000 for v in g.bounds)
    fig = Figure(figsize=(11.5, 8.6), dpi=110)
    ax = fig.add_axes((0.065, 0.075, 0.66, 0.86))
    ax.imshow(rgb, extent=(left, right, bottom, top), interpolation="antialiased", zorder=0)
    v = city.vectors
    _plot_lines(ax, v["roads"][v["roads"].road_class == "local"], "#6b5a4e", 0.35, 1)
    _plot_lines(ax, v["roads"][v["roads"].road_class == "highway"], "#f29f05", 1.3, 2, casing=2.1)
    _plot_lines(ax, v["roads"][v["roads"].road_class == "expressway"], "#d7191c", 1.9, 3, casing=3.0)
    _plot_outlines(ax, v["mines"], "#1a1a1a", 0.9, "-", 4)
    _plot_outlines(ax, v["waste_dumps"], "#5b4636", 0.6, "-", 4)
    _plot_outlines(ax, v["nature_reserve"], "white", 3.0, "-", 5)
    _plot_outlines(ax, v["nature_reserve"], "#7b2d8e", 1.8, (0, (4, 2)), 5)
    towns = v["towns"].sort_values(["is_city_core", "population"], ascending=False, kind="stable")
    for rank, row in enumerate(towns.itertuples()):
        core = bool(row.is_city_core)
        ax.plot(
            row.geometry.x / 1000,
            row.geometry.y / 1000,
            marker="s" if core else "o",
            ms=6 if core else 3.2,
            mfc="white",
            mec="black",
            mew=0.8,
            zorder=6,
        )
        if rank >= 30:  # on big maps only the largest towns are named, to keep the map readable
            continue
        ax.annotate(
            row.name,
            (row.geometry.x / 1000, row.geometry.y / 1000),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=9 if core else 6.5,
            fontweight="bold" if core else "normal",
            zorder=7,
            bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.6),
        )
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)
    ax.set_xlabel("Easting (km, EPSG:4548)")
    ax.set_ylabel("Northing (km, EPSG:4548)")
    ax.ticklabel_format(useOffset=False, style="plain")
    ax.tick_params(labelsize=8)
    ax.set_title(
        f"Synthetic mining city (seed {city.seed}, {city.size} x {city.size} cells at {g.cell_size_m:g} m)", fontsize=11
    )
    scale_bar(ax, right - left, factor=1.0, unit="km")  # the axes are in km already
    north_arrow(ax)

    handles = [
        Patch(
            facecolor=np.asarray(LANDCOVER_COLORS[c]) / 255,
            edgecolor="#555555",
            lw=0.4,
            label=f"{c} {LANDCOVER_CODES[c]}",
        )
        for c in LANDCOVER_CODES
    ]
    handles += [
        Line2D([], [], color="#d7191c", lw=2.2, label="expressway"),
        Line2D([], [], color="#f29f05", lw=1.5, label="first-class highway"),
        Line2D([], [], color="#6b5a4e", lw=0.7, label="local road"),
        Patch(facecolor="none", edgecolor="#1a1a1a", lw=0.9, label="mine"),
        Patch(facecolor="none", edgecolor="#5b4636", lw=0.7, label="waste dump"),
        Patch(facecolor="none", edgecolor="#7b2d8e", lw=1.6, ls="--", label="nature reserve"),
        Line2D([], [], marker="s", ls="none", mfc="white", mec="black", label="city core"),
        Line2D([], [], marker="o", ls="none", ms=4, mfc="white", mec="black", label="town"),
    ]
    fig.legend(
        handles=handles,
        loc="center left",
        bbox_to_anchor=(0.73, 0.5),
        fontsize=8.5,
        frameon=False,
        title="Land cover (GlobeLand30)",
        title_fontsize=9,
        alignment="left",
    )
    fig.text(0.735, 0.08, "Synthetic data generated by econet.demo;\nnot a real place.", fontsize=7.5, color="#555555")
    return write_png(path, fig)


def _plot_lines(ax, gdf, color, lw, zorder, casing=None):
    from matplotlib.collections import LineCollection

    segs = [np.asarray(geom.coords) / 1000 for geom in gdf.geometry if geom is not None and not geom.is_empty]
    if not segs:
        return
    if casing:  # a thin white edge keeps main roads readable over built-up land
        ax.add_collection(LineCollection(segs, colors="white", linewidths=casing, zorder=zorder, capstyle="round"))
    ax.add_collection(LineCollection(segs, colors=color, linewidths=lw, zorder=zorder, capstyle="round"))


def _plot_outlines(ax, gdf, color, lw, ls, zorder):
    from matplotlib.collections import LineCollection

    rings = [
        np.asarray(poly.exterior.coords) / 1000 for geom in gdf.geometry for poly in getattr(geom, "geoms", [geom])
    ]
    if rings:
        ax.add_collection(LineCollection(rings, colors=color, linewidths=lw, linestyles=ls, zorder=zorder))


def write_province(province: Province, out_dir, strip_rows: int = STRIP_ROWS) -> dict[str, Path]:
    """Write the province under ``out_dir`` strip by strip (``strip_rows`` rows, a multiple of
    256, at a time: memory is bounded by the strip, not the grid); return {name: path}.

    Keys: each raster (``layers/<name>.tif``), ``"gpkg"`` (``province.gpkg``) and ``"readme"``.
    The bytes do not depend on ``strip_rows``."""
    if strip_rows <= 0 or strip_rows % 256:
        raise ValueError(f"strip_rows must be a positive multiple of 256 (whole GeoTIFF tiles), got {strip_rows}")
    out = Path(out_dir)
    (out / "layers").mkdir(parents=True, exist_ok=True)
    g = province.grid
    tags = {"synthetic": "yes", "generator": "econet.demo.province", "seed": province.seed, "size": province.size}
    paths = {name: out / "layers" / f"{name}.tif" for name in PROVINCE_LAYERS}
    counts = np.zeros(256, np.int64)
    with contextlib.ExitStack() as stack:
        put = {
            name: stack.enter_context(
                raster_writer(
                    paths[name],
                    g,
                    dtype,
                    colormap=_landcover_colormap() if name == "landcover" else None,
                    description=f"{text} [{unit}]",
                    tags=dict(tags, units=unit),
                )
            )
            for name, (dtype, unit, text) in PROVINCE_LAYERS.items()
        }
        for row0 in range(0, g.height, strip_rows):
            strip = province_strip(province, row0, min(g.height, row0 + strip_rows))
            for name, rows in strip.items():
                put[name](rows, row0)
            counts += np.bincount(strip["landcover"].ravel(), minlength=256)
    paths["gpkg"] = write_vector(out / "province.gpkg", {k: province.vectors[k] for k in PROVINCE_VECTORS})
    shares = {code: counts[code] / counts.sum() for code in LANDCOVER_CODES}
    paths["readme"] = write_text(out / "README.txt", _province_readme(province, shares))
    return paths


def _province_readme(p: Province, shares: dict[int, float]) -> str:
    g = p.grid
    lines = [
        "econet demo: a SYNTHETIC province",
        "=" * 33,
        "",
        "Every layer here is generated by econet.demo.province from a random seed: cities, coalfields, mountain",
        "ranges and a river system on a plain. It is not a real place; do not use it for decisions.",
        "",
        f"seed: {p.seed}    size: {p.size} x {p.size} cells    cell: {g.cell_size_m:g} m    area: {g.area_km2:.0f} km2",
        f"CRS: {g.crs.to_string()}",
        "bounds (left, bottom, right, top, m): " + ", ".join(f"{v:.0f}" for v in g.bounds),
        "",
        "Land cover shares: " + ", ".join(f"{LANDCOVER_CODES[c]} {100 * s:.1f} %" for c, s in shares.items()),
        "",
        "Rasters (layers/<name>.tif):",
    ]
    for name, (dtype, unit, text) in PROVINCE_LAYERS.items():
        lines.append(f"  {name + '.tif':<16} {text} [{dtype}, {unit}]")
    lines += ["", "Vector layers (layers of province.gpkg):"]
    for name in PROVINCE_VECTORS:
        lines.append(f"  {name:<12} {len(p.vectors[name]):>5} features")
    return "\n".join(lines + [""])
