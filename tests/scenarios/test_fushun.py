"""The Fushun plan (Feng et al. 2024) on a constructed baseline: new sources, upgraded corridors,
restored breakpoints."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from affine import Affine
from rasterio.crs import CRS
from shapely.geometry import LineString, Point

from econet.corridors.network import Corridors
from econet.corridors.widths import tier_polygons, width_tiers
from econet.errors import EconetError
from econet.grid import Grid
from econet.habitat.sources import Sources, patch_table
from econet.landcover import GLOBELAND30
from econet.scenarios import Baseline, edits
from econet.scenarios.fushun import fushun_scenarios

CELL = 100.0
N = 30
CRS_ = CRS.from_epsg(32650)
WIDTHS = {"regional": 400.0, "sub-regional": 200.0, "local": 100.0}


def _y(row: float) -> float:
    return (N - row) * CELL


def _corridors(grid) -> Corridors:
    """Four corner sources; corridor 1 important (G 200 > the mean, 61), corridors 2-5 general (G 50, 40, 10, 5)."""
    lines = [
        (1, 1, 2, LineString([(400, _y(2)), (2600, _y(2))]), 200.0),  # top
        (2, 1, 3, LineString([(150, _y(4)), (150, _y(26))]), 50.0),  # left, x = 150
        (3, 2, 4, LineString([(2850, _y(4)), (2850, _y(26))]), 40.0),  # right, x = 2850
        (4, 3, 4, LineString([(400, _y(28)), (2600, _y(28))]), 10.0),  # bottom
        (5, 1, 4, LineString([(400, _y(4)), (2600, _y(26))]), 5.0),  # diagonal
    ]
    ids, a, b, geoms, g = zip(*lines)
    paths = gpd.GeoDataFrame(
        {"id": ids, "from_id": a, "to_id": b, "length_m": [ln.length for ln in geoms], "cost": 1.0, "gravity": g},
        geometry=list(geoms),
        crs=CRS_,
    )
    paths["class"] = np.where(paths["gravity"] > paths["gravity"].mean(), "important", "general")
    paths["tier"] = width_tiers(paths)
    breakpoints = gpd.GeoDataFrame(
        {
            "corridor_id": [3, 5, 4],
            "from_id": [2, 1, 3],
            "to_id": [4, 4, 4],
            "kind": ["road", "road", "road"],
            "road_class": ["expressway", "expressway", "expressway"],
            "feature": ["G1", "G2", "G2"],
        },
        # On corridor 3 at row 15; corridors 5 and 4 share one crossing point.
        geometry=[Point(2850, _y(15.5)), Point(1550, _y(28.5)), Point(1550, _y(28.5))],
        crs=CRS_,
    )
    return Corridors(
        paths=paths,
        cost=np.zeros(grid.shape, np.float32),
        allocation=np.zeros(grid.shape, np.int32),
        nlcc=None,
        dropped=pd.DataFrame(),
        gravity_matrix=pd.DataFrame(),
        tiers=tier_polygons(paths, paths["tier"], WIDTHS),
        breakpoints=breakpoints,
        fractures=None,
        searches={},
    )


def _baseline(services_level: bool = True, rasters=None) -> Baseline:
    grid = Grid(CRS_, Affine(CELL, 0, 0, 0, -CELL, N * CELL), (N, N))
    landcover = np.full((N, N), 10, dtype=np.int32)  # cropland
    labels = np.zeros((N, N), dtype=np.int32)
    for k, (r, c) in enumerate([(0, 0), (0, 26), (26, 0), (26, 26)], start=1):
        labels[r : r + 4, c : c + 4] = k
    landcover[labels > 0] = 20
    level = np.full((N, N), 1, dtype=np.int16)
    level[0:4, 0:4] = 5  # source 1
    level[4:6, 0:4] = 5  # a fringe touching source 1 (8 cells)
    level[10:15, 10:20] = 5  # patch X: 50 cells, forest, cropland at cols 18-19, one built-up cell
    landcover[10:15, 10:18] = 20
    landcover[12, 10] = 80
    level[20:24, 10:15] = 4  # patch Y: 20 cells of grassland
    landcover[20:24, 10:15] = 30
    level[18:26, 20:26] = 3  # below the top two levels
    level[:, 29] = 2
    table = patch_table(labels, landcover, grid, GLOBELAND30)
    sources = Sources(table, labels, rasters={"services_level": level} if services_level else {})
    surface = np.where(np.isin(landcover, [20, 30]), 1.0, 5.0).astype(np.float32)
    return Baseline(
        grid=grid,
        landcover=landcover,
        classes=GLOBELAND30,
        sources=sources,
        surface=surface,
        corridors=_corridors(grid),
        connectivity=None,
        nodes=pd.DataFrame({"id": table["id"]}),
        distance_m=1000.0,
        probability=0.5,
        landscape_area_m2=grid.area_km2 * 1e6,
        rasters=rasters or {},
    )


def _rc(cells) -> set[tuple[int, int]]:
    r, c = np.divmod(np.asarray(cells), N)
    return set(zip(r.tolist(), c.tolist()))


def _by_kind(scenario, kind):
    return [a for a in scenario.actions if a.kind == kind]


def test_new_sources_are_the_top_importance_patches_that_are_not_sources():
    base = _baseline()
    [s] = fushun_scenarios(base, new_sources=2, min_new_source_km2=0.05)
    table = s.details["new_sources"]
    # X (level 5) before Y (level 4) before the fringe, which touches source 1; level 3 is not a candidate.
    assert table["area_km2"].to_numpy() == pytest.approx([0.49, 0.20, 0.08])
    assert table["mean_level"].tolist() == [5.0, 4.0, 5.0]
    assert table["touches_source"].tolist() == [False, False, True]
    assert table["chosen"].tolist() == [True, True, False]
    new = _by_kind(s, "source")
    assert len(new) == 2 and all(a.source for a in new)
    patch_x = {(r, c) for r in range(10, 15) for c in range(10, 20)} - {(12, 10)}
    assert _rc(new[0].cells) == patch_x  # the built-up cell stays out
    assert _rc(new[1].cells) == {(r, c) for r in range(20, 24) for c in range(10, 15)}
    # X's cropland is restored to its dominant habitat class; Y is all grassland already.
    assert [a.to_class for a in new] == [20, None] and not _by_kind(s, "restore")
    assert table["non_habitat_km2"].to_numpy()[:2] == pytest.approx([0.10, 0.0])
    assert table["restore_to_class"].iloc[0] == 20 and pd.isna(table["restore_to_class"].iloc[1])
    e = edits(s.actions, base.landcover, base.habitat_codes())
    assert (e.include[10:15, 10:20].sum(), e.include[20:24, 10:15].sum()) == (49, 20)
    assert e.landcover[12, 10] == 80 and (e.landcover[10:15, 18:20] == 20).all()
    assert (e.landcover[10:15, 11:18] == 20).all() and (e.landcover[20:24, 10:15] == 30).all()


def test_new_source_count_and_minimum_area():
    base = _baseline()
    [one] = fushun_scenarios(base, new_sources=1, min_new_source_km2=0.05, restore_non_habitat=False)
    assert [(len(a.cells), a.to_class) for a in _by_kind(one, "source")] == [(49, None)]
    [big] = fushun_scenarios(base, new_sources=None, min_new_source_km2=0.3)
    assert big.details["new_sources"]["area_km2"].to_numpy() == pytest.approx([0.49])


def test_importance_computed_from_service_rasters_when_sources_did_not_use_services():
    hq = np.zeros((N, N))
    hq[0:4, 0:4] = 1.0
    hq[10:15, 10:20] = 1.0  # X
    hq[20:24, 10:15] = 0.8  # Y
    hq[18:26, 20:26] = 0.4
    hq[:, 29] = 0.2
    base = _baseline(services_level=False, rasters={"habitat_quality": hq})
    [s] = fushun_scenarios(base, min_new_source_km2=0.05, service_block_m=None)
    assert s.details["new_sources"]["area_km2"].to_numpy() == pytest.approx([0.49, 0.20])
    assert "habitat_quality (0.45)" in s.note and "left out: carbon_storage, sediment_retention, water_yield" in s.note
    with pytest.raises(EconetError, match="indicators"):
        fushun_scenarios(_baseline(services_level=False))


def test_only_general_corridors_at_or_above_the_gravity_rule_are_upgraded():
    base = _baseline()
    [s] = fushun_scenarios(base, min_new_source_km2=5.0)
    general = s.details["upgraded_corridors"]
    assert general["corridor_id"].tolist() == [2, 3, 4, 5]  # the important corridor 1 is not general
    assert general["upgraded"].tolist() == [True, True, False, False]  # G >= median(50, 40, 10, 5) = 25
    ups = _by_kind(s, "corridor")
    assert [a.label.split()[1] for a in ups] == ["2", "3"]
    assert all(a.resistance == pytest.approx(1.0) for a in ups)
    src = base.sources.table.set_index("id")
    assert ups[0].link == (
        (src.loc[1, "inside_x"], src.loc[1, "inside_y"]),
        (src.loc[3, "inside_x"], src.loc[3, "inside_y"]),
    )
    # Corridor 2 runs along x = 150 m: the regional half-width (200 m) reaches column 3
    # (300-400 m) but not column 4; the sub-regional half-width would stop in column 2.
    cells = _rc(ups[0].cells)
    assert (15, 3) in cells and (15, 4) not in cells
    [top] = fushun_scenarios(base, min_new_source_km2=5.0, upgrade_share=0.25)  # G >= 42.5
    assert [a.label.split()[1] for a in _by_kind(top, "corridor")] == ["2"]
    [none] = fushun_scenarios(base, min_new_source_km2=5.0, upgrade_share=0.0)
    assert not _by_kind(none, "corridor")


def test_every_breakpoint_is_restored_and_its_crossing_covers_it():
    base = _baseline()
    [s] = fushun_scenarios(base, min_new_source_km2=5.0)
    crossings = _by_kind(s, "crossing")
    table = s.details["crossings"]
    assert len(table) == 3 and table["crossing"].tolist() == [1, 2, 2]  # corridors 5 and 4 share one
    assert len(crossings) == 2
    assert all(a.resistance == pytest.approx(1.0) for a in crossings)
    # Corridor 3 is upgraded, so its crossing is regional: 200 m around (2850, 1450), in cell (15, 28).
    assert table["width_m"].tolist() == [400.0, 100.0, 100.0]
    first = _rc(crossings[0].cells)
    assert (15, 28) in first  # the breakpoint's cell
    assert (15, 26) in first and (15, 25) not in first  # 150 m away in, 250 m away out
    assert (12, 28) not in first and (13, 28) in first
    second = _rc(crossings[1].cells)
    assert (28, 15) in second and (28, 17) not in second and (26, 15) not in second
    assert "4 (3-4)" in crossings[1].label and "5 (1-4)" in crossings[1].label
    assert "restored 3 breakpoint(s) with 2 crossing structure(s)" in s.note


def test_regional_width_comes_from_the_baseline_or_the_argument():
    base = _baseline()
    base.corridors.tiers = base.corridors.tiers[base.corridors.tiers["tier"] != "regional"]
    with pytest.raises(EconetError, match="regional_width_m"):
        fushun_scenarios(base, min_new_source_km2=5.0)
    [s] = fushun_scenarios(base, min_new_source_km2=5.0, regional_width_m=200.0)
    assert (15, 3) not in _rc(_by_kind(s, "corridor")[0].cells)
    assert s.params["regional_width_m"] == 200.0
