"""Kernel density of line features in km per km² (docs/methods/resistance.md#factors-resistancefactors;
the Xuzhou SEEC preprint's water-network and road-network density).

Line length is first accumulated per cell (lines are cut into pieces of at most an eighth of a
cell and each piece's length goes to the cell holding its midpoint, so the total length is
exact), then spread with a kernel of radius ``radius_m``:

- ``quartic``: ArcGIS Kernel Density for lines (Silverman 1986, eq. 4.5):
  K(d) = 3 / (π r²) · (1 - d²/r²)², integrating to 1 over the disc of radius r;
- ``uniform``: ArcGIS Line Density ("simple"): length within r divided by π r².

Either way the sum over the grid of density x cell area equals the total length (away from the
grid's edges), and a long straight line has density 2/(π r) (uniform) or 16/(5 π r) (quartic)
on its axis.

The kernel is spread from the cells that hold features, directly (not by FFT): each cell's
density adds its sources' contributions in raster order, so the density of a window, computed
from the sources within a radius of it, is the same number as on the whole grid (issue 20), and
cells beyond the radius of every feature are exactly 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numba
import numpy as np
import shapely

from econet.grid import Grid
from econet.windows import Window


def line_lengths(geometries, grid: Grid, pieces_per_cell: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """The cells holding line features (flat indices, ascending) and the length (m, float64) in
    each. Polygons count by their boundary."""
    geoms = [g for g in geometries if g is not None and not g.is_empty]
    if not geoms:
        return np.zeros(0, np.int64), np.zeros(0)
    geoms = [g.boundary if g.geom_type in ("Polygon", "MultiPolygon") else g for g in geoms]
    parts = shapely.get_parts(shapely.get_parts(np.asarray(geoms, dtype=object)))
    parts = parts[shapely.get_type_id(parts) == 1]  # LineString (boundaries may be MultiLineString)
    coords, index = shapely.get_coordinates(parts, return_index=True)
    same = index[1:] == index[:-1]
    a, b = coords[:-1][same], coords[1:][same]
    seg = np.hypot(*(b - a).T)
    step = grid.cell_size_m / pieces_per_cell
    n = np.maximum(np.ceil(seg / step).astype(np.int64), 1)
    # Segments in chunks of about _PIECES pieces: memory bounded by the chunk, not by the total
    # length of the lines; the chunks depend on the lines alone, so every window sums alike.
    cuts = np.searchsorted(np.cumsum(n), np.arange(_PIECES, n.sum(), _PIECES), side="right")
    edges = np.unique(np.concatenate([[0], cuts, [n.size]]))
    found = [_piece_lengths(a[i:j], b[i:j], seg[i:j], n[i:j], grid) for i, j in zip(edges[:-1], edges[1:])]
    if not found:
        return np.zeros(0, np.int64), np.zeros(0)
    cells, which = np.unique(np.concatenate([c for c, _ in found]), return_inverse=True)
    return cells, np.bincount(which, weights=np.concatenate([v for _, v in found]))


_PIECES = 1 << 18


def _piece_lengths(a, b, seg, n, grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Segments a-b cut into n pieces each: the cells holding the pieces' midpoints and the
    length in each."""
    rep = np.repeat(np.arange(len(seg)), n)
    k = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    t = (k + 0.5) / n[rep]
    mid = a[rep] + (b - a)[rep] * t[:, None]
    length = (seg / n)[rep]
    ia, ib, ic, id_, ie, if_ = (~grid.transform)[:6]
    col = ia * mid[:, 0] + ib * mid[:, 1] + ic
    row = id_ * mid[:, 0] + ie * mid[:, 1] + if_
    row, col = np.floor(row).astype(np.int64), np.floor(col).astype(np.int64)
    inside = (row >= 0) & (row < grid.height) & (col >= 0) & (col < grid.width)
    cells, which = np.unique(row[inside] * grid.width + col[inside], return_inverse=True)
    return cells, np.bincount(which, weights=length[inside], minlength=cells.size)


def line_length_m(geometries, grid: Grid, pieces_per_cell: int = 8) -> np.ndarray:
    """Length of line features (m) in each cell (float64). Polygons count by their boundary."""
    out = np.zeros(grid.shape, dtype=np.float64)
    cells, lengths = line_lengths(geometries, grid, pieces_per_cell)
    out.ravel()[cells] = lengths
    return out


def kernel(radius_m: float, cell_size_m: float, shape: Literal["quartic", "uniform"] = "quartic") -> np.ndarray:
    """Kernel weights per cell (1/m²) on a (2k+1)² window, k = ceil(radius / cell); Σ w · cell² = 1."""
    k = int(np.ceil(radius_m / cell_size_m))
    yy, xx = np.mgrid[-k : k + 1, -k : k + 1] * cell_size_m
    d2 = (xx**2 + yy**2) / radius_m**2
    inside = d2 <= 1.0
    if shape == "quartic":
        w = np.where(inside, 3.0 / (np.pi * radius_m**2) * (1.0 - d2) ** 2, 0.0)
    elif shape == "uniform":
        w = np.where(inside, 1.0 / (np.pi * radius_m**2), 0.0)
    else:
        raise ValueError(f"kernel must be 'quartic' or 'uniform', got {shape!r}")
    # Renormalise the sampled kernel so that it integrates to exactly 1 on the grid: total line
    # length is preserved whatever the ratio of radius to cell size.
    return w / (w.sum() * cell_size_m**2)


