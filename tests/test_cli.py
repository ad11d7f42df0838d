"""The command line as a user runs it: demo, init -> validate -> run, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import geopandas as gpd


def econet(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "econet", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_demo_small_end_to_end(tmp_path):
    out = tmp_path / "demo"
    proc = econet("demo", "--size", 400, "--seed", 3, "--out", out, "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    run = out / "run"
    assert (run / "report.html").exists() and (out / "study.toml").exists()
    assert (out / "data" / "quicklook.png").exists()
    sources = gpd.read_file(run / "sources.gpkg")
    corridors = gpd.read_file(run / "corridors.gpkg", layer="corridors")
    assert len(sources) >= 3 and len(corridors) >= 2
    assert sources.crs.to_epsg() == 4548
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["grid"]["shape"] == [400, 400] and manifest["grid"]["cell_size_m"] == 30.0


def test_init_validate_run(tmp_path):
    study = tmp_path / "study.toml"
    proc = econet("init", study, "--data", tmp_path / "data", "--size", 300)
    assert proc.returncode == 0, proc.stderr
    text = study.read_text()
    assert text.startswith("# econet study file") and 'path = "data/layers/landcover.tif"' in text
    assert econet("init", study, "--data", tmp_path / "data").returncode == 2  # never overwrites silently
    proc = econet("validate", study)
    assert proc.returncode == 0, proc.stderr
    assert "300 x 300 at 30 m" in proc.stdout
    proc = econet("run", study, "--out", tmp_path / "run", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "run" / "report.html").exists()


def test_run_bad_study_reports_all_and_writes_nothing(tmp_path):
    study = tmp_path / "bad.toml"
    study.write_text(
        '[layers.landcover]\npath = "nowhere.tif"\nkind = "categorical"\n[sources]\nmin_area_km2 = 0\n'
        "[resistance]\nweights = {landcover = 1.2}\n"
    )
    proc = econet("run", study, "--out", tmp_path / "run")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    for key in ("layers.landcover.path", "sources.min_area_km2", "resistance.weights.landcover"):
        assert key in proc.stderr, key
    assert not (tmp_path / "run").exists()
