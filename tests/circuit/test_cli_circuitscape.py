"""``econet circuitscape CONFIG.ini`` as a Circuitscape user runs it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "circuitscape" / "test"


def econet(*args, cwd):
    return subprocess.run([sys.executable, "-m", "econet", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_cli_runs_an_ini_unchanged(tmp_path):
    shutil.copytree(FIX / "input", tmp_path / "input")
    (tmp_path / "output").mkdir()
    proc = econet("circuitscape", "input/raster/pairwise/4/sgVerify4.ini", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "raster pairwise" in proc.stdout and "solver" in proc.stdout
    ours = np.loadtxt(tmp_path / "output" / "sgVerify4_resistances.out")
    ref = np.loadtxt(FIX / "output_verify" / "sgVerify4_resistances.out")
    assert np.abs(ours - ref).max() <= 1e-3
    assert len(list((tmp_path / "output").glob("sgVerify4_curmap_*.asc"))) == 15
    proc = econet("circuitscape", "input/network/sgNetworkVerify2.ini", "--solver", "amg", "--quiet", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == ""
    r = np.loadtxt(tmp_path / "output" / "sgNetworkVerify2_resistances.out")
    assert np.allclose(r[1, 1:], [0, 1, 2, 3, 3.75])  # chain 0-1-2-3 and a 1 + (1 || 3) branch: by hand


def test_cli_reports_bad_input(tmp_path):
    ini = tmp_path / "bad.ini"
    ini.write_text(
        "[Circuitscape mode]\ndata_type = raster\nscenario = pairwise\n[Habitat raster or graph]\nhabitat_file = missing.asc\n[Output options]\noutput_file = out/x.out\n"
    )
    proc = econet("circuitscape", ini, cwd=tmp_path)
    assert proc.returncode == 2 and "missing.asc does not exist" in proc.stderr and "Traceback" not in proc.stderr
    ini.write_text("[Circuitscape mode]\ndata_type = raster\nscenario = sideways\n")
    proc = econet("circuitscape", ini, cwd=tmp_path)
    assert proc.returncode == 2 and "scenario" in proc.stderr
    proc = econet("circuitscape", "nothere.ini", cwd=tmp_path)
    assert proc.returncode == 2 and "does not exist" in proc.stderr
