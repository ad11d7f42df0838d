"""MSPA through pyguidos, source selection, grading and slope on hand-made cases."""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine
from rasterio.crs import CRS

from econet.classify import grade
from econet.grid import Grid
from econet.habitat import core_sources, mspa, mspa_binary, mspa_statistics
from econet.landcover import GLOBELAND30, landcover_values
from econet.rasterops import slope_deg, weighted_overlay

GRID30 = lambda shape: Grid(CRS.from_epsg(4548), Affine(30, 0, 5e5, 0, -30, 3.8e6), shape)  # noqa: E731


def test_mspa_square_core_and_edge():
    lc = np.full((20, 20), 10)
    lc[5:15, 5:15] = 20
    binary = mspa_binary(lc, [20])
    out = mspa(binary, connectivity=8, edge_width_px=1)
    assert (out[6:14, 6:14] == 17).all()  # interior is Core
    ring = np.zeros_like(lc, bool)
    ring[5:15, 5:15] = True
    ring[6:14, 6:14] = False
    assert (out[ring] == 3).all()  # one-pixel Edge
    assert (out[lc == 10] == 0).all()  # background
    stats = mspa_statistics(out, 900.0).set_index("code")
    assert stats.loc[17, "cells"] == 64 and stats.loc[3, "cells"] == 36
    assert np.isclose(stats.loc[17, "foreground_share_pct"], 64.0)


def test_mspa_islet_and_missing():
    lc = np.full((12, 12), 10)
    lc[3:5, 3:5] = 20  # too small for a core at edge width 1 -> islet
    missing = np.zeros(lc.shape, bool)
    missing[:, -1] = True
    out = mspa(mspa_binary(lc, [20], missing), edge_width_px=1)
    assert (out[3:5, 3:5] == 9).all()
    assert (out[:, -1] == 129).all()


def test_mspa_rejects_bad_coding():
    with pytest.raises(ValueError, match="coded 0 missing"):
        mspa(np.full((5, 5), 3, np.uint8))


def test_core_sources_threshold_types_and_ids():
    lc = np.full((60, 60), 10)
    lc[2:30, 2:30] = 20  # forest block
    lc[35:58, 35:58] = 60  # water block
    lc[40:45, 2:7] = 30  # small grass block
    out = mspa(mspa_binary(lc, [20, 30, 60]))
    grid = GRID30(lc.shape)
    src = core_sources(out, lc, grid, GLOBELAND30, min_area_km2=0.3)
    t = src.table
    assert t["id"].tolist() == [1, 2]  # ordered by area
    assert t["source_type"].tolist() == ["forest", "wetland-water"]
    assert np.isclose(t.loc[0, "area_km2"], 26 * 26 * 900 / 1e6)
    assert np.isclose(t.loc[0, "perimeter_km"], 4 * 26 * 30 / 1e3)
    assert np.isclose(t.geometry.area.iloc[0], 26 * 26 * 900)
    assert (src.labels[3:29, 3:29] == 1).all() and (src.labels == 2).sum() == 21 * 21
    assert len(core_sources(out, lc, grid, GLOBELAND30, min_area_km2=1.0)) == 0


def test_grade_right_closed():
    v = np.array([0, 2, 2.0001, 6, 15, 30, np.nan])
    g = grade(v, [2, 6, 15, 25], [1, 3, 5, 7, 9])
    assert g[:-1].tolist() == [1, 1, 3, 3, 5, 9] and np.isnan(g[-1])
    with pytest.raises(ValueError):
        grade(v, [2, 1], [1, 2, 3])


def test_landcover_values_and_unknown_codes():
    lc = np.array([[10, 20], [80, 61]])
    v = landcover_values(lc, {10: 5, 20: 1, 80: 7})
    assert v[0].tolist() == [5, 1] and v[1, 0] == 7 and np.isnan(v[1, 1])


def test_slope_of_a_plane():
    rows, cols = np.mgrid[0:10, 0:10]
    dem = 0.3 * 30 * cols + 0.4 * 30 * rows  # gradient 0.5 -> atan(0.5)
    s = slope_deg(dem.astype(np.float32), 30.0)
    assert np.allclose(s[1:-1, 1:-1], np.degrees(np.arctan(0.5)), atol=1e-4)


def test_weighted_overlay_of_grades():
    a, b = np.full((2, 2), 1.0, np.float32), np.full((2, 2), 9.0, np.float32)
    b[0, 0] = np.nan
    s = weighted_overlay({"landcover": a, "slope": b}, {"landcover": 0.75, "slope": 0.25}, unit_sum=True)
    assert np.isclose(s[1, 1], 3.0) and np.isnan(s[0, 0])
    with pytest.raises(ValueError):
        weighted_overlay({"landcover": a}, {"landcover": 0.5}, unit_sum=True)
