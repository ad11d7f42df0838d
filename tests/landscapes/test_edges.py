"""Study-area edges: a reserve with nodata outside has a slope on every cell with land cover,
and a DEM that stops short of the land cover is reported by validation, with the uncovered area."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from econet.cli import app
from econet.config import data_problems, landscape_of, load_study
from econet.errors import StudyError
from econet.pipeline import run_study
from tests.landscapes.build import FOREST, cropland, write_study

NODATA = 255


def reserve(n=90):
    """A round reserve (radius 40 cells) with nodata outside, two forest blocks inside it, and a
    DEM (a tilted plane with a hill) that has no value outside the reserve either."""
    yy, xx = np.mgrid[:n, :n]
    inside = (yy - n / 2) ** 2 + (xx - n / 2) ** 2 <= 40**2
    lc = cropland(n).astype(np.uint8)
    lc[18:46, 14:42] = FOREST
    lc[50:78, 48:76] = FOREST
    lc[~inside] = NODATA
    dem = 100 + 0.5 * yy + 20 * np.exp(-((yy - 45) ** 2 + (xx - 45) ** 2) / 200.0)
    dem[~inside] = -9999
    return lc, dem, inside


def test_reserve_with_nodata_outside_runs(tmp_path):
    lc, dem, inside = reserve()
    path = write_study(tmp_path, lc, dem=dem, lc_nodata=NODATA)
    study = load_study(path)
    landscape = landscape_of(study)
    assert landscape.uncovered("dem") == 0 and data_problems(study, landscape) == []  # the DEM covers the reserve
    run = run_study(study, tmp_path / "run", quiet=True)
    res = run.results["resistance"]
    # every cell of the reserve has a resistance (the slope of edge cells included), none outside
    assert np.isfinite(res.surface[inside]).all() and np.isnan(res.surface[~inside]).all()
    slope = res.grades["slope"]
    assert np.isfinite(slope[inside]).all()
    assert len(run.results["sources"].table) == 2 and len(run.results["corridors"].paths) == 1


def test_dem_short_by_one_row_is_reported_before_the_run(tmp_path):
    lc = cropland(60)
    lc[10:40, 10:40] = FOREST
    yy, _ = np.mgrid[:59, :60]
    path = write_study(tmp_path, lc, dem=100 + 0.3 * yy)  # 59 rows: the last row of land cover has no height
    study = load_study(path)
    problems = data_problems(study, landscape_of(study))
    assert [p.where for p in problems] == ["layers.dem"]
    text = problems[0].message
    assert (
        "does not cover the study area" in text
        and "60 cell(s), 0.054 km²" in text
        and "resistance.factors.slope" in text
    )
    with pytest.raises(StudyError, match="layers.dem: does not cover the study area"):
        run_study(study, tmp_path / "run", quiet=True)  # before any stage: nothing is computed
    assert not (tmp_path / "run" / "mspa.tif").exists()
    result = CliRunner().invoke(app, ["validate", str(path), "--out", str(tmp_path / "v")])
    assert result.exit_code == 2 and "does not cover the study area" in result.output
    assert "Traceback" not in result.output
