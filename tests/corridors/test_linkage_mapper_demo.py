"""The corridor network on Linkage Mapper's demo (lp_resistances.tif with lp_cores.shp)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from rasterio.features import rasterize

from econet.corridors import cost_distance, link_sources
from econet.grid import Grid
from econet.io import read_raster

DEMO = Path(__file__).parents[1] / "fixtures" / "lm_demo_lp"
WIDTH = 20000.0  # corridor truncation (resistance x m)


@pytest.fixture(scope="module")
def demo():
    res, crs, transform, nodata = read_raster(DEMO / "lp_resistances.tif")
    res = np.where(res == nodata, np.nan, res).astype(np.float64)
    cores = gpd.read_file(DEMO / "lp_cores.shp").rename(columns={"core_id": "id"})
    grid = Grid(crs, transform, res.shape)
    labels = rasterize(zip(cores.geometry, cores["id"]), out_shape=res.shape, transform=transform, dtype="int32")
    cd = cost_distance(res, labels, grid.cell_size_m)
    link = link_sources(res, labels, cores, grid, allocation=cd.allocation, width_cost=WIDTH)
    return res, labels, grid, cd, link


def test_every_adjacent_pair_is_linked(demo):
    res, labels, grid, cd, link = demo
    pairs = link.paths[["from_id", "to_id"]].values.tolist()
    assert pairs == [[1, 2], [1, 3], [1, 4], [1, 5], [2, 3], [2, 5], [3, 4], [3, 5]]
    assert link.dropped.empty
    # Euclidean distances are Linkage Mapper's own edge-to-edge distances.
    ref = {}
    for line in (DEMO / "distances_lp_cores.txt").read_text().split("\n"):
        if line.strip():
            a, b, d = line.split()
            ref[(int(a), int(b))] = float(d)
    for r in link.paths.itertuples():
        assert np.isclose(r.euclid_m, ref[(r.from_id, r.to_id)], rtol=1e-9)


def test_paths_are_least_cost_and_avoid_third_cores(demo):
    res, labels, grid, cd, link = demo
    cell = grid.cell_size_m
    for r in link.paths.itertuples():
        # LCD equals the least cost from a's own cost surface to b's nearest cell.
        own = cost_distance(res, np.where(labels == r.from_id, r.from_id, 0), cell).cost
        assert np.isclose(r.cost, own[labels == r.to_id].min(), rtol=1e-12)
        xs, ys = np.array(r.geometry.coords).T
        rows, cols = grid.rowcol(xs, ys)
        on = set(np.unique(labels[rows, cols])) - {0}
        assert on == {r.from_id, r.to_id}  # no third core on the path
        steps = np.hypot(np.diff(rows), np.diff(cols))
        assert np.isclose(r.length_m, steps.sum() * cell)
        step_cost = 0.5 * (res[rows[:-1], cols[:-1]] + res[rows[1:], cols[1:]]) * steps * cell
        assert np.isclose(step_cost.sum(), r.cost)
        assert r.length_m >= r.euclid_m and np.isclose(r.cwd_to_euclid, r.cost / r.euclid_m)
        # The corridor mosaic is 0 along every path.
        assert np.nanmax(link.nlcc[rows, cols]) < 1e-6 * r.cost


def test_corridor_mosaic_is_truncated(demo):
    res, labels, grid, cd, link = demo
    nlcc = link.nlcc
    inside = np.isfinite(nlcc)
    assert 0 < inside.sum() < 0.1 * nlcc.size
    assert nlcc[inside].min() >= 0 and nlcc[inside].max() <= WIDTH
    assert not inside[np.isnan(res)].any()
