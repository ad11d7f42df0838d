"""Ecological sources from MSPA cores and the patch table (docs/methods/sources.md; the
Xuzhou SEEC preprint, §3.1.1).

The patch table works for any labelled raster (0 = no patch, 1..n = patches): areas, perimeter,
FRAGSTATS SHAPE, the Xuzhou SEEC preprint's shape index LSI, centroid, a point guaranteed inside,
dominant land cover and source type, and zonal means of named layers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rasterio.features import shapes
from scipy import ndimage

from econet.grid import Grid
from econet.landcover import LandCoverClass
from econet.zonal import zonal_mean

STRUCTURE = {4: ndimage.generate_binary_structure(2, 1), 8: np.ones((3, 3), bool)}
_ROWS_PER_CHUNK = 256  # per-label sums run over row blocks so no full-size temporaries are made


@dataclass
class Sources:
    """Source patches: a GeoDataFrame (one row per source, ``id`` from 1) and a label raster
    on the template grid (0 = not a source). ``steps`` records how a selection got there
    (patches and area after each rule); ``rasters`` holds intermediate rasters worth writing
    (service levels, sensitivity classes); ``stepping_stones`` the islet candidates."""

    table: gpd.GeoDataFrame
    labels: np.ndarray
    steps: pd.DataFrame | None = None
    rasters: dict[str, np.ndarray] = field(default_factory=dict)
    stepping_stones: Sources | None = None
    weights: pd.DataFrame | None = None  # weights of the services / sensitivity rules, and how obtained

    def __len__(self) -> int:
        return len(self.table)


def label_patches(mask: np.ndarray, connectivity: int = 8) -> tuple[np.ndarray, int]:
    """Connected patches of a boolean mask (int32 labels 1..n, 0 outside)."""
    labels, n = ndimage.label(mask, structure=STRUCTURE[connectivity], output=np.int32)
    return labels, int(n)


def patch_cells(labels: np.ndarray, n: int | None = None) -> np.ndarray:
    """Cells per label 0..n."""
    n = int(labels.max()) if n is None else n
    return np.bincount(labels.ravel(), minlength=n + 1)


def relabel(labels: np.ndarray, keep: np.ndarray, n: int | None = None) -> np.ndarray:
    """Keep only the labels in ``keep`` and renumber them 1..k by descending area (ties by old
    id), so ids are stable and the largest source is 1."""
    n = int(labels.max()) if n is None else n
    cells = patch_cells(labels, n)
    keep = np.asarray(keep, dtype=np.int64)
    keep = keep[(keep > 0) & (keep <= n)]
    order = keep[np.lexsort((keep, -cells[keep]))]
    lut = np.zeros(n + 1, dtype=np.int32)
    lut[order] = np.arange(1, len(order) + 1, dtype=np.int32)
    return lut[labels]


def filter_by_area(labels: np.ndarray, cell_area_m2: float, min_area_km2: float) -> np.ndarray:
    """Patches of at least ``min_area_km2`` (≥, as Tong et al. 2025: "sources ≥ 4 km²"), renumbered."""
    n = int(labels.max())
    cells = patch_cells(labels, n)
    min_cells = min_area_km2 * 1e6 / cell_area_m2
    keep = np.flatnonzero(cells >= min_cells - 1e-9)
    return relabel(labels, keep, n)


def core_mask(mspa_result: np.ndarray, core_code: int = 17) -> np.ndarray:
    """MSPA Core cells, including cores inside core holes (Intext code 117)."""
    return (mspa_result == core_code) | (mspa_result == core_code + 100)


def core_sources(
    mspa_result: np.ndarray,
    landcover: np.ndarray,
    grid: Grid,
    classes: tuple[LandCoverClass, ...],
    min_area_km2: float,
    connectivity: int = 8,
    core_code: int = 17,
    layers: dict[str, np.ndarray] | None = None,
) -> Sources:
    """Connected MSPA Core patches of at least ``min_area_km2``, typed by dominant land cover.

    The Xuzhou SEEC preprint keeps cores > 4 km²; Tong et al. (2025) use cores > 50 ha then
    sources >= 4 km².
    Core pixels inside core holes (Intext, code 117) count as core.
    """
    labels, _ = label_patches(core_mask(mspa_result, core_code), connectivity)
    labels = filter_by_area(labels, grid.cell_area_m2, min_area_km2)
    table = patch_table(labels, landcover, grid, classes, layers)
    return Sources(table=table, labels=labels)


def min_perimeter_cells(cells: np.ndarray) -> np.ndarray:
    """FRAGSTATS' minimum perimeter (cell edges) of a raster patch of ``cells`` cells: with
    n = ⌊√a⌋, 4n if a = n², 4n + 2 if n² < a ≤ n(n + 1), else 4n + 4 (McGarigal, SHAPE)."""
    a = np.asarray(cells, dtype=np.int64)
    n = np.floor(np.sqrt(a)).astype(np.int64)
    n -= (n * n > a).astype(np.int64)  # guard float rounding of √a
    n += ((n + 1) * (n + 1) <= a).astype(np.int64)
    return np.where(a == n * n, 4 * n, np.where(a <= n * (n + 1), 4 * n + 2, 4 * n + 4))


def edge_counts(labels: np.ndarray, n: int) -> np.ndarray:
    """Perimeter of each label 0..n in cell edges: edges to any other value or to the raster
    border (FRAGSTATS counts the landscape boundary as edge of the patch)."""
    counts = np.zeros(n + 1, dtype=np.int64)
    for r0 in range(0, labels.shape[0], _ROWS_PER_CHUNK):
        block = labels[r0 : r0 + _ROWS_PER_CHUNK + 1]  # one row of overlap for vertical edges
        rows = labels[r0 : r0 + _ROWS_PER_CHUNK]
        a, b = rows[:, :-1], rows[:, 1:]
        d = a != b
        counts += np.bincount(a[d], minlength=n + 1) + np.bincount(b[d], minlength=n + 1)
        a, b = block[:-1], block[1:]
        d = a != b
        counts += np.bincount(a[d], minlength=n + 1) + np.bincount(b[d], minlength=n + 1)
    for edge in (labels[0], labels[-1], labels[:, 0], labels[:, -1]):
        counts += np.bincount(edge, minlength=n + 1)
    counts[0] = 0
    return counts


def zonal_means(labels: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Mean of ``values`` over each label 1..n, ignoring NaN cells (NaN when none is valid)."""
    return zonal_mean(labels, values, n + 1)[1:]


