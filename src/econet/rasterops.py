"""Array helpers every stage shares: scaling, weighted overlay, nodata, rasterising, slope.

The ground level of econet: pure functions over NumPy arrays (and shapely geometries), no file
I/O, no study configuration. Each concept is written once here and used everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

# ---- scaling and weighted overlay -------------------------------------------------------------


def minmax(
    values: np.ndarray, mask: np.ndarray | None = None, dtype=np.float32, bounds: tuple[float, float] | None = None
) -> np.ndarray:
    """Min-max rescaling to 0..1, (x - min) / (max - min), computed in ``dtype``.

    The minimum and maximum are taken over the finite cells inside ``mask`` (default: every
    finite cell); cells outside are NaN. A constant layer becomes 0 (as the RSEI indicators are
    normalised, Xu 2013). ``bounds``: the (min, max) of the whole grid when ``values`` is one
    window of it (``econet.windows.finite_min_max``); (NaN, NaN) when it has no finite cell.
    """
    v = np.asarray(values, dtype=dtype)
    m = np.isfinite(v) if mask is None else (np.asarray(mask, dtype=bool) & np.isfinite(v))
    if bounds is None:
        if not m.any():
            return np.full(v.shape, np.nan, dtype)
        # ``where`` instead of v[m]: no copy of the selected cells.
        lo = np.min(v, where=m, initial=np.inf)
        hi = np.max(v, where=m, initial=-np.inf)
    elif np.isnan(bounds[0]):
        return np.full(v.shape, np.nan, dtype)
    else:
        lo, hi = (np.dtype(dtype).type(b) for b in bounds)
    span = hi - lo
    out = (v - lo) / span if span > 0 else np.zeros(v.shape, dtype)
    out = out.astype(dtype, copy=False)
    out[~m] = np.nan
    return out


def weighted_overlay(
    layers: Mapping[str, np.ndarray], weights: Mapping[str, float], dtype=np.float32, unit_sum: bool = False
) -> np.ndarray:
    """Weighted linear combination S = Σ wᵢ xᵢ of the layers named in ``weights`` (the weighted
    overlay of multi-criteria GIS analysis, Malczewski 2000), in ``dtype``.

    A cell that is NaN in any weighted layer is NaN; a layer with weight 0 is left out, and layers
    without a weight are ignored. With ``unit_sum`` the weights must sum to 1 (within 1e-6), which
    keeps S on the layers' scale. The sum is accumulated in place, so at most one result-sized
    buffer and one weighted layer are alive at a time.
    """
    missing = sorted(set(weights) - set(layers))
    if missing:
        raise ValueError(f"no layer for weighted name(s) {missing}")
    if unit_sum:
        total = sum(weights.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"weights must sum to 1, got {total}")
    scalar = np.dtype(dtype).type
    out = None
    for name, w in weights.items():
        if w == 0:
            continue
        term = scalar(w) * np.asarray(layers[name], dtype=dtype)
        if out is None:
            out = term
        else:
            out += term
    if out is None:
        raise ValueError("every weight is 0: nothing to overlay")
    return out


# ---- nodata and rasterising -------------------------------------------------------------------


def nodata_mask(data: np.ndarray, nodata) -> np.ndarray:
    """Cells holding no data: equal to ``nodata`` compared in the data's own dtype (so a float32
    raster's -3.4e38 matches its header's float64 value), and NaN cells of a float raster.

    A nodata value the dtype cannot hold (-9999 in a byte raster, 0.5 in an integer one) matches
    no cell; ``nodata`` None marks only the NaN cells.
    """
    data = np.asarray(data)
    floating = np.issubdtype(data.dtype, np.floating)
    mask = np.isnan(data) if floating else np.zeros(data.shape, dtype=bool)
    if nodata is None or np.isnan(nodata):
        return mask
    if floating:
        with np.errstate(over="ignore"):  # beyond float32's range: inf, which no finite cell equals
            value = np.asarray(nodata).astype(data.dtype)
    elif np.issubdtype(data.dtype, np.integer) and float(nodata).is_integer():
        info = np.iinfo(data.dtype)
        if not info.min <= int(nodata) <= info.max:
            return mask
        value = data.dtype.type(int(nodata))
    elif data.dtype == bool and nodata in (0, 1):
        value = bool(nodata)
    else:
        return mask
    return mask | (data == value)


def nodata_to_nan(data: np.ndarray, nodata, dtype=None, *, copy: bool = True) -> np.ndarray:
    """A float copy of ``data`` with its nodata cells (see :func:`nodata_mask`) NaN.

    ``dtype`` defaults to float32 for float32 data and float64 otherwise. With ``copy=False``,
    data already of that dtype is changed in place and returned (for arrays just read).
    """
    data = np.asarray(data)
    if dtype is None:
        dtype = np.float32 if data.dtype == np.float32 else np.float64
    mask = nodata_mask(data, nodata)
    out = data.astype(dtype, copy=copy)
    out[mask] = np.nan
    return out


def rasterize(shapes, grid, *, all_touched: bool = False, dtype=np.uint8, fill=0) -> np.ndarray:
    """Burn ``(geometry, value)`` pairs onto ``grid`` (anything with ``shape`` and ``transform``).

    A cell takes the value of the last geometry covering its centre (GDAL's rule) or, with
    ``all_touched``, of the last one touching it; other cells hold ``fill``. None and empty
    geometries are skipped. Geometries are in the grid's CRS.
    """
    shapes = [(g, v) for g, v in shapes if g is not None and not g.is_empty]
    if not shapes:
        return np.full(grid.shape, fill, dtype=dtype)
    from rasterio import features  # rasterio loads GDAL: only when there is something to burn

    return features.rasterize(
        shapes, out_shape=grid.shape, transform=grid.transform, fill=fill, all_touched=all_touched, dtype=dtype
    )


# ---- union-find -------------------------------------------------------------------------------

# None here: a fixed set of pairs is grouped with scipy.sparse.csgraph.connected_components
# (habitat.selection.merge_within); attacks, which add nodes back one at a time, keep their
# incremental union-find in network.robustness.


# ---- terrain ----------------------------------------------------------------------------------


def slope_deg(dem: np.ndarray, cell_size_m: float) -> np.ndarray:
    """Slope in degrees (float32) of a DEM in metres on square cells of ``cell_size_m`` metres, by
    Horn's (1981) 3x3 method, as ArcGIS Slope and GDAL 3.6 ``gdaldem slope -compute_edges``
    compute it.

    Every cell with a value gets a slope, also on the grid's and the data's edges (a study area
    clipped out of a larger DEM has a nodata neighbour all round): as gdaldem does with
    ``-compute_edges``, a neighbour beyond the grid is extrapolated linearly from the two cells
    inside (2 z0 - z1), and a neighbour that is NaN takes the centre cell's value. A NaN cell
    stays NaN.
    """
    z0 = np.asarray(dem, dtype=np.float64)
    if min(z0.shape) < 2:  # too small to extrapolate: repeat the cells
        return _horn(np.pad(z0, 1, mode="edge"), cell_size_m)
    # beyond the grid: linear extrapolation (odd reflection, 2 z0 - z1) ...
    out = _horn(np.pad(z0, 1, mode="reflect", reflect_type="odd"), cell_size_m)
    # ... except in the first and last rows, where gdaldem repeats the edge column sideways
    rows = np.pad(np.pad(z0, ((1, 1), (0, 0)), mode="reflect", reflect_type="odd"), ((0, 0), (1, 1)), mode="edge")
    out[0] = _horn(rows[0:3], cell_size_m)[0]
    out[-1] = _horn(rows[-3:], cell_size_m)[0]
    return out


def _horn(z: np.ndarray, cell_size_m: float) -> np.ndarray:
    """Horn's slope (degrees, float32) of the inner cells of a grid padded by one cell; a NaN
    neighbour takes the centre's value (gdaldem -compute_edges), a NaN centre gives NaN."""
    centre = z[1:-1, 1:-1]

    def at(r: int, c: int) -> np.ndarray:
        w = z[r : r + centre.shape[0], c : c + centre.shape[1]]
        return np.where(np.isnan(w), centre, w)

    a, b, c = at(0, 0), at(0, 1), at(0, 2)
    d, f = at(1, 0), at(1, 2)
    g, h, i = at(2, 0), at(2, 1), at(2, 2)
    dzdx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8 * cell_size_m)
    dzdy = ((g + 2 * h + i) - (a + 2 * b + c)) / (8 * cell_size_m)
    out = np.degrees(np.arctan(np.hypot(dzdx, dzdy)))
    out[np.isnan(centre)] = np.nan  # Horn's stencil leaves the centre out: a hole stays a hole
    return out.astype(np.float32)