def line_density_km_km2(
    geometries, grid: Grid, radius_m: float, shape: Literal["quartic", "uniform"] = "quartic"
) -> np.ndarray:
    """Density of line features (km of line per km², float32) with search radius ``radius_m``."""
    return line_density_on(geometries, grid, radius_m, shape)(Window(0, 0, *grid.shape))


def line_density_on(
    geometries, grid: Grid, radius_m: float, shape: Literal["quartic", "uniform"] = "quartic"
) -> Callable[[Window], np.ndarray]:
    """:func:`line_density_km_km2` as a function of the window it is computed on."""
    if radius_m < grid.cell_size_m:
        raise ValueError(f"radius_m ({radius_m}) must be at least one cell ({grid.cell_size_m} m)")
    cells, lengths = line_lengths(geometries, grid)
    weights = kernel(radius_m, grid.cell_size_m, shape)
    # m/m² -> km/km²
    return lambda window: (spread(cells, lengths, weights, grid.shape, window) * 1000.0).astype(np.float32)


def point_density_per_km2(
    geometries, grid: Grid, radius_m: float, shape: Literal["quartic", "uniform"] = "quartic"
) -> np.ndarray:
    """Kernel density of point features in points per km² (float32), ArcGIS Kernel Density /
    Point Density with search radius ``radius_m`` (the geohazard-site density of Yang et al.).

    Each point counts in the cell holding it (multi-points count each part; points outside the
    grid are dropped); a lone point far from the edges gives 10⁶/(π r²) per km² within r with the
    uniform kernel, and the density integrates to the number of points."""
    return point_density_on(geometries, grid, radius_m, shape)(Window(0, 0, *grid.shape))


def point_density_on(
    geometries, grid: Grid, radius_m: float, shape: Literal["quartic", "uniform"] = "quartic"
) -> Callable[[Window], np.ndarray]:
    """:func:`point_density_per_km2` as a function of the window it is computed on."""
    if radius_m < grid.cell_size_m:
        raise ValueError(f"radius_m ({radius_m}) must be at least one cell ({grid.cell_size_m} m)")
    geoms = np.asarray([g for g in geometries if g is not None and not g.is_empty], dtype=object)
    cells, counts = np.zeros(0, np.int64), np.zeros(0)
    if geoms.size:
        xy = shapely.get_coordinates(shapely.get_parts(geoms))
        ia, ib, ic, id_, ie, if_ = (~grid.transform)[:6]
        col = np.floor(ia * xy[:, 0] + ib * xy[:, 1] + ic).astype(np.int64)
        row = np.floor(id_ * xy[:, 0] + ie * xy[:, 1] + if_).astype(np.int64)
        inside = (row >= 0) & (row < grid.height) & (col >= 0) & (col < grid.width)
        cells, which = np.unique(row[inside] * grid.width + col[inside], return_inverse=True)
        counts = np.bincount(which).astype(np.float64)
    weights = kernel(radius_m, grid.cell_size_m, shape)
    return lambda window: (spread(cells, counts, weights, grid.shape, window) * 1e6).astype(np.float32)


def spread(
    cells: np.ndarray, values: np.ndarray, weights: np.ndarray, shape, window: Window | None = None
) -> np.ndarray:
    """Σ over the source ``cells`` (flat indices, ascending) of ``values`` x ``weights`` centred on
    each source (a (2k+1)² kernel), on ``window`` of a grid of ``shape`` (default: all of it),
    float64. Only the sources within k cells of the window are read, in raster order, so every
    cell sums the same terms in the same order whatever the window."""
    window = window or Window(0, 0, int(shape[0]), int(shape[1]))
    k = weights.shape[0] // 2
    rows, cols = np.divmod(cells, shape[1])
    lo, hi = np.searchsorted(rows, [window.row - k, window.row + window.height + k])
    rows, cols, values = rows[lo:hi], cols[lo:hi], values[lo:hi]
    near = (cols >= window.col - k) & (cols < window.col + window.width + k)
    out = np.zeros(window.shape, np.float64)
    _spread(rows[near] - window.row, cols[near] - window.col, values[near], weights, out)
    return out


@numba.njit(cache=True)
def _spread(rows, cols, values, weights, out):  # pragma: no cover - compiled
    k = weights.shape[0] // 2
    h, w = out.shape
    for i in range(rows.size):
        r, c, v = rows[i], cols[i], values[i]
        for dr in range(max(-k, -r), min(k, h - 1 - r) + 1):
            for dc in range(max(-k, -c), min(k, w - 1 - c) + 1):
                out[r + dr, c + dc] += weights[k + dr, k + dc] * v


__all__ = [
    "kernel",
    "line_density_km_km2",
    "line_density_on",
    "line_length_m",
    "line_lengths",
    "point_density_on",
    "point_density_per_km2",
    "spread",
]
