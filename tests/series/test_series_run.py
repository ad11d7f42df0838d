"""A study of several epochs end to end on constructed landscapes: identical epochs give no
change and run each stage once; a new forest is matched as new, with its corridors gained."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from affine import Affine
from rasterio.crs import CRS

from econet.config import parse_study
from econet.errors import StudyError
from econet.grid import Grid
from econet.io import write_raster
from econet.timeline import run_series, stage_runs

CELL = 30.0
CROP, FOREST = 10, 20


def _grid(shape) -> Grid:
    return Grid(CRS.from_epsg(32650), Affine(CELL, 0, 500000.0, 0, -CELL, 3800000.0), shape)


def _landcover(third: bool = False) -> np.ndarray:
    lc = np.full((30, 44), CROP, dtype=np.int32)
    lc[2:14, 1:13] = FOREST
    lc[2:14, 30:42] = FOREST
    if third:
        lc[16:28, 16:28] = FOREST
    return lc


def _study(tmp_path: Path, overrides: dict, years=(2000, 2005, 2010)):
    base = write_raster(tmp_path / "lc_2000.tif", _landcover(), _grid((30, 44)), nodata=-1)
    data = {
        "study": {"name": "constructed series"},
        "layers": {"landcover": {"path": str(base), "kind": "categorical"}},
        "landcover": {"table": "globeland30"},
        "sources": {"min_area_km2": 0.05, "mspa": {"edge_width_px": 1}},
        "resistance": {"factors": [{"name": "landcover", "kind": "landcover"}], "weights": {"landcover": 1.0}},
        "corridors": {"pairs": "all"},
        "connectivity": {"probability": 0.5, "distance_m": 600},
        "robustness": {"random_repeats": 3, "edge_attacks": False},
        "series": {"years": list(years), "layers": overrides},
    }
    return parse_study(data, base_dir=tmp_path)


def test_identical_epochs_give_zero_change_and_run_each_stage_once(tmp_path):
    # 2005's land cover is another file with the same bytes: the stages key on content, so 2005
    # and 2010 (which keeps 2005's file) link every stage from 2000.
    _study(tmp_path, {})  # writes lc_2000.tif
    shutil.copy(tmp_path / "lc_2000.tif", tmp_path / "lc_2005.tif")
    study = _study(tmp_path, {"2005": {"landcover": "lc_2005.tif"}})
    assert study.epochs()[2010].layers["landcover"].path == str((tmp_path / "lc_2005.tif").resolve())
    series = run_series(study, tmp_path / "run", quiet=True)
    runs = stage_runs(series)
    assert runs and set(runs.values()) == {1}, runs
    assert [e.stages_run() for e in series.epochs][1:] == [[], []]
    for iv in series.intervals:
        m = iv.transitions.to_numpy()
        assert np.count_nonzero(m - np.diag(np.diag(m))) == 0
        assert m.sum() == pytest.approx(30 * 44 * CELL * CELL / 1e6)
        assert set(iv.matching.events["status"]) == {"kept"}
        assert set(iv.corridors["status"]) == {"kept"} and len(iv.corridors) == 1
    numeric = series.changes.drop(columns=["from", "to"]).to_numpy(float)
    assert np.all((numeric == 0) | np.isnan(numeric))
    d = series.correlations.filter(like="d_r_").to_numpy(float)
    assert np.all((d == 0) | np.isnan(d))
    out = tmp_path / "run"
    for name in (
        "report.html",
        "series/trajectories.csv",
        "series/changes.csv",
        "series/transitions.csv",
        "series/transitions_2000_2005.csv",
        "series/source_events.csv",
        "series/corridor_changes.csv",
        "series/sources_change.gpkg",
        "series/corridors_change.gpkg",
        "series/figures/trajectories.png",
        "series/figures/change_2005_2010.png",
        "2000/report.html",
        "2010/report.html",
    ):
        assert (out / name).exists(), name
    table = pd.read_csv(out / "series" / "trajectories.csv")
    assert list(table["year"]) == [2000, 2005, 2010]
    assert table["sources"].tolist() == [2, 2, 2]


def test_a_new_forest_is_new_and_its_corridors_are_gained(tmp_path):
    write_raster(tmp_path / "lc_2010.tif", _landcover(third=True), _grid((30, 44)), nodata=-1)
    study = _study(tmp_path, {"2010": {"landcover": "lc_2010.tif"}}, years=(2000, 2010))
    series = run_series(study, tmp_path / "run", quiet=True)
    (iv,) = series.intervals
    assert sorted(iv.matching.events["status"]) == ["kept", "kept", "new"]
    # 144 forest cells turned from cropland, nothing else changed.
    assert iv.transitions.at[CROP, FOREST] == pytest.approx(144 * CELL * CELL / 1e6)
    assert iv.transitions.at[FOREST, CROP] == 0
    status = iv.corridors["status"].value_counts().to_dict()
    assert status.get("gained", 0) == 2 and status.get("lost", 0) == 0
    assert series.trajectories["sources"].tolist() == [2, 3]
    assert series.changes["sources"].tolist() == [1]


def test_series_keys_are_checked_with_the_key_and_the_fix(tmp_path):
    with pytest.raises(StudyError) as err:
        _study(tmp_path, {"2005": {"landcover": "missing.tif"}, "2007": {"landcover": "lc_2000.tif"}})
    text = str(err.value)
    assert "series.layers.2005" in text and "file not found" in text
    assert "series.layers.2007" in text and "not one of series.years" in text
    with pytest.raises(StudyError) as err:
        _study(tmp_path, {"2005": {"dem": "lc_2000.tif"}})
    assert "series.layers.2005.dem" in str(err.value) and "not in [layers]" in str(err.value)
    with pytest.raises(StudyError) as err:
        _study(tmp_path, {}, years=(2010, 2000))
    assert "series.years" in str(err.value) and "increase" in str(err.value)


def test_every_epoch_is_checked_before_any_stage_runs(tmp_path):
    bad = _landcover()
    bad[0, 0] = 77  # not a GlobeLand30 code
    write_raster(tmp_path / "lc_2005.tif", bad, _grid((30, 44)), nodata=-1)
    write_raster(tmp_path / "lc_2010.tif", _landcover()[:, :40], _grid((30, 40)), nodata=-1)
    study = _study(tmp_path, {"2005": {"landcover": "lc_2005.tif"}, "2010": {"landcover": "lc_2010.tif"}})
    with pytest.raises(StudyError) as err:
        run_series(study, tmp_path / "run", quiet=True)
    where = [p.where for p in err.value.problems]
    assert any(w.endswith("(2005)") for w in where), where
    assert "77" in str(err.value)
    assert "series.layers.2010.landcover" in where and "another grid" in str(err.value)
    assert not (tmp_path / "run" / "2000").exists()  # nothing ran
