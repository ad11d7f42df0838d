"""``econet conefor`` as a Conefor user runs it: same files in, same tables out."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from econet.cli import app

RUNS = Path(__file__).parents[1] / "fixtures" / "connectivity" / "conefor_2.7.3_runs"


def econet(*args, cwd):
    """Run in-process (a fresh interpreter per call costs seconds of imports)."""
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(app, [str(a) for a in args])
    finally:
        os.chdir(old)


def rows(path):
    return [line.split("\t") for line in Path(path).read_text().splitlines()]


def same_table(got_path, want_path, atol):
    got, want = rows(got_path), rows(want_path)
    assert len(got) == len(want)
    assert got[0] == want[0]  # header, trailing tab included
    for g, w in zip(got[1:], want[1:], strict=True):
        assert g[0] == w[0] and g[-1] == w[-1]
        gv = np.array([float(x) for x in g[1:] if x])
        wv = np.array([float(x) for x in w[1:] if x])
        np.testing.assert_allclose(gv, wv, rtol=1e-5, atol=atol)


def test_tiny_run_gives_conefor_tables(tmp_path):
    d = RUNS / "tiny5"
    proc = econet(
        "conefor", "-nodeFile", d / "nodes_tiny.txt", "-conFile", d / "dist_tiny.txt", "-t", "dist", "all",
        "-confProb", 200, 0.5, "-PC", "-confAdj", 100, "-IIC", "-landArea", 100, "-prefix", "tiny", cwd=tmp_path,
    )  # fmt: skip
    assert proc.exit_code == 0, proc.output
    # Conefor's overall table, byte for byte
    assert (tmp_path / "tiny_overall_indices.txt").read_text() == (d / "overall_indices.txt").read_text()
    # node table: same layout; values equal up to Conefor's round-off (1e-7 % where ours is exactly 0)
    same_table(tmp_path / "tiny_node_importances.txt", d / "tiny_node_importances.txt", atol=2e-7)
    first = (tmp_path / "tiny_node_importances.txt").read_text().splitlines()[1]
    assert first.startswith("1\t13.1579\t10\t15.7202\t2.94753\t12.7726\t0\t")


def test_notall_costgraph_without_iic(tmp_path):
    d = RUNS / "graphab152_costgraph"
    proc = econet(
        "conefor", "-nodeFile", d / "nodes_graphab.txt", "-conFile", d / "distances_graphab.txt", "-t", "dist",
        "notall", "-confProb", 1000, 0.05, "-PC", "-landArea", 195981593.78423053, "--out-dir", tmp_path, cwd=tmp_path,
    )  # fmt: skip
    assert proc.exit_code == 0, proc.output
    overall = dict(r for r in rows(tmp_path / "overall_indices.txt"))
    assert list(overall) == ["PCnum", "EC(PC)", "PC", "PCintra(%)", "PCdirect(%)", "PCstep(%)"]
    assert overall["PC"] == "0.000328806"
    header = rows(tmp_path / "node_importances.txt")[0]
    assert header[:4] == ["Node", "dA", "varA", "dPC"] and "dIIC" not in header


def test_user_errors_exit_2(tmp_path):
    d = RUNS / "graphab152_costgraph"
    base = ["conefor", "-nodeFile", d / "nodes_graphab.txt", "-conFile", d / "distances_graphab.txt"]
    proc = econet(*base, "-t", "dist", "all", "-confProb", 1000, 0.05, "-PC", cwd=tmp_path)
    assert proc.exit_code == 2 and "notall" in proc.output  # the file does not list all pairs
    proc = econet(*base, "-t", "dist", "notall", cwd=tmp_path)
    assert proc.exit_code == 2 and "-PC" in proc.output
    proc = econet(*base, "-t", "dist", "notall", "-IIC", cwd=tmp_path)
    assert proc.exit_code == 2 and "-confAdj" in proc.output
    bad = tmp_path / "bad.txt"
    bad.write_text("1 999 10\n")
    proc = econet("conefor", "-nodeFile", d / "nodes_graphab.txt", "-conFile", bad, "-t", "dist", "notall", "-PC",
                  "-confProb", 1000, 0.5, cwd=tmp_path)  # fmt: skip
    assert proc.exit_code == 2 and "999" in proc.output
    assert not list(tmp_path.glob("*node_importances.txt"))


def test_probability_connection_file_matches_distances(tmp_path):
    """-t prob: direct probabilities p = 0.5^(d/200) give the same PC as -confProb 200 0.5."""
    d = RUNS / "tiny5"
    lines = [line.split() for line in (d / "dist_tiny.txt").read_text().splitlines()]
    (tmp_path / "prob.txt").write_text("".join(f"{a} {b} {0.5 ** (float(x) / 200):.17g}\n" for a, b, x in lines))
    proc = econet("conefor", "-nodeFile", d / "nodes_tiny.txt", "-conFile", "prob.txt", "-t", "prob", "notall",
                  "-PC", "-landArea", 100, cwd=tmp_path)  # fmt: skip
    assert proc.exit_code == 0, proc.output
    overall = dict(rows(tmp_path / "overall_indices.txt"))
    assert overall["PC"] == "0.398022" and overall["PCdirect(%)"] == "38.3927"
