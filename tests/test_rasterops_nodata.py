"""rasterops' nodata and rasterising section: one nodata rule and one rasteriser for every caller."""

from __future__ import annotations

import numpy as np
import shapely
from affine import Affine

from econet.grid import Grid
from econet.rasterops import nodata_mask, nodata_to_nan, rasterize


def test_float32_nodata_matches_its_float64_header_value():
    # GDAL reports a float32 raster's nodata as float64; -3.4028234663852886e38 is float32's lowest.
    nodata = float(np.finfo(np.float32).min)
    data = np.array([[1.5, nodata], [np.nan, 2.0]], dtype=np.float32)
    assert nodata_mask(data, nodata).tolist() == [[False, True], [True, False]]
    out = nodata_to_nan(data, nodata)
    assert out.dtype == np.float32
    assert np.isnan(out).tolist() == [[False, True], [True, False]] and out[0, 0] == 1.5 and out[1, 1] == 2.0
    assert not np.isnan(data[0, 1])  # the input is left alone


def test_integer_data_and_nodata_it_cannot_hold():
    data = np.array([[0, 255], [7, 3]], dtype=np.uint8)
    assert nodata_mask(data, 255).tolist() == [[False, True], [False, False]]
    assert not nodata_mask(data, -9999).any()  # not a byte value: no cell is nodata
    assert not nodata_mask(data, 3.5).any()
    assert not nodata_mask(data, None).any() and not nodata_mask(data, float("nan")).any()
    out = nodata_to_nan(data, 0)
    assert out.dtype == np.float64 and np.isnan(out[0, 0]) and out[0, 1] == 255.0
    assert nodata_to_nan(data, 0, dtype=np.float32).dtype == np.float32
    big = np.array([-9999, 5], dtype=np.int32)
    assert nodata_mask(big, -9999.0).tolist() == [True, False]


def test_nodata_beyond_float32_range_matches_nothing_finite():
    data = np.array([1.0, -np.inf], dtype=np.float32)
    assert nodata_mask(data, -1e39).tolist() == [False, True]  # -1e39 is -inf in float32
    assert nodata_mask(np.array([1.0, np.nan]), None).tolist() == [False, True]


GRID = Grid(None, Affine(10.0, 0, 0.0, 0, -10.0, 40.0), (4, 4))


def test_rasterize_centre_rule_all_touched_and_order():
    # Centres of rows 0-1 and columns 0-1 lie inside; column 2 is only touched (x 20-22).
    box = shapely.box(0.0, 22.0, 22.0, 40.0)
    centre = rasterize([(box, 3)], GRID, dtype=np.int32)
    assert centre.dtype == np.int32
    assert centre.tolist() == [[3, 3, 0, 0], [3, 3, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
    touched = rasterize([(box, 3)], GRID, all_touched=True)
    assert touched.dtype == np.uint8
    assert touched.tolist() == [[3, 3, 3, 0], [3, 3, 3, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
    later_on_top = rasterize([(box, 1), (shapely.box(0.0, 30.0, 10.0, 40.0), 2)], GRID)
    assert later_on_top[0, 0] == 2 and later_on_top[1, 1] == 1


def test_rasterize_skips_missing_geometries():
    out = rasterize([(None, 1), (shapely.Polygon(), 2)], GRID, dtype=np.int32, fill=-1)
    assert out.dtype == np.int32 and (out == -1).all()
    point = rasterize([(shapely.Point(15.0, 25.0), 9), (None, 1)], GRID)
    assert point.sum() == 9 and point[1, 1] == 9


def test_nodata_to_nan_in_place_only_when_asked_and_the_dtype_matches():
    data = np.array([1.0, -1.0], dtype=np.float32)
    out = nodata_to_nan(data, -1, copy=False)
    assert out is data and np.isnan(data[1])
    ints = np.array([1, -1], dtype=np.int16)
    out = nodata_to_nan(ints, -1, copy=False)
    assert out is not ints and out.dtype == np.float64 and ints[1] == -1 and np.isnan(out[1])
