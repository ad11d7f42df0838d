"""Pixel-exact alignment to the template grid (docs/methods/grid.md)."""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import Resampling

from econet.grid import Grid, align_array, resampling_for

CRS_M = CRS.from_epsg(4548)


def _grid(cell, left=500000.0, top=3800000.0, shape=(8, 8)):
    return Grid(CRS_M, Affine(cell, 0, left, 0, -cell, top), shape)


def test_same_grid_is_bit_exact_copy():
    g = _grid(30)
    data = np.random.default_rng(1).random(g.shape).astype(np.float32)
    out = align_array(data, g.crs, g.transform, g, "continuous")
    assert out.dtype == np.float32 and np.array_equal(out, data) and out is not data


def test_whole_cell_shift_moves_values_exactly():
    g = _grid(30)
    data = np.arange(64, dtype=np.int32).reshape(8, 8)
    # Source starts two cells right and one cell down of the template.
    src_t = Affine(30, 0, g.transform.c + 60, 0, -30, g.transform.f - 30)
    out = align_array(data, CRS_M, src_t, g, "categorical", src_nodata=-1, dst_nodata=-1)
    assert np.array_equal(out[1:, 2:], data[:7, :6])
    assert (out[0, :] == -1).all() and (out[:, :2] == -1).all()


def test_nearest_upsampling_replicates_cells():
    g = _grid(15, shape=(8, 8))
    data = np.array([[1, 2, 3, 4]] * 4, dtype=np.int32) + 10 * np.arange(4)[:, None]
    out = align_array(data, CRS_M, Affine(30, 0, g.transform.c, 0, -30, g.transform.f), g, "categorical", src_nodata=-1)
    assert np.array_equal(out, np.kron(data, np.ones((2, 2), dtype=np.int32)))


def test_mode_when_coarsening_categories():
    g = _grid(60, shape=(2, 2))
    data = np.array([[1, 1, 2, 2], [1, 3, 2, 2], [5, 5, 7, 6], [5, 4, 6, 6]], dtype=np.int32)
    out = align_array(data, CRS_M, Affine(30, 0, g.transform.c, 0, -30, g.transform.f), g, "categorical", src_nodata=-1)
    assert np.array_equal(out, [[1, 2], [5, 6]])


def test_average_when_coarsening_continuous():
    g = _grid(60, shape=(2, 2))
    data = np.arange(16, dtype=np.float32).reshape(4, 4)
    out = align_array(
        data, CRS_M, Affine(30, 0, g.transform.c, 0, -30, g.transform.f), g, "continuous", src_nodata=np.nan
    )
    expected = data.reshape(2, 2, 2, 2).mean(axis=(1, 3))
    assert np.allclose(out, expected, atol=1e-5)


def test_bilinear_reproduces_a_plane():
    # A linear ramp resampled to a half-cell-shifted grid keeps exact linear values inside.
    src = _grid(30, shape=(10, 10))
    rows, cols = np.mgrid[0:10, 0:10]
    data = (2.0 * cols + 3.0 * rows).astype(np.float32)
    dst = Grid(CRS_M, Affine(30, 0, src.transform.c + 15, 0, -30, src.transform.f - 15), (9, 9))
    out = align_array(data, CRS_M, src.transform, dst, "continuous", src_nodata=np.nan)
    r, c = np.mgrid[0:9, 0:9]
    expected = 2.0 * (c + 0.5) + 3.0 * (r + 0.5)
    assert np.allclose(out[1:-1, 1:-1], expected[1:-1, 1:-1], atol=1e-4)


@pytest.mark.parametrize(
    "kind,src,dst,expected",
    [
        ("categorical", 30, 30, Resampling.nearest),
        ("categorical", 10, 30, Resampling.mode),
        ("continuous", 30, 30, Resampling.bilinear),
        ("continuous", 10, 30, Resampling.average),
        ("continuous", 30, 10, Resampling.bilinear),
        ("categorical", 30, 10, Resampling.nearest),
    ],
)
def test_resampling_rules(kind, src, dst, expected):
    assert resampling_for(kind, src, dst) == expected


def test_grid_geometry():
    g = Grid.from_bounds(CRS_M, 0, 0, 95, 60, 30)
    assert g.shape == (2, 4) and g.bounds == (0, 0, 120, 60)
    x, y = g.xy([0], [0])
    assert (x[0], y[0]) == (15, 45)
    assert tuple(map(int, g.rowcol(15, 45))) == (0, 0)
