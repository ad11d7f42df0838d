"""``econet plan`` on a constructed study whose answer is known by hand: two forests behind a
bare wall with one gap, a barrier cell in the gap, and decoy actions."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from econet.cli import app
from econet.plan import plan_study
from tests.scenarios.test_optimise import ARTIFICIAL, BARE, CELL, CROP, FOREST, _grid, _study


def _landscape():
    lc = np.full((16, 29), CROP, dtype=np.int32)
    lc[2:14, 1:13] = FOREST
    lc[2:14, 16:28] = FOREST
    lc[:, 13:16] = BARE
    lc[8, 13:16] = [FOREST, ARTIFICIAL, FOREST]
    return lc


def _actions(grid):
    gap = grid.xy(8, 14)
    wall = grid.xy(1, 14)  # a crossing in the wall above the forests: no corridor crosses it
    return [
        {"kind": "barrier", "at": [float(gap[0]), float(gap[1])], "radius_m": 0, "cost": 10, "label": "gap"},
        {"kind": "crossing", "at": [float(wall[0]), float(wall[1])], "radius_m": 0, "cost": 4, "label": "decoy"},
    ]


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("plan")
    lc = _landscape()
    grid = _grid(lc.shape)
    study, _ = _study(
        tmp_path, lc, [{"name": "candidates", "actions": _actions(grid)}], distance="least_cost", distance_m=600
    )
    return study, tmp_path, plan_study(study, tmp_path / "plan", 12, quiet=True)


def test_plan_buys_the_barrier_and_the_run_confirms_the_predicted_eca(planned):
    study, tmp_path, res = planned
    table = res.table.set_index("label")
    assert table.loc["gap", "chosen"] and not table.loc["decoy", "chosen"]
    assert table.loc["decoy", "effect"] == "no effect on the network"
    a = 100 * CELL * CELL / 1e6

    def eca(cost):
        return a * math.sqrt(2 + 2 * 0.5 ** (cost / 600.0))

    before, after = 30 * 4 + 2 * 30 * 8 / 2, 30 * 4 + 2 * 30 * 2 / 2
    assert res.network.instance.pc_num() == pytest.approx(eca(before) ** 2, rel=1e-9)
    assert res.solution.eca == pytest.approx(eca(after), rel=1e-9)
    assert table.loc["gap", "marginal_ECA_km2"] == pytest.approx(eca(after) - eca(before), rel=1e-9)
    rows = res.validation.set_index("scenario")
    assert rows.loc["plan", "ECA_km2"] == pytest.approx(res.solution.eca, rel=1e-9)  # the run agrees
    out = tmp_path / "plan"
    for name in ("plan.csv", "plan.gpkg", "plan.png", "plan.json", "validation.csv", "scenarios/plan/actions.csv"):
        assert (out / name).is_file(), name
    import geopandas as gpd

    layer = gpd.read_file(out / "plan.gpkg", layer="plan")
    assert layer["label"].tolist() == ["gap"] and layer["cost"].tolist() == [10]
    assert layer["marginal_ECA_km2"].iloc[0] == pytest.approx(eca(after) - eca(before), rel=1e-9)
    assert layer.geometry.area.iloc[0] == pytest.approx(CELL * CELL)
    summary = json.loads((out / "plan.json").read_text())
    assert summary["chosen"] == 1 and summary["cost"] == 10 and summary["gap"] == 0


def test_budget_below_the_barrier_buys_nothing_useful(planned):
    study, tmp_path, first = planned
    res = plan_study(
        study, tmp_path / "low", 9, solver="greedy-incremental", reuse=(tmp_path / "plan" / "baseline",), quiet=True
    )
    assert not res.table.set_index("label").loc["gap", "chosen"]
    assert res.solution.value == pytest.approx(res.network.instance.pc_num())
    manifest = res.validation  # the baseline was reused, not recomputed: same ECA to the bit
    assert (
        manifest.set_index("scenario").loc["baseline", "ECA_km2"]
        == first.validation.set_index("scenario").loc["baseline", "ECA_km2"]
    )


def test_a_forbidden_zone_keeps_its_action_out(planned, tmp_path):
    import geopandas as gpd
    import shapely

    study, base_dir, _ = planned
    grid = _grid(_landscape().shape)
    x, y = grid.xy(8, 14)
    zone = gpd.GeoDataFrame({"name": ["mine"]}, geometry=[shapely.Point(x, y).buffer(20)], crs=grid.crs)
    path = tmp_path / "forbid.gpkg"
    zone.to_file(path, layer="forbid")
    from econet.config.layers import VectorLayer

    study = study.model_copy(
        update={"vectors": {**study.vectors, "forbid": VectorLayer(path=str(path), layer="forbid")}}
    )
    res = plan_study(study, tmp_path / "plan", 12, forbid="forbid", reuse=(base_dir / "plan" / "baseline",), quiet=True)
    t = res.table.set_index("label")
    assert t.loc["gap", "forbidden"] and not t.loc["gap", "chosen"] and not t.loc["decoy", "forbidden"]
    assert res.solution.value == pytest.approx(res.network.instance.pc_num())


def test_cli_plan_study_and_bad_input(tmp_path):
    runner = CliRunner()
    r = runner.invoke(app, ["plan", "--budget", "5"])
    assert r.exit_code == 2 and "STUDY" in r.output
    r = runner.invoke(app, ["plan", "--gecot", str(tmp_path / "none.json"), "--budget", "5"])
    assert r.exit_code == 2 and "no such instance file" in r.output
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    r = runner.invoke(app, ["plan", "--gecot", str(bad), "--budget", "5"])
    assert r.exit_code == 2 and "not valid JSON" in r.output
    worst = Path(__file__).parents[1] / "fixtures" / "gecot" / "worst" / "instance.json"
    r = runner.invoke(app, ["plan", "--gecot", str(worst), "--budget", "-1"])
    assert r.exit_code == 2 and "budget" in r.output and "Traceback" not in r.output


def test_a_stepping_stone_is_a_node_whose_predicted_eca_the_run_confirms(tmp_path):
    # two forests 30 cells apart on cropland, a 4 x 4 stone planted midway (tests/scenarios)
    lc = np.full((20, 60), CROP, dtype=np.int32)
    lc[4:16, 2:14] = FOREST
    lc[4:16, 46:58] = FOREST
    grid = _grid(lc.shape)
    x0, y0 = grid.xy(9.5, 28)
    x1, _ = grid.xy(9.5, 31)
    stone = {
        "kind": "stepping_stone",
        "line": [[float(x0), float(y0)], [float(x1), float(y0)]],
        "width_m": 3 * CELL,
        "to_class": "forest",
        "cost": 3,
        "label": "stone",
    }
    study, _ = _study(tmp_path, lc, [{"name": "stone", "actions": [stone]}], distance_m=600)
    res = plan_study(study, tmp_path / "plan", 3, quiet=True)
    t = res.table.set_index("label")
    assert (
        t.loc["stone", "chosen"]
        and t.loc["stone", "effect"].startswith("node added (")
        and "2 arcs" in t.loc["stone", "effect"]
    )
    rows = res.validation.set_index("scenario")
    assert rows.loc["plan", "sources"] == 3
    assert rows.loc["plan", "ECA_km2"] == pytest.approx(res.solution.eca, rel=1e-9)
    assert res.solution.eca > rows.loc["baseline", "ECA_km2"]
