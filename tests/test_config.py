"""The study schema: every problem reported together with its key path."""

from __future__ import annotations

import subprocess
import sys

import pytest

from econet.config import load_study, parse_study
from econet.errors import StudyError
from tests.conftest import raleigh_study_text

BAD = """
[study]
templat = "landcover"
[layers.landcover]
path = "missing_landcover.tif"
kind = "categorical"
[layers.dem]
path = "missing_dem.tif"
kind = "continous"
[sources]
min_area_km2 = -4
[sources.mspa]
connectivity = 6
[connectivity]
probability = 1.5
[resistance]
weights = {landcover = 0.6, slope = 0.3}
[robustness]
random_repeats = "many"
"""


def _problems(text: str, tmp_path) -> dict[str, str]:
    path = tmp_path / "study.toml"
    path.write_text(text)
    with pytest.raises(StudyError) as info:
        load_study(path)
    return {p.where: p.message for p in info.value.problems}


def test_every_problem_reported_at_once(tmp_path):
    problems = _problems(BAD, tmp_path)
    assert set(problems) == {
        "study.templat",
        "layers.landcover.path",
        "layers.dem.path",
        "layers.dem.kind",
        "sources.min_area_km2",
        "sources.mspa.connectivity",
        "connectivity.probability",
        "resistance.weights",
        "robustness.random_repeats",
        "landcover.table",
    }
    assert "unknown key" in problems["study.templat"]
    assert "file not found" in problems["layers.dem.path"] and "missing_dem.tif" in problems["layers.dem.path"]
    assert "sum to 1" in problems["resistance.weights"] and "0.9" in problems["resistance.weights"]
    assert "greater than 0" in problems["sources.min_area_km2"]
    assert "'many'" in problems["robustness.random_repeats"]


def test_cross_references_reported_with_type_errors(tmp_path):
    text = raleigh_study_text().replace(
        '[landcover]\ntable = "nc_landclass96"', '[landcover]\nlayer = "lc"\ntable = "nc_landclass96"'
    )
    text += "\n[connectivity]\nprobability = 0\n"
    problems = _problems(text, tmp_path)
    assert set(problems) == {"landcover.layer", "connectivity.probability"}
    assert "[layers.lc]" in problems["landcover.layer"]


def test_probability_bounds(tmp_path):
    for p, ok in [(1.0, True), (0.5, True), (0.0, False), (1.0001, False), (-0.1, False)]:
        text = raleigh_study_text() + f"\n[connectivity]\nprobability = {p}\n"
        path = tmp_path / "s.toml"
        path.write_text(text)
        if ok:
            assert load_study(path).connectivity.probability == p
        else:
            with pytest.raises(StudyError):
                load_study(path)


def test_valid_study_and_defaults(raleigh_study):
    s = load_study(raleigh_study)
    assert s.sources.min_area_km2 == 0.5
    assert s.sources.mspa.connectivity == 8
    assert s.resistance.weights == {"landcover": 0.7, "slope": 0.3}
    assert [c.code for c in s.landcover.resolved()] == [1, 2, 3, 4, 5, 6, 7]


def test_edge_width_metres_rounds_to_pixels():
    s = parse_study(
        {
            "layers": {"landcover": {"path": "x", "kind": "categorical"}, "dem": {"path": "y"}},
            "landcover": {"table": "globeland30"},
            "sources": {"mspa": {"edge_width_m": 100}},
        },
        check_files=False,
    )
    assert s.sources.mspa.edge_width_pixels(30.0) == 3  # 3.33 cells -> 3
    assert s.sources.mspa.edge_width_pixels(40.0) == 3  # 2.5 cells -> 3 (half up)
    assert s.sources.mspa.edge_width_pixels(500.0) == 1  # never below one cell


