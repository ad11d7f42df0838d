"""``econet omniscape CONFIG.ini`` as an Omniscape.jl user runs it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "omniscape" / "test"


def econet(*args, cwd):
    return subprocess.run([sys.executable, "-m", "econet", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_cli_runs_an_ini_unchanged_and_never_overwrites(tmp_path):
    shutil.copytree(FIX / "input", tmp_path / "input")
    proc = econet("omniscape", "input/config2.ini", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "moving windows" in proc.stdout and "test2" in proc.stdout
    ours = np.loadtxt(tmp_path / "test2" / "cum_currmap.asc", skiprows=6)
    ref = np.loadtxt(FIX / "output_verify" / "test2" / "cum_currmap.asc", skiprows=6)
    assert np.linalg.norm(ours - ref) <= 1e-6 * np.linalg.norm(ref)
    proc = econet("omniscape", "input/config2.ini", "--quiet", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == ""
    assert (tmp_path / "test2_1" / "cum_currmap.asc").exists()  # as Omniscape.jl: a new folder


def test_cli_reports_bad_input(tmp_path):
    ini = tmp_path / "bad.ini"
    ini.write_text(
        "[Input files]\nresistance_file = missing.asc\n[Options]\nradius = 5\nsource_from_resistance = true\n"
    )
    proc = econet("omniscape", ini, cwd=tmp_path)
    assert proc.returncode == 2 and "missing.asc does not exist" in proc.stderr and "Traceback" not in proc.stderr
    ini.write_text("[Input files]\nresistance_file = missing.asc\n[Options]\nblock_size = 3\n")
    proc = econet("omniscape", ini, cwd=tmp_path)
    assert proc.returncode == 2 and "radius is not set" in proc.stderr
