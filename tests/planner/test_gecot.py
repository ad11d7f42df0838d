"""GECOT's instance and output formats: the drop-in command and its errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from econet.cli import app
from econet.errors import EconetError
from econet.planner.gecot import read_instance

WORST = Path(__file__).parents[1] / "fixtures" / "gecot" / "worst"
KEYS = [
    "instance_path", "algorithm", "computation_time_ms", "initial_score", "initial_pc_num", "budget",
    "solution_score", "solution_pc_num", "solution_cost", "solution", "gap",
]  # fmt: skip


@pytest.mark.parametrize("solver", ["mip", "greedy-incremental", "greedy-decremental"])
def test_output_json_has_gecots_keys_and_is_deterministic(tmp_path, solver):
    runner = CliRunner()
    outs = []
    for k in range(2):
        out = tmp_path / f"out{k}.json"
        args = ["plan", "--gecot", str(WORST / "instance.json"), "--budget", "2", "--solver", solver]
        r = runner.invoke(app, args + ["--output-json", str(out), "-q"])
        assert r.exit_code == 0, r.output
        outs.append(json.loads(out.read_text()))
    a, b = outs
    assert list(a) == KEYS
    a.pop("computation_time_ms"), b.pop("computation_time_ms")
    assert a == b
    assert a["algorithm"] == solver and a["budget"] == 2.0
    assert a["initial_pc_num"] == {"squirrel": pytest.approx(5.06)}
    assert set(a["solution"]) == {"0_11", "11_1", "0_12", "12_2", "0_13", "13_3", "0_5", "5_6", "6_7", "7_8",
                                  "8_9", "9_10", "10_4"}  # fmt: skip
    assert sum(a["solution"].values()) == 2 and a["solution_cost"] == 2.0
    if solver == "mip":
        assert a["solution_score"] == pytest.approx(7.06) and a["gap"] == 0.0
        assert a["solution"]["0_12"] == a["solution"]["12_2"] == 1
    else:
        assert a["solution_score"] == pytest.approx(5.48) and a["gap"] is None


def _copy(tmp_path) -> Path:
    d = tmp_path / "inst"
    shutil.copytree(WORST, d)
    return d


@pytest.mark.parametrize(
    "file, edit, message",
    [
        ("options.csv", lambda t: t.replace("0_11,1", "0_11,-1"), "cost '-1' on data row 1 must be a number >= 0"),
        ("arcs.csv", lambda t: t.replace("0_11,0,11,0", "0_11,0,11,1.5"), "probability '1.5'"),
        ("arcs.csv", lambda t: t.replace("0_11,0,11,0", "0_11,0,99,0"), "vertex id in 'to' '99'"),
        ("arcs_improvements.csv", lambda t: t.replace("0_11,0_11,1", "0_11,nope,1"), "option id 'nope'"),
        ("arcs_improvements.csv", lambda t: t.replace("improved_probability", "better"), "no column 'improved_prob"),
        ("vertices.csv", lambda t: t.rstrip("\n") + "\n0,1\n", "vertex id '0' is listed twice"),
        ("instance.json", lambda t: t.replace('"arcs.csv"', '"missing.csv"'), "missing.csv, which does not exist"),
        ("instance.json", lambda t: t[:-3], "not valid JSON"),
    ],
)
def test_bad_instances_name_the_file_and_the_fix(tmp_path, file, edit, message):
    d = _copy(tmp_path)
    path = d / file
    path.write_text(edit(path.read_text()))
    with pytest.raises(EconetError, match=message.replace("(", r"\(").replace("[", r"\[")):
        read_instance(d / "instance.json")
    r = CliRunner().invoke(app, ["plan", "--gecot", str(d / "instance.json"), "--budget", "1"])
    assert r.exit_code == 2 and "Traceback" not in r.output


def test_sweep_csv(tmp_path):
    out = tmp_path / "sweep.csv"
    r = CliRunner().invoke(
        app, ["plan", "--gecot", str(WORST / "instance.json"), "--budget", "6", "--sweep", "3", "--sweep-csv", str(out)]
    )
    assert r.exit_code == 0, r.output
    import pandas as pd

    t = pd.read_csv(out)
    assert t["budget"].tolist() == [2.0, 4.0, 6.0]
    assert t["PCnum"].tolist() == pytest.approx([7.06, 11.06, 17.06])
