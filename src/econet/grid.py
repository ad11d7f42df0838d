"""The template grid every raster is aligned to (docs/methods/grid.md).

Categorical layers are resampled by nearest neighbour (mode when coarsening); continuous
layers bilinear (average when coarsening).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.warp import reproject

LayerKind = Literal["categorical", "continuous"]


@dataclass(frozen=True)
class Grid:
    """A north-up raster grid: CRS, affine transform and shape (rows, cols)."""

    crs: CRS
    transform: Affine
    shape: tuple[int, int]

    def __post_init__(self):
        t = self.transform
        if t.b != 0 or t.d != 0 or t.e >= 0:
            raise ValueError("Grid must be north-up with no rotation")

    def __repr__(self) -> str:
        crs = self.crs.to_string() if self.crs else "no CRS"
        return f"Grid({self.width} x {self.height} cells of {self.cell_size_m:g} m, origin ({self.transform.c:g}, {self.transform.f:g}), {crs})"

    @property
    def cell_size_m(self) -> float:
        """Cell side in CRS units (metres for a projected CRS); cells must be square."""
        return float(self.transform.a)

    @property
    def cell_area_m2(self) -> float:
        return float(self.transform.a * -self.transform.e)

    @property
    def height(self) -> int:
        return self.shape[0]

    @property
    def width(self) -> int:
        return self.shape[1]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) in CRS units."""
        left, top = self.transform.c, self.transform.f
        right = left + self.width * self.transform.a
        bottom = top + self.height * self.transform.e
        return (left, bottom, right, top)

    @property
    def area_km2(self) -> float:
        return self.height * self.width * self.cell_area_m2 / 1e6

    def xy(self, rows, cols) -> tuple[np.ndarray, np.ndarray]:
        """Map coordinates of cell centres."""
        rows = np.asarray(rows, dtype=float)
        cols = np.asarray(cols, dtype=float)
        x = self.transform.c + (cols + 0.5) * self.transform.a
        y = self.transform.f + (rows + 0.5) * self.transform.e
        return x, y

    def rowcol(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of the cells containing map coordinates (may fall outside)."""
        col = np.floor((np.asarray(x, float) - self.transform.c) / self.transform.a)
        row = np.floor((np.asarray(y, float) - self.transform.f) / self.transform.e)
        return row.astype(np.int64), col.astype(np.int64)

    def same_as(self, crs: CRS, transform: Affine, shape: tuple[int, int], tol: float = 1e-6) -> bool:
        """Whether a raster's georeferencing equals this grid (transform within tol of a cell)."""
        if tuple(shape) != tuple(self.shape) or CRS.from_user_input(crs) != self.crs:
            return False
        tol_units = tol * abs(self.transform.a)
        return all(abs(a - b) <= tol_units for a, b in zip(tuple(transform)[:6], tuple(self.transform)[:6]))

    def to_dict(self) -> dict:
        return {
            "crs": self.crs.to_string(),
            "transform": list(tuple(self.transform)[:6]),
            "shape": list(self.shape),
        }

    @classmethod
    def from_bounds(cls, crs, left: float, bottom: float, right: float, top: float, cell_size: float) -> "Grid":
        """A grid covering the bounds, snapped outward to whole cells from (left, top)."""
        width = int(np.ceil((right - left) / cell_size - 1e-9))
        height = int(np.ceil((top - bottom) / cell_size - 1e-9))
        return cls(CRS.from_user_input(crs), Affine(cell_size, 0, left, 0, -cell_size, top), (height, width))


def resampling_for(kind: LayerKind, src_cell: float, dst_cell: float) -> Resampling:
    """Nearest/mode for categories, bilinear/average for continuous values (docs/methods/grid.md).

    Coarsening (source cells smaller than target cells by more than 1 %) uses mode or average
    so that every source cell contributes; otherwise a point sample is correct.
    """
    coarsening = src_cell < dst_cell * 0.99
    if kind == "categorical":
        return Resampling.mode if coarsening else Resampling.nearest
    return Resampling.average if coarsening else Resampling.bilinear


def align_array(
    data: np.ndarray,
    src_crs,
    src_transform: Affine,
    grid: Grid,
    kind: LayerKind,
    src_nodata=None,
    dst_nodata=None,
    resampling: Resampling | None = None,
) -> np.ndarray:
    """Resample one band onto ``grid``; cells with no source data get ``dst_nodata``.

    Returns the input unchanged (a copy) when it is already on the grid, so aligned layers are
    bit-exact.
    """
    if grid.same_as(src_crs, src_transform, data.shape):
        return np.array(data, copy=True)
    if dst_nodata is None:
        dst_nodata = src_nodata if src_nodata is not None else (np.nan if kind == "continuous" else 0)
    out_dtype = np.float32 if kind == "continuous" and not np.issubdtype(data.dtype, np.floating) else data.dtype
    dst = np.full(grid.shape, dst_nodata, dtype=out_dtype)
    if resampling is None:
        src_cell = abs(src_transform.a)
        # Compare cell sizes in the target's units by projecting one source cell.
        src_cell_in_dst = _cell_size_in(src_crs, src_transform, data.shape, grid.crs) or src_cell
        resampling = resampling_for(kind, src_cell_in_dst, grid.cell_size_m)
    src = data if data.dtype == out_dtype else data.astype(out_dtype)
    reproject(
        source=src,
        destination=dst,
        src_transform=src_transform,
        src_crs=src_crs,
        src_nodata=src_nodata,
        dst_transform=grid.transform,
        dst_crs=grid.crs,
        dst_nodata=dst_nodata,
        resampling=resampling,
    )
    return dst


def _cell_size_in(src_crs, src_transform: Affine, shape, dst_crs) -> float | None:
    """Approximate source cell side expressed in the destination CRS units (at the centre)."""
    from rasterio.warp import transform as warp_xy

    src_crs = CRS.from_user_input(src_crs)
    if src_crs == CRS.from_user_input(dst_crs):
        return abs(src_transform.a)
    r, c = shape[0] / 2, shape[1] / 2
    x0, y0 = src_transform @ (c, r)
    x1, y1 = src_transform @ (c + 1, r)
    try:
        xs, ys = warp_xy(src_crs, dst_crs, [x0, x1], [y0, y1])
    except Exception:
        return None
    return float(np.hypot(xs[1] - xs[0], ys[1] - ys[0]))
