"""``econet optimise`` end to end on constructed landscapes whose answers are computed by hand."""

from __future__ import annotations

import filecmp
import math
from pathlib import Path

import numpy as np
import pytest
from affine import Affine
from rasterio.crs import CRS

from econet.config import parse_study
from econet.grid import Grid
from econet.io import write_raster
from econet.optimise import optimise_study

CELL = 30.0
CROP, FOREST, ARTIFICIAL, BARE = 10, 20, 80, 90


def _grid(shape) -> Grid:
    return Grid(CRS.from_epsg(32650), Affine(CELL, 0, 500000.0, 0, -CELL, 3800000.0), shape)


def _study(tmp_path: Path, landcover: np.ndarray, scenarios: list, **connectivity) -> tuple:
    grid = _grid(landcover.shape)
    path = write_raster(tmp_path / "landcover.tif", landcover.astype(np.int32), grid, nodata=-1)
    data = {
        "study": {"name": "constructed"},
        "layers": {"landcover": {"path": str(path), "kind": "categorical"}},
        "sources": {"min_area_km2": 0.05, "mspa": {"edge_width_px": 1}},
        "resistance": {
            "factors": [{"name": "landcover", "kind": "landcover"}],
            "weights": {"landcover": 1.0},
        },
        "corridors": {"pairs": "all", "drop_through_sources": True},
        "connectivity": {"probability": 0.5, **connectivity},
        "robustness": {"random_repeats": 3, "edge_attacks": False},
        "scenarios": scenarios,
    }
    return parse_study(data, base_dir=tmp_path), grid


def _rows(result) -> dict:
    return result.validation.set_index("scenario").to_dict("index")


def test_restoring_the_one_barrier_cell_raises_eca_to_the_hand_value(tmp_path):
    # Two 12 x 12 forests (cores 10 x 10 = 0.09 km² with a one-cell edge) separated by a wall of
    # bare land (resistance 9), open in one row through forest with a single built-up cell
    # (resistance 7) in the middle. The least-cost path runs along that row: 30 m steps at the
    # mean of the two cells' resistances (any other row crosses three bare cells and costs more).
    lc = np.full((16, 29), CROP, dtype=np.int32)
    lc[2:14, 1:13] = FOREST
    lc[2:14, 16:28] = FOREST
    lc[:, 13:16] = BARE
    lc[8, 13:16] = [FOREST, ARTIFICIAL, FOREST]  # the gap: forest, the barrier cell, forest
    row, col = 8, 14
    grid = _grid(lc.shape)
    x, y = grid.xy(row, col)
    restore = {"kind": "barrier", "at": [float(x), float(y)], "radius_m": 0}
    study, _ = _study(tmp_path, lc, [{"name": "restored", "actions": [restore]}], distance="least_cost", distance_m=600)
    result = optimise_study(study, tmp_path / "opt", quiet=True)
    rows = _rows(result)
    a = 100 * CELL * CELL / 1e6  # km², each core
    base_src = result.baseline.results["sources"].table
    assert len(base_src) == 2 and np.allclose(base_src["area_km2"], a)

    def eca(cost):
        p = 0.5 ** (cost / 600.0)
        return a * math.sqrt(2 + 2 * p)

    # Core to core: two steps inside the forest edges (forest, 1), two through the gap's forest
    # cells, and two into and out of the barrier cell.
    before = 30 * 4 + 2 * 30 * (1 + 7) / 2  # 360, against 900 through the bare wall
    after = 30 * 4 + 2 * 30 * (1 + 1) / 2
    assert result.baseline.results["corridors"].paths["cost"].iloc[0] == pytest.approx(before)
    assert rows["baseline"]["ECA_km2"] == pytest.approx(eca(before), rel=1e-9)
    assert rows["restored"]["ECA_km2"] == pytest.approx(eca(after), rel=1e-9)
    assert rows["restored"]["d_ECA_km2"] == pytest.approx(eca(after) - eca(before), rel=1e-9)


