"""Distances over the Sources table: edge-to-edge, centroid (inside point), least cost."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from econet.config import ConnectivitySection
from econet.connectivity import centroid_distances, edge_distances, pc_indices, source_distances, table_links
from econet.errors import EconetError

SQUARES = [shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10), shapely.box(23, 4, 25, 6), shapely.box(0, 50, 1, 51)]


def test_edge_distances_exact_and_touching_is_zero():
    d = edge_distances(SQUARES)
    assert d[0, 1] == 0.0  # touching
    assert d[1, 2] == 3.0
    assert d[0, 3] == 40.0
    assert d[2, 3] == pytest.approx(np.hypot(22, 44))
    np.testing.assert_array_equal(d, d.T)


def test_sparse_links_within_max_distance_match_the_matrix():
    rng = np.random.default_rng(3)
    polys = [shapely.Point(x, y).buffer(r) for x, y, r in rng.uniform([0, 0, 1], [500, 500, 20], (80, 3))]
    dense = edge_distances(polys)
    links = edge_distances(polys, max_distance=60.0)
    i, j = np.nonzero(np.triu(dense <= 60.0, 1))
    assert sorted(zip(links.i.tolist(), links.j.tolist())) == sorted(zip(i.tolist(), j.tolist()))
    np.testing.assert_allclose(links.distance, dense[links.i, links.j])
    a = np.array([p.area for p in polys])
    masked = np.where(dense <= 60.0, dense, np.inf)
    assert pc_indices(a, links, 60, 0.5)[0] == pc_indices(a, masked, 60, 0.5)[0]


def test_centroid_distances_use_an_inside_point():
    ring = shapely.box(0, 0, 30, 30).difference(shapely.box(5, 5, 25, 25))  # centroid (15, 15) in the hole
    d = centroid_distances([ring, shapely.box(100, 14, 102, 16)])
    assert d[0, 1] > 0 and not np.isclose(d[0, 1], 86.0)
    assert centroid_distances(SQUARES[:2])[0, 1] == 10.0


def test_least_cost_links_from_the_corridor_table():
    table = gpd.GeoDataFrame({"id": [7, 8, 9]}, geometry=SQUARES[:3])
    corridors = pd.DataFrame({"from_id": [7, 8], "to_id": [8, 9], "cost": [0.0, 150.0]})
    links = source_distances(table, "least_cost", corridors)
    assert links.i.tolist() == [0, 1] and links.j.tolist() == [1, 2] and links.distance.tolist() == [0.0, 150.0]
    with pytest.raises(EconetError, match="unknown node ids"):
        table_links([7, 8], corridors)
    with pytest.raises(EconetError, match="corridor table"):
        source_distances(table, "least_cost")
    assert source_distances(table, "edge", max_distance=5).i.tolist() == [0, 1]
    with pytest.raises(EconetError, match="lacks column"):
        table_links([7, 8, 9], corridors.rename(columns={"cost": "c"}))


def test_config_options():
    cfg = ConnectivitySection(distance="centroid", iic_threshold_m=1000, iic_strict=True, min_probability=0.01)
    assert cfg.distance == "centroid" and cfg.iic_strict
    with pytest.raises(ValueError):
        ConnectivitySection(distance="network")
    with pytest.raises(ValueError):
        ConnectivitySection(min_probability=0)
