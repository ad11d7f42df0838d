"""Restoration priority (Chang et al. 2018) on a constructed landscape with hand-computed IIC."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from affine import Affine
from rasterio.crs import CRS
from shapely.geometry import box

from econet.connectivity.distances import source_distances
from econet.connectivity.summary import source_connectivity
from econet.errors import EconetError
from econet.grid import Grid
from econet.habitat.sources import Sources, patch_table
from econet.landcover import GLOBELAND30
from econet.scenarios import Baseline, edits
from econet.scenarios.priority import priority_scenarios, restoration_priority

CELL = 100.0  # m
N = 30  # 30 x 30 cells: 3 km x 3 km
A_L = (N * CELL) ** 2
THRESHOLD = 1000.0  # m
PATCH = 16 * CELL * CELL  # a 4 x 4-cell patch, m²
CRS_ = CRS.from_epsg(32650)


def _box(r0, c0, rows=4, cols=4):
    """The polygon of cells rows r0..r0+rows-1, cols c0..c0+cols-1."""
    return box(c0 * CELL, (N - r0 - rows) * CELL, (c0 + cols) * CELL, (N - r0) * CELL)


def _baseline(distance: str = "edge") -> Baseline:
    """Two forest sources of 4 x 4 cells in the top corners, 2200 m apart (edge to edge), on
    cropland: with a 1000 m threshold they are not linked."""
    grid = Grid(CRS_, Affine(CELL, 0, 0, 0, -CELL, N * CELL), (N, N))
    landcover = np.full((N, N), 10, dtype=np.int32)
    labels = np.zeros((N, N), dtype=np.int32)
    labels[0:4, 0:4] = 1
    labels[0:4, 26:30] = 2
    landcover[labels > 0] = 20
    table = patch_table(labels, landcover, grid, GLOBELAND30)
    area = table["area_km2"].to_numpy() * 1e6
    conn = source_connectivity(
        table["id"],
        area,
        source_distances(table, distance),
        distance_m=THRESHOLD,
        probability=0.5,
        landscape_area_m2=A_L,
        distance=distance,
    )
    return Baseline(
        grid=grid,
        landcover=landcover,
        classes=GLOBELAND30,
        sources=Sources(table, labels),
        surface=np.where(landcover == 20, 1.0, 5.0).astype(np.float32),
        corridors=None,
        connectivity=conn,
        nodes=pd.DataFrame({"id": table["id"]}),
        distance_m=THRESHOLD,
        probability=0.5,
        landscape_area_m2=A_L,
    )


def _candidates() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": ["far", "between", "beside A"]},
        geometry=[
            _box(26, 13),  # bottom middle: > 1000 m from both sources
            _box(0, 13),  # x 1300-1700 m: 900 m from A (x <= 400) and from B (x >= 2600)
            _box(0, 6),  # x 600-1000 m: 200 m from A, 1600 m from B
        ],
        crs=CRS_,
    )


def test_between_candidate_gains_most_and_far_least_by_hand():
    base = _baseline()
    ranking = restoration_priority(base, _candidates())
    a2 = PATCH**2
    iic_base = 2 * a2 / A_L**2  # two unlinked nodes: a² + b²
    # A - between - B: three self terms, two single links (2 a²/2 each way), A-B over 2 links (2 a²/3).
    iic_between = (3 + 1 + 1 + 2 / 3) * a2 / A_L**2
    iic_beside = (3 + 1) * a2 / A_L**2  # A - beside linked; B alone
    iic_far = 3 * a2 / A_L**2  # three unlinked nodes
    assert ranking["label"].tolist() == ["between", "beside A", "far"]
    assert ranking["IIC_base"].to_numpy() == pytest.approx([iic_base] * 3, rel=1e-12)
    assert ranking["IIC_with"].to_numpy() == pytest.approx([iic_between, iic_beside, iic_far], rel=1e-12)
    assert ranking["dIIC_gain_pct"].to_numpy() == pytest.approx([100 * 11 / 6, 100.0, 50.0], rel=1e-12)
    assert ranking["IIC_base"].iloc[0] == pytest.approx(base.connectivity.overall["IIC"], rel=1e-12)
    assert ranking["links"].tolist() == [2, 1, 0]
    assert ranking["priority"].tolist() == [1, 2, 3]
    assert ranking["rank"].tolist() == [1, 2, 3]
    assert ranking["candidate"].tolist() == [1, 2, 0]
    assert ranking["area_km2"].to_numpy() == pytest.approx([PATCH / 1e6] * 3)
    # Cropland candidates are restored to the landscape's most common habitat class (forest).
    assert ranking["to_class"].tolist() == [20, 20, 20]


def test_candidate_area_counts_only_cells_outside_the_sources():
    base = _baseline()
    # Half over source A (cols 2-3), half outside (cols 4-5): 8 new cells, touching A.
    cands = gpd.GeoDataFrame({"name": ["overlap"]}, geometry=[_box(0, 2, 4, 4)], crs=CRS_)
    row = restoration_priority(base, cands).iloc[0]
    a = PATCH
    c = 8 * CELL * CELL
    expected = (2 * a * a + c * c + 2 * a * c / 2) / A_L**2
    assert row["cells"] == 8
    assert row["IIC_with"] == pytest.approx(expected, rel=1e-12)


def test_priority_scenario_restores_class_one_as_sources():
    base = _baseline()
    [scenario] = priority_scenarios(base, _candidates())
    assert scenario.name == "priority" and scenario.generator == "priority"
    assert len(scenario.actions) == 1
    act = scenario.actions[0]
    assert act.kind == "restore" and act.source and act.to_class == 20
    rows, cols = np.divmod(act.cells, N)
    assert sorted(set(rows)) == [0, 1, 2, 3] and sorted(set(cols)) == [13, 14, 15, 16]
    assert scenario.details["priority"]["chosen"].tolist() == [True, False, False]
    e = edits(scenario.actions, base.landcover, base.habitat_codes())
    assert (e.landcover[0:4, 13:17] == 20).all() and (e.include[0:4, 13:17] == 1).all()
    assert e.include.sum() == 16
    [top2] = priority_scenarios(base, _candidates(), top=2, to_class=60)
    assert [a.to_class for a in top2.actions] == [60, 60]
    assert "beside A" in top2.actions[1].label


def test_candidates_in_another_crs_are_reprojected_and_unnamed_ones_go_by_position():
    base = _baseline()
    cands = _candidates().drop(columns="name").to_crs(4326)
    ranking = restoration_priority(base, cands)
    assert ranking["label"].tolist() == ["candidate 1", "candidate 2", "candidate 0"]
    assert ranking["dIIC_gain_pct"].iloc[0] == pytest.approx(100 * 11 / 6, rel=1e-6)
    # Layers concatenated: one named, one not.
    mixed = pd.concat([_candidates().iloc[[0]], _candidates().iloc[[1]].drop(columns="name")], ignore_index=True)
    assert restoration_priority(base, mixed)["label"].tolist() == ["candidate 1", "far"]


def test_least_cost_connectivity_needs_a_distance_in_metres():
    base = _baseline()
    base.connectivity.overall["distance"] = "least_cost"
    with pytest.raises(EconetError, match="distance_m"):
        restoration_priority(base, _candidates())
    ranking = restoration_priority(base, _candidates(), distance_m=THRESHOLD)
    assert ranking["label"].iloc[0] == "between"