def test_class_table_is_exactly_what_the_study_says():
    layers = {"landcover": {"path": "x", "kind": "categorical"}, "dem": {"path": "y"}}
    bare = {"code": 90, "name": "bare", "habitat": False, "resistance": 8}
    # inline classes alone: the user's table, no built-in code merged in
    s = parse_study({"layers": layers, "landcover": {"classes": [bare]}}, check_files=False)
    assert [c.code for c in s.landcover.resolved()] == [90]
    # a named table with inline classes: they replace or add codes
    s = parse_study({"layers": layers, "landcover": {"table": "globeland30", "classes": [bare]}}, check_files=False)
    classes = {c.code: c for c in s.landcover.resolved()}
    assert classes[90].resistance == 8 and classes[20].resistance == 1
    # neither: no table is assumed
    with pytest.raises(StudyError) as err:
        parse_study({"layers": layers}, check_files=False)
    assert [p.where for p in err.value.problems] == ["landcover.table"]
    assert "no table is assumed" in err.value.problems[0].message


def test_toml_syntax_error(tmp_path):
    problems = _problems("[study\nname = 1", tmp_path)
    assert list(problems) == ["(syntax)"]


def test_validate_command_exit_code_and_no_traceback(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(BAD)
    proc = subprocess.run([sys.executable, "-m", "econet", "validate", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "10 problems" in proc.stderr and "landcover.table" in proc.stderr
    assert "resistance.weights" in proc.stderr


def test_validate_command_ok(raleigh_study):
    proc = subprocess.run(
        [sys.executable, "-m", "econet", "validate", str(raleigh_study)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert "489 x 443 at 28.5 m" in proc.stdout


def test_moved_keys_and_the_circuit_cutoff_are_reported_with_the_rest():
    base = {
        "layers": {"landcover": {"path": "x", "kind": "categorical"}, "dem": {"path": "d"}},
        "landcover": {"table": "globeland30"},
    }
    with pytest.raises(StudyError) as err:
        parse_study(
            {
                **base,
                "circuit": {"corridor_width_cwd": 2000},
                "indicators": {"corridor_width_m": 100, "models": ["carbon_sink"]},
            },
            check_files=False,
        )
    got = {p.where: p.message for p in err.value.problems}
    assert set(got) == {"circuit.corridor_width_cwd", "indicators.corridor_width_m", "corridors.width_cost"}
    assert "corridors.width_cost" in got["circuit.corridor_width_cwd"]
    assert "width tiers" in got["indicators.corridor_width_m"]
    ok = parse_study({**base, "circuit": {}, "corridors": {"width_cost": 2000}}, check_files=False)
    assert ok.circuit is not None and ok.corridors.width_cost == 2000


def test_run_section_sets_the_window_and_changes_no_section_a_stage_reads():
    from econet.cli._common import window_options
    from econet.windows import window_size

    layers = {"landcover": {"path": "x", "kind": "categorical"}, "dem": {"path": "y"}}
    base = {"layers": layers, "landcover": {"table": "globeland30"}}
    assert parse_study(base, check_files=False).run.window() is None  # the whole grid
    assert parse_study({**base, "run": {"window_cells": 512}}, check_files=False).run.window() == 512
    by_memory = parse_study({**base, "run": {"max_memory_mb": 64}}, check_files=False).run.window()
    assert by_memory == window_size(64, 96) == 768  # sqrt(64 MiB / 96 B) = 846 cells, whole tiles: 768
    with pytest.raises(StudyError) as info:
        parse_study({**base, "run": {"window_cells": 8, "max_memory_mb": 0}}, check_files=False)
    assert {p.where for p in info.value.problems} == {"run.window_cells", "run.max_memory_mb"}
    study = parse_study(base, check_files=False)
    assert window_options(study, 100, None).run.window() == 100
    assert window_options(study, None, None) is study
    with pytest.raises(StudyError, match="--window-size"):
        window_options(study, 4, None)
    with pytest.raises(StudyError, match="--memory"):
        window_options(study, None, -1.0)


def test_a_home_folder_of_an_unknown_user_is_a_study_error():
    """Found by the study fuzz test: Path("~0").expanduser() raises RuntimeError."""
    with pytest.raises(StudyError) as exc:
        parse_study({"layers": {"landcover": {"path": "~0/lc.tif", "kind": "categorical"}}})
    assert any(p.where == "layers.landcover.path" and "'~0'" in p.message for p in exc.value.problems)
