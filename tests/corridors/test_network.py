"""The corridor network (the corridors stage's computation) on a small landscape with roads and an open pit."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from affine import Affine
from rasterio.crs import CRS

from econet.config import CorridorsSection
from econet.corridors import corridor_network
from econet.grid import Grid
from econet.habitat import Sources, patch_table
from econet.landcover import GLOBELAND30


def test_corridor_network_wiring():
    res = np.full((30, 60), 2.0)
    labels = np.zeros(res.shape, np.int32)
    labels[10:16, 2:8] = 1
    labels[10:16, 26:32] = 2
    labels[10:14, 52:56] = 3
    res[labels > 0] = 1.0
    grid = Grid(CRS.from_epsg(4548), Affine(30, 0, 5e5, 0, -30, 3.8e6), res.shape)
    table = patch_table(labels, np.full(res.shape, 20), grid, GLOBELAND30)
    x = lambda col: 5e5 + col * 30.0  # noqa: E731
    y = lambda row: 3.8e6 - row * 30.0  # noqa: E731
    roads = gpd.GeoDataFrame(
        {"road_class": ["expressway", "local"], "name": ["G1", "lane"]},
        geometry=[
            shapely.LineString([(x(17), y(0)), (x(17), y(30))]),
            shapely.LineString([(x(40), y(0)), (x(40), y(30))]),
        ],
        crs=grid.crs,
    )
    mines = gpd.GeoDataFrame(
        {"name": ["pit"], "method": ["open_pit"]}, geometry=[shapely.box(x(42), y(16), x(46), y(9))], crs=grid.crs
    )
    cfg = CorridorsSection(width_cost=120.0, local_width_m=60.0, subregional_width_m=90.0, regional_width_m=150.0)
    out = corridor_network(res, Sources(table, labels), grid, cfg, roads, mines)
    c = out.paths
    assert c[["from_id", "to_id"]].values.tolist() == [[1, 2], [2, 3]]
    assert set(c.columns) >= {"gravity", "class", "tier", "breakpoints", "length_m", "cost", "cwd_to_euclid"}
    assert c["class"].tolist().count("important") == 1
    # 1-2 crosses the expressway once (the local road is not a breakpoint); 2-3 crosses the pit.
    bp = out.breakpoints
    assert bp[["corridor_id", "kind", "feature"]].values.tolist() == [[1, "road", "G1"], [2, "mine", "pit"]]
    assert c["breakpoints"].tolist() == [1, 1]
    fr = out.fractures
    assert fr["corridor_id"].tolist() == [2] and fr["area_m2"].iloc[0] > 0
    m = out.gravity_matrix
    assert m.shape == (3, 3) and m.loc[1, 2] == m.loc[2, 1] and np.isnan(m.loc[1, 3])
    nlcc = out.nlcc
    assert np.nanmax(nlcc) <= 120.0 and np.isfinite(nlcc).sum() > 0
    assert out.allocation.shape == res.shape and set(np.unique(out.allocation)) == {1, 2, 3}
    tiers = out.tiers
    assert set(tiers["tier"]) <= {"regional", "sub-regional", "local"} and len(tiers) == 2


def test_one_source_gives_an_empty_network():
    res = np.full((20, 20), 2.0)
    labels = np.zeros(res.shape, np.int32)
    labels[5:9, 5:9] = 1
    grid = Grid(CRS.from_epsg(4548), Affine(30, 0, 5e5, 0, -30, 3.8e6), res.shape)
    table = patch_table(labels, np.full(res.shape, 20), grid, GLOBELAND30)
    roads = gpd.GeoDataFrame(
        {"road_class": ["expressway"]},
        geometry=[shapely.LineString([(5e5, 3.8e6), (5e5 + 600, 3.8e6 - 600)])],
        crs=grid.crs,
    )
    mines = gpd.GeoDataFrame(
        {"name": ["pit"], "method": ["open_pit"]},
        geometry=[shapely.box(5e5, 3.8e6 - 90, 5e5 + 90, 3.8e6)],
        crs=grid.crs,
    )
    out = corridor_network(res, Sources(table, labels), grid, CorridorsSection(width_cost=100.0), roads, mines)
    assert len(out.paths) == 0 and len(out.breakpoints) == 0 and len(out.fractures) == 0
    assert np.isnan(out.nlcc).all() and out.gravity_matrix.shape == (1, 1)
    assert np.isfinite(out.cost).all() and (out.allocation == 1).all()