def test_a_stepping_stone_between_two_sources_halves_their_corridor(tmp_path):
    # Two forests on uniform cropland, 30 cells apart along one row; a stepping stone of 4 x 4
    # cells (0.0144 km², below the source threshold) is planted midway. The corridor between them
    # is replaced by two corridors through the stone, each the gap to the stone long.
    lc = np.full((20, 60), CROP, dtype=np.int32)
    lc[4:16, 2:14] = FOREST
    lc[4:16, 46:58] = FOREST
    grid = _grid(lc.shape)
    stone = np.zeros(lc.shape, bool)
    stone[8:12, 28:32] = True
    # A square footprint: a line along row 9.5 buffered by two cells, cut to the stone's columns.
    x0, y0 = grid.xy(9.5, 28)
    x1, _ = grid.xy(9.5, 31)
    action = {
        "kind": "stepping_stone",
        "line": [[float(x0), float(y0)], [float(x1), float(y0)]],
        "width_m": 3 * CELL,
        "to_class": "forest",
    }
    study, _ = _study(tmp_path, lc, [{"name": "stone", "actions": [action]}])
    result = optimise_study(study, tmp_path / "opt", quiet=True)
    before = result.base.corridors
    outcome = result.scenarios[0][1]
    after, src = outcome.corridors, outcome.sources
    assert list(src["added"]) == ["", "", "stepping stone"]
    left, _, right, _ = src.geometry.iloc[2].bounds
    cols = [round((left - 500000.0) / CELL), round((right - 500000.0) / CELL) - 1]
    # Cores end at columns 12 and 47 (one-cell edges); paths run cell centre to cell centre.
    assert before["length_m"].tolist() == [pytest.approx((47 - 12) * CELL)]
    assert sorted(after["length_m"]) == pytest.approx(sorted([(cols[0] - 12) * CELL, (47 - cols[-1]) * CELL]))
    assert len(after) == 2 and after["length_m"].max() < before["length_m"].iloc[0] / 2
    import geopandas as gpd

    layer = gpd.read_file(tmp_path / "opt" / "scenarios" / "stone" / "actions.gpkg")
    assert layer["kind"].tolist() == ["stepping_stone"] and layer.geometry.iloc[0].equals(src.geometry.iloc[2])


def test_a_scenario_without_actions_reproduces_the_baseline_byte_for_byte(tmp_path):
    lc = np.full((20, 60), CROP, dtype=np.int32)
    lc[4:16, 2:14] = FOREST
    lc[4:16, 46:58] = FOREST
    study, _ = _study(tmp_path, lc, [{"name": "nothing"}])
    result = optimise_study(study, tmp_path / "opt", quiet=True)
    base, same = tmp_path / "opt" / "baseline", tmp_path / "opt" / "scenarios" / "nothing"
    files = [
        p.relative_to(same) for p in same.rglob("*") if p.is_file() and p.name not in ("manifest.json", "actions.csv")
    ]
    assert len(files) > 20
    for rel in files:
        assert filecmp.cmp(base / rel, same / rel, shallow=False), rel
    manifest = result.scenarios[0][1].stages
    assert all(e.get("cached") for e in manifest.values() if not e.get("skipped"))
    row = _rows(result)["nothing"]
    assert row["d_ECA_km2"] == 0 and row["d_node_targeted_S_slope"] == 0


def _econet(*args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "econet", *map(str, args)], capture_output=True, text=True)


def test_optimise_command_runs_a_study_scenario_and_refuses_what_it_cannot_run(tmp_path):
    lc = np.full((20, 60), CROP, dtype=np.int32)
    lc[4:16, 2:14] = FOREST
    lc[4:16, 46:58] = FOREST
    path = write_raster(tmp_path / "landcover.tif", lc, _grid(lc.shape), nodata=-1)
    base = f"""
[layers.landcover]
path = "{path}"
kind = "categorical"
[sources]
min_area_km2 = 0.05
[resistance]
factors = [{{ name = "landcover", kind = "landcover" }}]
weights = {{ landcover = 1.0 }}
[robustness]
random_repeats = 2
"""
    plain = tmp_path / "plain.toml"
    plain.write_text(base)
    proc = _econet("optimise", plain, "--out", tmp_path / "o1")
    assert proc.returncode == 2 and "no scenarios" in proc.stderr and "Traceback" not in proc.stderr
    x, y = _grid(lc.shape).xy(10, 30)
    study = tmp_path / "study.toml"
    study.write_text(
        base + f'[[scenarios]]\nname = "stone"\n[[scenarios.actions]]\nkind = "stepping_stone"\n'
        f'at = [{x}, {y}]\nradius_m = 60\nto_class = "forest"\n'
    )
    proc = _econet("optimise", study, "--out", tmp_path / "o2", "--scenario", "nope")
    assert proc.returncode == 2 and "no scenario named ['nope']" in proc.stderr
    proc = _econet("optimise", study, "--out", tmp_path / "o3", "-q")
    assert proc.returncode == 0, proc.stderr
    table = (tmp_path / "o3" / "validation.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in table[1:]] == ["baseline", "stone"]
    assert (tmp_path / "o3" / "report.html").exists() and (
        tmp_path / "o3" / "scenarios" / "stone" / "inputs" / "include.tif"
    ).exists()
