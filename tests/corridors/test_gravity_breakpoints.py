"""Gravity model, width tiers, breakpoints and fracture surfaces on hand-made cases."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from econet.corridors import (
    breakpoints,
    fracture_surfaces,
    gravity,
    gravity_matrix,
    source_mean_resistance,
    tier_polygons,
    width_tiers,
)


def test_gravity_by_hand():
    paths = pd.DataFrame({"from_id": [1, 1, 2], "to_id": [2, 3, 3], "cost": [100.0, 200.0, 400.0]})
    area = pd.Series([1e4, 1e6, 1e2], index=[1, 2, 3])
    mean_res = pd.Series([2.0, 1.0, 4.0], index=[1, 2, 3])
    g = gravity(paths, area, mean_res)
    l_max = 400.0
    expect = [
        l_max**2 * np.log(1e4) * np.log(1e6) / (100.0**2 * 2.0 * 1.0),
        l_max**2 * np.log(1e4) * np.log(1e2) / (200.0**2 * 2.0 * 4.0),
        l_max**2 * np.log(1e6) * np.log(1e2) / (400.0**2 * 1.0 * 4.0),
    ]
    assert np.allclose(g["gravity"], expect)
    assert g["class"].tolist() == ["important", "general", "general"]  # only the first is above the mean
    m = gravity_matrix(g, [1, 2, 3])
    assert m.loc[2, 1] == m.loc[1, 2] == g["gravity"][0] and np.isnan(m.loc[1, 1])
    # Hectares shift every ln(S); areas of 1 unit or less are refused.
    with pytest.raises(ValueError, match="ln"):
        gravity(paths, area, mean_res, area_unit="km2")
    # Width tiers: important -> regional; general split at their median.
    assert width_tiers(g).tolist() == ["regional", "sub-regional", "local"]


def test_mean_resistance_inside_sources():
    res = np.array([[1.0, 3.0, np.nan], [5.0, 7.0, 9.0]])
    labels = np.array([[1, 1, 1], [2, 2, 0]])
    assert np.allclose(source_mean_resistance(res, labels, [1, 2]), [2.0, 6.0])


def test_breakpoints_and_fractures():
    crs = "EPSG:4548"
    paths = gpd.GeoDataFrame(
        {"id": [1, 2], "from_id": [1, 2], "to_id": [2, 3]},
        geometry=[shapely.LineString([(0, 0), (100, 0)]), shapely.LineString([(0, 50), (100, 50)])],
        crs=crs,
    )
    roads = gpd.GeoDataFrame(
        {"road_class": ["expressway", "local", "highway"], "name": ["G1", "x", "S2"]},
        geometry=[
            shapely.LineString([(20, -10), (20, 60)]),  # crosses both paths
            shapely.LineString([(40, -10), (40, 60)]),  # a local road: not a breakpoint
            shapely.LineString([(80, -10), (80, 20)]),  # crosses path 1 only
        ],
        crs=crs,
    )
    mines = gpd.GeoDataFrame(
        {"name": ["pit", "shaft"], "method": ["open_pit", "underground"]},
        geometry=[shapely.box(50, 40, 70, 60), shapely.box(50, -5, 60, 5)],
        crs=crs,
    )
    bp = breakpoints(paths, roads, mines)
    road = bp[bp["kind"] == "road"].sort_values(["corridor_id", "feature"])
    assert road[["corridor_id", "road_class", "feature"]].values.tolist() == [
        [1, "expressway", "G1"],
        [1, "highway", "S2"],
        [2, "expressway", "G1"],
    ]
    assert road.geometry.iloc[0].equals(shapely.Point(20, 0))
    mine = bp[bp["kind"] == "mine"].sort_values("corridor_id")
    assert mine[["corridor_id", "feature"]].values.tolist() == [[1, "shaft"], [2, "pit"]]
    assert mine.geometry.iloc[1].equals(shapely.Point(60, 50))
    tiers = tier_polygons(paths, ["regional", "local"], {"regional": 20.0, "local": 10.0})
    assert np.isclose(tiers.geometry.iloc[1].area, 100 * 10 + np.pi * 25, rtol=1e-2)
    fr = fracture_surfaces(tiers, mines)
    assert fr[["corridor_id", "mine"]].values.tolist() == [[2, "pit"]]  # only the open pit, only path 2's band
    assert np.isclose(fr["area_m2"].iloc[0], 20 * 10)


def test_zigzag_crossings_merge():
    # A staircase path running along a road crosses it three times within 20 m: one breakpoint.
    path = shapely.LineString([(0, 0), (10, 10), (20, 0), (30, 10), (40, 40)])
    paths = gpd.GeoDataFrame({"id": [1], "from_id": [1], "to_id": [2]}, geometry=[path], crs="EPSG:4548")
    roads = gpd.GeoDataFrame(
        {"road_class": ["expressway"]}, geometry=[shapely.LineString([(-5, 5), (35, 5)])], crs=paths.crs
    )
    assert len(breakpoints(paths, roads)) == 3
    assert len(breakpoints(paths, roads, merge_within_m=30.0)) == 1
