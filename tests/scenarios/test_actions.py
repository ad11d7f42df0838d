"""Actions, their edits, the scenario keys of the study and the validation table."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from affine import Affine
from rasterio.crs import CRS

from econet.config import parse_study
from econet.corridors.pairs import link_pairs
from econet.errors import StudyError
from econet.grid import Grid
from econet.habitat.selection import add_patches
from econet.habitat.sources import patch_table
from econet.landcover import GLOBELAND30
from econet.scenarios import Action, Scenario, action, edits, footprint
from econet.scenarios.validation import against_random, validation_table

GRID = Grid(CRS.from_epsg(32650), Affine(30.0, 0, 0.0, 0, -30.0, 300.0), (10, 10))


def test_restoring_changes_degraded_cells_only_and_lowering_keeps_the_lowest():
    lc = np.full((10, 10), 10, dtype=np.int32)  # cropland
    lc[0, :] = 60  # a water row: habitat, never restored
    lc[9, 9] = -1  # no land cover: never edited
    square = np.ravel_multi_index(np.mgrid[0:3, 0:3].reshape(2, -1), lc.shape)
    acts = [
        Action("restore", square, to_class=20),
        action("barrier", [44, 45, 99], lowest_resistance=1.0),
        action("crossing", [45], resistance=0.5),
        action("stepping_stone", [77, 78], to_class=20),
        action("corridor", [], link=((15.0, 285.0), (285.0, 15.0))),
    ]
    e = edits(acts, lc, habitat_codes=[20, 60])
    assert (e.landcover[0, :3] == 60).all() and (e.landcover[1:3, :3] == 20).all()
    assert e.landcover[9, 9] == -1 and e.landcover.ravel()[[77, 78]].tolist() == [20, 20]
    assert np.count_nonzero(e.landcover != lc) == 6 + 2
    assert e.lower_to.ravel()[44] == 1.0 and e.lower_to.ravel()[45] == 0.5  # the lower of the two
    assert np.isnan(e.lower_to.ravel()[99]) and np.isfinite(e.lower_to).sum() == 2
    assert e.include.ravel()[[77, 78]].tolist() == [2, 2] and e.include.sum() == 4
    assert e.links == [((15.0, 285.0), (285.0, 15.0))]
    assert edits([], lc).empty


def test_actions_have_kinds_defaults_and_footprints():
    with pytest.raises(ValueError, match="unknown action kind"):
        Action("plant", [1])
    assert action("source", [3, 1, 3]).cells.tolist() == [1, 3] and action("source", [1]).source
    assert action("pinchpoint", [1], lowest_resistance=2.0).resistance == 2.0
    assert action("barrier", [1], to_class=20, lowest_resistance=2.0).resistance is None
    line = shapely.LineString([(15.0, 285.0), (285.0, 285.0)])  # the centres of the top row
    assert footprint([line], GRID).tolist() == list(range(10))
    assert len(footprint([line], GRID, buffer_m=30.0)) == 20  # rows 0 and 1 (the buffer touches row 1)
    assert Scenario("s", (Action("source", [1], cost=2.0), Action("source", [2]))).cost() == 2.0


def test_included_patches_are_new_sources_numbered_after_the_existing_ones():
    lc = np.full((10, 10), 20, dtype=np.int32)
    labels = np.zeros((10, 10), dtype=np.int32)
    labels[:3, :3] = 1
    labels[6:, 6:] = 2
    table = patch_table(labels, lc, GRID, GLOBELAND30)
    include = np.zeros((10, 10), dtype=np.uint8)
    include[0, 0] = 1  # already a source: ignored
    include[5, 0:2] = 2  # a stepping stone
    include[0, 8] = 1  # a new source
    out, t = add_patches(labels, table, include, lc, GRID, GLOBELAND30, size_thresholds_km2=[7, 4, 1])
    assert t["id"].tolist() == [1, 2, 3, 4] and t["added"].tolist() == ["", "", "source", "stepping stone"]
    assert (out[:3, :3] == 1).all() and (out[5, :2] == 4).all() and out[0, 8] == 3
    assert t["area_ha"].tolist()[2:] == pytest.approx([0.09, 0.18]) and t["size_class"].iloc[3] == "small"


def test_link_pairs_reads_the_sources_under_each_lines_ends():
    labels = np.zeros((10, 10), dtype=np.int32)
    labels[0, 0], labels[9, 9], labels[0, 9] = 1, 2, 3
    lines = [
        shapely.LineString([(15, 285), (150, 150), (285, 15)]),  # 1 -> 2
        shapely.LineString([(285, 285), (15, 285)]),  # 3 -> 1
        shapely.LineString([(15, 285), (150, 150)]),  # an end off the sources
    ]
    pairs, problems = link_pairs(lines, labels, GRID)
    assert pairs == [(1, 2), (1, 3)]
    assert len(problems) == 1 and "link 3" in problems[0][2]


def _study(**extra):
    return {
        "layers": {"landcover": {"path": "lc.tif", "kind": "categorical"}, "dem": {"path": "dem.tif"}},
        "landcover": {"table": "globeland30"},
        **extra,
    }


def test_scenario_keys_are_checked_with_every_problem_at_once():
    bad = _study(
        scenarios=[
            {"name": "a b", "actions": [{"kind": "restore", "at": [1, 2]}]},
            {"name": "x", "actions": [{"kind": "corridor", "at": [1, 2], "line": [[0, 0], [1, 1]]}]},
            {"name": "y", "actions": [{"kind": "crossing", "vector": "roads"}]},
            {"name": "y"},
        ],
        optimise={"generators": ["priority"]},
    )
    with pytest.raises(StudyError) as err:
        parse_study(bad, check_files=False)
    text = str(err.value)
    for fragment in (
        "scenarios.0.name",
        "folder",
        'kind = "restore" needs to_class',
        "exactly one footprint",
        "scenarios.2.actions.0.vector: names vector layer 'roads'",
        "used twice",
        "priority_candidates",
    ):
        assert fragment in text, fragment
    ok = parse_study(
        _study(
            scenarios=[{"name": "s1", "actions": [{"kind": "barrier", "at": [1, 2], "resistance": "lowest"}]}],
            optimise={"generators": ["pfo", "random"], "costs": {"per_ha": {"barrier": 10}}},
        ),
        check_files=False,
    )
    assert ok.scenarios[0].actions[0].resistance == "lowest" and ok.optimise.random_repeats == 20
    with pytest.raises(StudyError, match="scenarios.0.actions.0.to_class: 'orchard' is not a class"):
        parse_study(
            _study(scenarios=[{"name": "s", "actions": [{"kind": "restore", "at": [1, 2], "to_class": "orchard"}]}]),
            check_files=False,
        )
    with pytest.raises(StudyError, match="optimise.restore_to: 999"):
        parse_study(_study(optimise={"restore_to": 999}), check_files=False)


def test_validation_table_gives_changes_and_the_random_mean_and_spread():
    rows = {
        "baseline": {"generator": "", "ECA_km2": 10.0, "node_targeted_S_slope": -0.9, "carbon_total_t_a": 5.0},
        "pfo": {"generator": "pfo", "ECA_km2": 12.0, "node_targeted_S_slope": -0.7, "carbon_total_t_a": 6.0},
        "random_01": {"generator": "random", "ECA_km2": 10.5, "node_targeted_S_slope": -0.8, "carbon_total_t_a": 6.0},
        "random_02": {"generator": "random", "ECA_km2": 11.5, "node_targeted_S_slope": -0.9, "carbon_total_t_a": 5.0},
    }
    t = validation_table(rows).set_index("scenario")
    assert t.loc["pfo", "d_ECA_km2"] == pytest.approx(2.0)
    assert t.loc["random (mean)", "ECA_km2"] == pytest.approx(11.0)
    assert t.loc["random (sd)", "ECA_km2"] == pytest.approx(np.std([10.5, 11.5], ddof=1))
    assert np.isnan(t.loc["random (sd)", "d_ECA_km2"]) and t.loc["random (mean)", "d_ECA_km2"] == pytest.approx(1.0)
    v = against_random(t.reset_index()).set_index("measure")
    assert v.loc["ECA_km2", "difference"] == pytest.approx(1.0) and v.loc["ECA_km2", "better"]
    assert (
        v.loc["node_targeted_S_slope", "difference"] == pytest.approx(0.15) and v.loc["node_targeted_S_slope", "better"]
    )
    assert v.loc["carbon_total_t_a", "difference"] == pytest.approx(0.5)
    assert v.loc["ECA_km2", "difference_sd"] == pytest.approx(1.0 / np.std([10.5, 11.5], ddof=1))
    assert isinstance(gpd.GeoDataFrame(), pd.DataFrame)  # geopandas tables pass through unchanged


def test_restorations_are_priced_by_the_land_cover_they_change():
    from types import SimpleNamespace

    from econet.config.scenarios import CostTable
    from econet.optimise import priced

    lc = np.full((4, 4), 10, dtype=np.int32)  # cultivated
    lc[0, :] = 90  # bare land (a dump)
    lc[1, 0] = 60  # water: habitat, left as it is
    lc[1, 1] = 20  # already forest
    grid = Grid(CRS.from_epsg(32650), Affine(30, 0, 0, 0, -30, 120), (4, 4))  # 0.09 ha cells
    classes = GLOBELAND30
    base = SimpleNamespace(
        grid=grid, landcover=lc, classes=classes, habitat_codes=lambda: [c.code for c in classes if c.habitat]
    )
    costs = CostTable(
        per_ha={"restore": 1000.0, "crossing": 5.0},
        each={"restore": 7.0, "crossing": 300.0},
        transition_per_ha={"bare land->forest": 50000.0, "10->forest": 20000.0},
    )
    top_two_rows = np.arange(8)  # 4 bare, 1 water, 1 forest, 2 cultivated
    s = Scenario(
        "s",
        (
            Action("restore", top_two_rows, to_class=20),
            Action("restore", top_two_rows, to_class=30),  # no transition to grassland: the kind's rate
            action("crossing", [12, 13], resistance=1.0),
            Action("restore", [0], to_class=20, cost=1.0),  # its own cost is kept
        ),
    )
    got = [a.cost for a in priced(s, costs, base).actions]
    assert got[0] == pytest.approx(0.09 * (4 * 50000 + 2 * 20000) + 7.0)
    assert got[1] == pytest.approx(0.09 * 6 * 1000 + 7.0)  # the water and forest cells stay
    assert got[2] == pytest.approx(0.09 * 2 * 5.0 + 300.0)
    assert got[3] == 1.0
    no_fallback = CostTable(transition_per_ha={"bare land->forest": 50000.0})
    assert priced(s, no_fallback, base).actions[0].cost is None  # cultivated cells have no rate
    with pytest.raises(ValueError, match="FROM->TO"):
        CostTable(transition_per_ha={"bare land to forest": 1.0})
    with pytest.raises(StudyError, match=r"optimise.costs.transition_per_ha.orchard->forest: 'orchard'"):
        parse_study(_study(optimise={"costs": {"transition_per_ha": {"orchard->forest": 1.0}}}), check_files=False)
