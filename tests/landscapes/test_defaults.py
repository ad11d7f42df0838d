"""Defaults derived from the study: a road splitting a forest gives a crossing, not the most
important corridor; the corridor cost cap follows the dispersal distance of PC, with a note;
corridor widths that cannot fit the cells are required."""

from __future__ import annotations

import pytest

from econet.config import data_problems, landscape_of, load_study
from econet.pipeline import run_study
from tests.landscapes.build import BUILT, FOREST, cropland, study_text, write_study, write_tif


def test_road_splitting_a_forest_is_a_crossing(tmp_path):
    """A forest (rows 5-40, columns 5-75) cut by a four-cell road (columns 38-41), and a third
    forest 1.2 km south: the two halves are one forest, their 120 m link is a crossing; the
    corridor to the southern forest is the one that matters."""
    lc = cropland(100)
    lc[5:40, 5:76] = FOREST
    lc[:, 38:42] = BUILT  # the road, across the whole map
    lc[75:98, 5:36] = FOREST
    path = write_study(tmp_path, lc, extra="[corridors]\ncap_by_dispersal = false\n")
    run = run_study(load_study(path), tmp_path / "run", quiet=True)
    paths = run.results["corridors"].paths
    assert len(run.results["sources"].table) == 3
    crossing = paths[paths["class"] == "crossing"]
    # core to core: the road (4 cells) and an MSPA edge cell on each side
    assert len(crossing) == 1 and crossing["length_m"].iloc[0] == pytest.approx(7 * 30.0)
    assert set(paths["class"]) - {"crossing"} <= {"important", "general"}
    others = paths[paths["class"] != "crossing"]
    assert len(others) >= 1 and (others["length_m"] > 900).all()
    assert (others["class"] == "important").any() or len(others) == 1  # the mean is over real corridors
    assert (paths.loc[paths["class"] == "crossing", "tier"] == "local").all()
    report = (tmp_path / "run" / "report.html").read_text()
    assert "1 link(s) shorter than corridors.crossing_max_m = 250 m" in report


def _two_forests(tmp_path, extra):
    lc = cropland(100)
    lc[5:35, 5:35] = FOREST
    lc[5:35, 65:100] = FOREST  # 30 columns (900 m) of cropland (grade 5) between them
    path = write_study(tmp_path, lc, extra=extra)
    run = run_study(load_study(path), tmp_path / "run", quiet=True)
    return run.results["corridors"], (tmp_path / "run" / "report.html").read_text()


def test_cost_cap_follows_the_dispersal_distance(tmp_path):
    # median resistance 5 (cropland): a 500 m dispersal distance caps corridors at 2500, below
    # the ~4500 of crossing 900 m of cropland
    corr, report = _two_forests(tmp_path / "short", "[connectivity]\ndistance_m = 500\n")
    assert len(corr.paths) == 0 and len(corr.dropped) == 1
    assert "corridors costlier than 2,500 (resistance x m: the dispersal distance" in report
    # 2000 m: a cap of 10 000, the corridor is kept, no note that it is too long
    corr, report = _two_forests(tmp_path / "long", "[connectivity]\ndistance_m = 2000\n")
    assert len(corr.paths) == 1 and 4000 < corr.paths["cost"].iloc[0] < 10000
    assert "longer than the dispersal distance" not in report


def test_a_corridor_longer_than_the_dispersal_distance_is_noted(tmp_path):
    corr, report = _two_forests(tmp_path, "[corridors]\ncap_by_dispersal = false\n[connectivity]\ndistance_m = 500\n")
    assert len(corr.paths) == 1 and corr.paths["length_m"].iloc[0] > 500
    assert "1 of 1 corridors are longer than the dispersal distance used for PC" in report
    assert "corridors costlier than" not in report


def test_default_widths_narrower_than_a_cell_are_required(tmp_path):
    lc = cropland(40)
    lc_path = write_tif(tmp_path / "lc.tif", lc, cell=400.0)
    path = tmp_path / "study.toml"
    path.write_text(study_text(lc_path))
    study = load_study(path)
    (problem,) = data_problems(study, landscape_of(study))
    assert problem.where == "corridors.local_width_m"
    assert "the default corridor widths (Chang et al. 2018" in problem.message and "half the 400 m" in problem.message
    path.write_text(
        study_text(
            lc_path, extra="[corridors]\nlocal_width_m = 800\nsubregional_width_m = 1200\nregional_width_m = 1600\n"
        )
    )
    study = load_study(path)
    assert data_problems(study, landscape_of(study)) == []