__all__: list[str] = ["minmax", "nodata_mask", "nodata_to_nan", "rasterize", "slope_deg", "weighted_overlay"]


# ---- coarser grids ----------------------------------------------------------------------------


def coarsen(values: np.ndarray, factor: int, how: str = "mean") -> np.ndarray:
    """Blocks of ``factor`` x ``factor`` cells as one cell: the mean of the finite cells (NaN
    where none is) or their sum (0 where none is). The last blocks take what is left of the grid."""
    v = np.asarray(values, dtype=np.float64)
    h, w = v.shape
    nr, nc = -(-h // factor), -(-w // factor)
    padded = np.full((nr * factor, nc * factor), np.nan)
    padded[:h, :w] = v
    blocks = padded.reshape(nr, factor, nc, factor)
    finite = np.isfinite(blocks)
    total = np.where(finite, blocks, 0.0).sum(axis=(1, 3))
    if how == "sum":
        return total
    if how != "mean":
        raise ValueError(f"how must be 'mean' or 'sum', not {how!r}")
    count = finite.sum(axis=(1, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def refine(values: np.ndarray, factor: int, shape: tuple[int, int]) -> np.ndarray:
    """A coarse grid back on the fine one: each coarse cell repeated over its block."""
    return np.repeat(np.repeat(values, factor, axis=0), factor, axis=1)[: shape[0], : shape[1]]
