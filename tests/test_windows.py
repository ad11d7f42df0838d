"""Windows with halos and the exact statistics gathered over them (econet.windows)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from econet.classify import sample_values
from econet.rasterops import slope_deg
from econet.resistance.factors import class_breaks
from econet.windows import (
    ExactSum,
    Window,
    blocks_of,
    exact_mean,
    finite_min_max,
    order_statistics,
    quantiles,
    read_with_halo,
    sample_cells,
    values_source,
    window_size,
    windows,
)


def test_windows_cover_the_grid_in_row_major_order():
    assert windows((5, 7), 3) == [
        Window(0, 0, 3, 3),
        Window(0, 3, 3, 3),
        Window(0, 6, 3, 1),
        Window(3, 0, 2, 3),
        Window(3, 3, 2, 3),
        Window(3, 6, 2, 1),
    ]
    assert windows((5, 7)) == [Window(0, 0, 5, 7)] == windows((5, 7), 7)
    with pytest.raises(ValueError):
        windows((5, 7), 0)


def test_halo_is_clipped_to_the_grid_and_cut_back():
    w = Window(0, 3, 3, 3)
    outer = w.grown(1, (5, 7))
    assert outer == Window(0, 2, 4, 5)  # no row above row 0; one column either side; one row below
    assert w.within(outer) == (slice(0, 3), slice(1, 4))
    assert Window(3, 6, 2, 1).grown(2, (5, 7)) == Window(1, 4, 4, 3)


def test_focal_sum_with_a_halo_equals_the_whole_grid():
    # 3 x 3 sum of ones with zeros beyond the grid: 4 in the corners, 6 on the edges, 9 inside
    ones = np.ones((5, 7))
    focal = lambda z: ndimage.correlate(z, np.ones((3, 3)), mode="constant")  # noqa: E731
    out = np.zeros_like(ones)
    for w in windows(ones.shape, 2):
        out[w.slices] = read_with_halo(lambda o: ones[o.slices], w, 1, ones.shape, focal)
    assert out[0, 0] == 4 and out[0, 3] == 6 and out[2, 3] == 9 and out[4, 6] == 4
    assert np.array_equal(out, focal(ones))
    # without the halo the window edges would count as grid edges
    cut = np.zeros_like(ones)
    for w in windows(ones.shape, 2):
        cut[w.slices] = focal(ones[w.slices])
    assert cut[2, 3] == 4


@pytest.mark.parametrize("size", [1, 2, 5, 16])
def test_slope_with_a_one_cell_halo_is_the_whole_grid_slope(size):
    rng = np.random.default_rng(4)
    dem = ndimage.gaussian_filter(rng.normal(0, 30, (23, 19)), 2)
    dem[7:9, 4:6] = np.nan  # a hole: its neighbours take the centre's value, as gdaldem does
    whole = slope_deg(dem, 30.0)
    out = np.empty_like(whole)
    for w in windows(dem.shape, size):
        out[w.slices] = read_with_halo(lambda o: dem[o.slices], w, 1, dem.shape, lambda z: slope_deg(z, 30.0))
    assert np.array_equal(out, whole, equal_nan=True)


def test_window_size_for_a_memory_budget():
    assert window_size(64, 64) == 1024  # sqrt(64 MiB / 64 B) cells, a multiple of the 256 tile
    assert window_size(64, 100) == 768  # 819 rounded down to whole tiles
    assert window_size(1, 1000) == 256  # never below one tile


def _raster(seed=0, shape=(61, 47)):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape).astype(np.float32)
    a[rng.random(shape) < 0.25] = np.nan
    a[10:14] = 1.5  # ties
    return a


def test_order_statistics_hand_case():
    a = np.array([[3.0, -1.0, np.nan], [2.0, 2.0, -0.0], [0.0, -7.5, np.inf]])
    # finite values sorted: -7.5, -1, -0, 0, 2, 2, 3 (inf is not finite)
    for size in (None, 1, 2):
        got = order_statistics(blocks_of(a, size), [0, 1, 4, 5, 6])
        assert got.tolist() == [-7.5, -1.0, 2.0, 2.0, 3.0]
    with pytest.raises(ValueError):
        order_statistics(blocks_of(a), [7])


@pytest.mark.parametrize("size", [None, 5, 16, 100])
def test_streamed_statistics_equal_numpy(size):
    a = _raster()
    finite = a[np.isfinite(a)]
    source = blocks_of(a, size)
    assert finite_min_max(source) == (float(finite.min()), float(finite.max()), finite.size)
    q = np.arange(1, 7) / 7
    assert np.array_equal(quantiles(source, q), np.quantile(finite.astype(np.float64), q))
    assert np.array_equal(quantiles(source, [0.05, 0.95], dtype=np.float32), np.percentile(finite, [5, 95]))
    for p in (1, 5, 50, 95, 99):  # a scalar percentile is interpolated in float32, as numpy does
        got = quantiles(source, p / 100, dtype=np.float32)
        assert got == np.percentile(finite, p) and got.dtype == np.float32
    for sample in (None, 50, 700, 10_000):
        assert np.array_equal(sample_cells(values_source(source), a.shape, sample, 7), sample_values(a, sample, 7))


def test_sample_of_several_columns_keeps_raster_order():
    a, b = _raster(1), _raster(2)
    mask = np.isfinite(a) & np.isfinite(b)
    stack = np.stack([a, b], axis=-1)
    whole = sample_cells(lambda: [(Window(0, 0, *a.shape), mask, stack)], a.shape, 300, 5)
    idx = np.sort(np.random.default_rng(5).choice(np.flatnonzero(mask), 300, replace=False))
    assert np.array_equal(whole, np.column_stack([a.ravel()[idx], b.ravel()[idx]]).astype(np.float64))
    for size in (3, 10, 30):
        tiles = windows(a.shape, size)
        got = sample_cells(lambda tiles=tiles: ((w, mask[w.slices], stack[w.slices]) for w in tiles), a.shape, 300, 5)
        assert np.array_equal(got, whole)


def test_exact_sum_does_not_depend_on_the_order():
    # naively 1e16 + 1 - 1e16 is 0 or 2 depending on the order; the exact sum is 1
    v = np.array([[1e16, 1.0, -1e16, 1.0, 0.5, np.nan]])
    for size in (None, 1, 2, 4):
        acc = ExactSum()
        for _, block in blocks_of(v, size)():
            acc.add(block)
        assert acc.totals()[0] == 2.5
        assert exact_mean(blocks_of(v, size)) == 0.5
    # per zone: 1e16 + 1 + 1 is 1e16 added naively in that order (each 1 is rounded away), 1e16 + 2 exactly
    labels = np.array([[1, 1, 2, 1, 0, 2]])
    acc = ExactSum(labels=4)
    acc.add(v, labels)
    assert acc.totals().tolist() == [0.5, 1e16 + 2, -1e16, 0.0]
    assert acc.count.tolist() == [1, 3, 1, 0]
    means = acc.means()
    assert means[0] == 0.5 and means[1] == (1e16 + 2) / 3 and np.isnan(means[3])


def test_exact_mean_equals_the_correctly_rounded_mean():
    import math

    a = _raster(3, (200, 150)) * np.float32(1e3)
    finite = a[np.isfinite(a)].astype(np.float64)
    expected = math.fsum(finite) / finite.size  # fsum is exact; one more rounding in the quotient
    for size in (None, 17, 64):
        assert exact_mean(blocks_of(a, size)) == pytest.approx(expected, rel=1e-15)
    assert len({exact_mean(blocks_of(a, s)) for s in (None, 7, 17, 64)}) == 1


@pytest.mark.parametrize("method", ["natural_breaks", "quantiles", "equal_interval"])
def test_class_breaks_over_windows_equal_the_whole_array(method):
    a = _raster(4, (90, 70)) * 10
    whole = class_breaks(a, method, 5, sample_size=400, seed=2)
    for size in (8, 33):
        assert np.array_equal(class_breaks(blocks_of(a, size), method, 5, 400, 2, a.shape), whole)
