"""Array helpers every stage shares: scaling, weighted overlay, nodata, rasterising, union-find.

The ground level of econet: pure functions over NumPy arrays (and shapely geometries), no file
I/O, no study configuration. Each concept is written once here and used everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

# ---- scaling and weighted overlay -------------------------------------------------------------


def minmax(values: np.ndarray, mask: np.ndarray | None = None, dtype=np.float32) -> np.ndarray:
    """Min-max rescaling to 0..1, (x - min) / (max - min), computed in ``dtype``.

    The minimum and maximum are taken over the finite cells inside ``mask`` (default: every
    finite cell); cells outside are NaN. A constant layer becomes 0 (as the RSEI indicators are
    normalised, Xu 2013).
    """
    v = np.asarray(values, dtype=dtype)
    m = np.isfinite(v) if mask is None else (np.asarray(mask, dtype=bool) & np.isfinite(v))
    if not m.any():
        return np.full(v.shape, np.nan, dtype)
    # ``where`` instead of v[m]: no copy of the selected cells.
    lo = np.min(v, where=m, initial=np.inf)
    hi = np.max(v, where=m, initial=-np.inf)
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


# ---- union-find -------------------------------------------------------------------------------

# None here: a fixed set of pairs is grouped with scipy.sparse.csgraph.connected_components
# (habitat.selection.merge_within); attacks, which add nodes back one at a time, keep their
# incremental union-find in network.robustness.


# ---- terrain ----------------------------------------------------------------------------------


def slope_deg(dem: np.ndarray, cell_size_m: float) -> np.ndarray:
    """Slope in degrees (float32) of a DEM in metres on square cells of ``cell_size_m`` metres, by
    Horn's (1981) 3x3 method, as ArcGIS Slope and GDAL gdaldem compute it.

    Edge cells reuse their nearest neighbours (edge padding); NaN cells propagate to their
    neighbourhood.
    """
    z = np.pad(np.asarray(dem, dtype=np.float64), 1, mode="edge")
    a, b, c = z[:-2, :-2], z[:-2, 1:-1], z[:-2, 2:]
    d, f = z[1:-1, :-2], z[1:-1, 2:]
    g, h, i = z[2:, :-2], z[2:, 1:-1], z[2:, 2:]
    dzdx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8 * cell_size_m)
    dzdy = ((g + 2 * h + i) - (a + 2 * b + c)) / (8 * cell_size_m)
    return np.degrees(np.arctan(np.hypot(dzdx, dzdy))).astype(np.float32)


__all__: list[str] = ["minmax", "slope_deg", "weighted_overlay"]
