"""Kernel densities on windows are the whole grid's numbers (issue 20): each window spreads the
features within the kernel's radius of it, in raster order."""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine
from rasterio.crs import CRS
from shapely.geometry import LineString, Point, box

from econet.grid import Grid
from econet.resistance.density import line_density_km_km2, line_density_on, point_density_on, point_density_per_km2
from econet.windows import windows

GRID = Grid(CRS.from_epsg(32650), Affine(30.0, 0, 500_000.0, 0, -30.0, 4_000_000.0), (57, 43))
GRID_BOX = box(*GRID.bounds)


def _lines(n=12, seed=1):
    rng = np.random.default_rng(seed)
    x0, y0 = 500_000.0, 4_000_000.0
    return [
        LineString(np.column_stack([x0 + rng.uniform(-100, 1400, 4), y0 - rng.uniform(-100, 1800, 4)]))
        for _ in range(n)
    ]


@pytest.mark.parametrize("size", [6, 20])
@pytest.mark.parametrize("shape", ["quartic", "uniform"])
def test_line_density_on_windows_is_the_whole_grid(size, shape):
    lines = _lines()
    whole = line_density_km_km2(lines, GRID, 200.0, shape)
    on = line_density_on(lines, GRID, 200.0, shape)
    tiled = np.empty_like(whole)
    for w in windows(GRID.shape, size):
        tiled[w.slices] = on(w)
    assert np.array_equal(tiled, whole)
    assert whole.min() == 0 and whole.max() > 0


def test_point_density_on_windows_is_the_whole_grid_and_a_lone_point_is_exact():
    pts = [Point(500_000 + 15 + 30 * c, 4_000_000 - 15 - 30 * r) for r, c in ((3, 4), (3, 4), (30, 20), (56, 42))]
    whole = point_density_per_km2(pts, GRID, 90.0, "uniform")
    on = point_density_on(pts, GRID, 90.0, "uniform")
    tiled = np.empty_like(whole)
    for w in windows(GRID.shape, 7):
        tiled[w.slices] = on(w)
    assert np.array_equal(tiled, whole)
    # the uniform kernel of radius 3 cells spreads a point evenly over the 29 cells within 90 m
    lone = whole[27:34, 17:24]
    assert np.count_nonzero(lone) == 29
    assert lone[3, 3] == pytest.approx(1e6 / (29 * 900.0), rel=1e-6)
    assert whole[3, 4] == pytest.approx(2 * 1e6 / (29 * 900.0), rel=1e-6)  # two points in one cell
    assert whole[20, 10] == 0  # beyond every point's radius: exactly zero


def test_lines_are_cut_in_chunks_of_pieces_with_the_same_lengths(monkeypatch):
    from econet.resistance import density

    lines = _lines(5, seed=3)
    cells, lengths = density.line_lengths(lines, GRID)
    monkeypatch.setattr(density, "_PIECES", 7)  # hundreds of chunks instead of one
    chunked_cells, chunked = density.line_lengths(lines, GRID)
    assert np.array_equal(chunked_cells, cells)
    assert np.allclose(chunked, lengths, rtol=1e-12)
    inside = sum(g.intersection(GRID_BOX).length for g in lines)
    assert chunked.sum() == pytest.approx(inside, rel=1e-3)