def class_counts(labels: np.ndarray, landcover: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(codes, counts[n, len(codes)]): land-cover cells per label 1..n."""
    inside = labels > 0
    codes = np.unique(landcover[inside]) if inside.any() else np.zeros(0, dtype=np.int64)
    counts = np.zeros((n + 1, max(len(codes), 1)), dtype=np.int64)
    if len(codes) == 0:
        return codes, counts[1:]
    k = len(codes)
    for r0 in range(0, labels.shape[0], _ROWS_PER_CHUNK):
        lab = labels[r0 : r0 + _ROWS_PER_CHUNK].ravel()
        ok = lab > 0
        idx = np.searchsorted(codes, landcover[r0 : r0 + _ROWS_PER_CHUNK].ravel()[ok])
        counts += np.bincount(lab[ok].astype(np.int64) * k + idx, minlength=(n + 1) * k).reshape(n + 1, k)
    return codes, counts[1:]


def shape_index_lsi(perimeter_m: np.ndarray, area_m2: np.ndarray) -> np.ndarray:
    """The Xuzhou SEEC preprint's shape index against a circle: LSI = E / (2 √(π A)); 1 for a circle."""
    return np.asarray(perimeter_m, float) / (2.0 * np.sqrt(np.pi * np.asarray(area_m2, float)))


def patch_table(
    labels: np.ndarray,
    landcover: np.ndarray,
    grid: Grid,
    classes,
    layers: dict[str, np.ndarray] | None = None,
) -> gpd.GeoDataFrame:
    """One row per label 1..n (labels must be consecutive).

    Columns: id, source_type, dominant_class, dominant_class_name, area_km2, area_ha,
    perimeter_km, shape (FRAGSTATS SHAPE = perimeter / minimum perimeter of a raster patch of
    that many cells; 1 for the most compact), lsi (the Xuzhou SEEC preprint's
    E / (2√(πA)), 1 for a circle),
    centroid_x/_y, inside_x/_y (a point on the patch, guaranteed inside it), ``mean_<name>``
    for every layer in ``layers`` (NaN cells ignored) and the polygon. The source type is that
    of the dominant class with a source type (a patch unioned with a protected polygon may be
    dominated by, say, cropland and still be forest); None if no cell has one.
    """
    n = int(labels.max())
    layers = layers or {}
    cols = [
        "id",
        "source_type",
        "dominant_class",
        "dominant_class_name",
        "area_km2",
        "area_ha",
        "perimeter_km",
        "shape",
        "lsi",
        "centroid_x",
        "centroid_y",
        "inside_x",
        "inside_y",
    ] + [f"mean_{k}" for k in layers]
    if n == 0:
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=grid.crs)
    cells = patch_cells(labels, n)[1:]
    if (cells == 0).any():
        raise ValueError("patch labels must run 1..n without gaps; renumber them with habitat.sources.relabel")
    area_m2 = cells * grid.cell_area_m2
    edges = edge_counts(labels, n)[1:]
    perimeter_m = edges * grid.cell_size_m
    by_code = {c.code: c for c in classes}
    codes, counts = class_counts(labels, landcover, n)
    dominant = codes[np.argmax(counts, axis=1)].astype(int)
    typed = np.array([by_code.get(int(c)) is not None and by_code[int(c)].source_type is not None for c in codes])
    if typed.any():
        typed_counts = np.where(typed[None, :], counts, -1)
        best_typed = codes[np.argmax(typed_counts, axis=1)]
        has_typed = (counts[:, typed] > 0).any(axis=1)
        source_type = [by_code[int(c)].source_type if ok else None for c, ok in zip(best_typed, has_typed)]
    else:
        source_type = [None] * n
    geoms = polygonize(labels, grid, n)
    centroids = shapely.centroid(geoms)
    inside = shapely.point_on_surface(geoms)
    data = {
        "id": np.arange(1, n + 1),
        "source_type": source_type,
        "dominant_class": dominant,
        "dominant_class_name": [by_code[c].name if c in by_code else "unknown" for c in dominant],
        "area_km2": area_m2 / 1e6,
        "area_ha": area_m2 / 1e4,
        "perimeter_km": perimeter_m / 1e3,
        "shape": edges / min_perimeter_cells(cells),
        "lsi": shape_index_lsi(perimeter_m, area_m2),
        "centroid_x": shapely.get_x(centroids),
        "centroid_y": shapely.get_y(centroids),
        "inside_x": shapely.get_x(inside),
        "inside_y": shapely.get_y(inside),
    }
    for name, values in layers.items():
        data[f"mean_{name}"] = zonal_means(labels, values, n)
    return gpd.GeoDataFrame(data, geometry=geoms, crs=grid.crs)


def polygonize(labels: np.ndarray, grid: Grid, n: int) -> np.ndarray:
    """One (multi)polygon per label 1..n, traced from cell edges by GDAL (4-connected pieces).

    An 8-connected patch whose pieces touch only at cell corners becomes a MultiPolygon of its
    pieces (valid: parts of a MultiPolygon may touch at points), which is much faster than a
    union and gives the same area and boundary length.
    """
    pieces: list[list] = [[] for _ in range(n + 1)]
    for geom, value in shapes(labels, mask=labels > 0, connectivity=4, transform=grid.transform):
        rings = geom["coordinates"]
        pieces[int(value)].append(shapely.Polygon(rings[0], rings[1:]))
    out = np.empty(n, dtype=object)
    for i in range(1, n + 1):
        parts = pieces[i]
        out[i - 1] = parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)
    return out


__all__ = [
    "Sources",
    "core_mask",
    "core_sources",
    "edge_counts",
    "filter_by_area",
    "label_patches",
    "min_perimeter_cells",
    "patch_table",
    "polygonize",
    "relabel",
    "shape_index_lsi",
    "zonal_means",
]
