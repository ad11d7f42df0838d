"""``econet run`` and ``econet validate`` on a study with [series], as a user runs them: the
tiny demo study with a second epoch whose land cover is a copy of the first's."""

from __future__ import annotations

import json
import re
import shutil
from types import SimpleNamespace

import pandas as pd
import pytest
from typer.testing import CliRunner

from econet.cli import app


def econet(*args):
    """The command line in this process (the numba kernels compiled once for the session)."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)


def test_identical_epochs_of_the_demo_run_each_stage_once(tmp_path):
    study = tmp_path / "study.toml"
    assert econet("init", study, "--data", tmp_path / "data", "--size", 120).returncode == 0
    shutil.copy(tmp_path / "data" / "layers" / "landcover.tif", tmp_path / "landcover_2010.tif")
    # Without the circuit stage, the slowest at this size; the series machinery is the same.
    text = re.sub(r"\n\[circuit\]\n(.+\n)+", "\n", study.read_text())
    assert "[circuit]" not in text
    study.write_text(
        text + '\n[series]\nyears = [2000, 2010]\n[series.layers.2010]\nlandcover = "landcover_2010.tif"\n'
    )
    proc = econet("validate", study)
    assert proc.returncode == 0, proc.stderr
    assert "2 epochs (2000, 2010)" in proc.stdout
    proc = econet("run", study, "--out", tmp_path / "run", "--quiet")
    assert proc.returncode == 0, proc.stderr
    run = tmp_path / "run"
    stages = [json.loads((run / str(y) / "manifest.json").read_text())["stages"] for y in (2000, 2010)]
    ran = {n: sum(not s[n].get("cached") and not s[n].get("skipped") for s in stages) for n in stages[0]}
    asked = {n for n, e in stages[0].items() if not e.get("skipped")}
    assert asked >= {"mspa", "sources", "resistance", "corridors", "network", "robustness", "report"}
    assert {n: ran[n] for n in asked} == dict.fromkeys(asked, 1)
    assert all(stages[1][n]["cached"] for n in asked)
    for name in ("report.html", "series/trajectories.csv", "series/source_events.csv", "series/figures/topology.png"):
        assert (run / name).exists(), name
    events = pd.read_csv(run / "series" / "source_events.csv")
    assert len(events) >= 1 and set(events["status"]) == {"kept"}
    transitions = pd.read_csv(run / "series" / "transitions.csv")
    assert (transitions.loc[transitions["from"] != transitions["to"], "km2"] == 0).all()
    assert transitions["km2"].sum() == pytest.approx(120 * 120 * 900 / 1e6)


def test_a_series_naming_a_missing_file_or_an_unknown_layer_is_exit_2(tmp_path):
    study = tmp_path / "study.toml"
    assert econet("init", study, "--data", tmp_path / "data", "--size", 100).returncode == 0
    text = study.read_text()
    study.write_text(
        text + '\n[series]\nyears = [2000, 2010]\n[series.layers.2010]\nlandcover = "nowhere.tif"\nlandcovr = "x.tif"\n'
    )
    proc = econet("validate", study)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "series.layers.2010.landcover" in proc.stderr and "file not found" in proc.stderr
    assert "series.layers.2010.landcovr" in proc.stderr and "not in [layers]" in proc.stderr


def test_demo_years_must_be_increasing(tmp_path):
    proc = econet("demo", "--years", "2010,2000", "--out", tmp_path / "d")
    assert proc.returncode == 2 and "increasing years" in proc.stderr
    assert not (tmp_path / "d").exists()
