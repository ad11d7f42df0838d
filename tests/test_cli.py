"""The command line as a user runs it: demo, init -> validate -> run, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest

from econet.cli.demo import default_out
from econet.demo import city_is_current


def econet(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "econet", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_demo_small_end_to_end(tmp_path):
    out = tmp_path / "demo"
    proc = econet("demo", "--size", 400, "--seed", 3, "--out", out, "--quiet")
    assert proc.returncode == 0, proc.stderr
    run = out / "run"
    assert proc.stdout == f"report: {run / 'report.html'}\n"  # --quiet still says where the report is
    assert proc.stderr == ""
    assert (run / "report.html").exists() and (out / "study.toml").exists()
    assert (out / "data" / "quicklook.png").exists()
    sources = gpd.read_file(run / "sources.gpkg")
    corridors = gpd.read_file(run / "corridors.gpkg", layer="corridors")
    assert len(sources) >= 3 and len(corridors) >= 2
    assert sources.crs.to_epsg() == 4548
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["grid"]["shape"] == [400, 400] and manifest["grid"]["cell_size_m"] == 30.0
    # Same seed and size: the city is reused (its files untouched) and so is every stage; the
    # output is piped, so each stage says so on its own line.
    landcover = out / "data" / "layers" / "landcover.tif"
    mtime = landcover.stat().st_mtime_ns
    again = econet("demo", "--size", 400, "--seed", 3, "--out", out)
    assert again.returncode == 0, again.stderr
    assert landcover.stat().st_mtime_ns == mtime
    lines = again.stderr.splitlines()
    assert lines[0].split() == ["✓", "Synthetic", "mining", "city", "reused"]
    assert sum(line.endswith("reused") for line in lines) == 1 + len(
        json.loads((run / "manifest.json").read_text())["stages"]
    ) - sum(1 for e in manifest["stages"].values() if e.get("skipped"))
    # Another seed in the same folder: the city is generated again.
    assert not city_is_current(out / "data", 4, 400) and city_is_current(out / "data", 3, 400)


def test_demo_folder_per_size():
    assert default_out(1500) == Path("econet-demo") and default_out(400) == Path("econet-demo-400")


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


FIXTURES = Path(__file__).parent / "fixtures"
CONEFOR = FIXTURES / "connectivity" / "conefor_2.7.3_runs" / "tiny5"
LP = FIXTURES / "lm_demo_lp"

# Bad input for every drop-in command: (arguments, text the message must hold). {tmp} is the test's
# folder, holding junk.tif (not a raster), afile (a plain file, so afile/x is not a folder),
# geo.tif (a raster in degrees) and bad.ini (not an .ini).
BAD_INPUT = {
    "conefor probability": (
        ["conefor", "-nodeFile", CONEFOR / "nodes_tiny.txt", "-conFile", CONEFOR / "dist_tiny.txt", "-t", "dist",
         "all", "-confProb", 200, 1.5, "-PC"],
        "-confProb 200 1.5",
    ),
    "conefor -t": (
        ["conefor", "-nodeFile", CONEFOR / "nodes_tiny.txt", "-conFile", CONEFOR / "dist_tiny.txt", "-t", "dist",
         "some", "-confAdj", 100, "-IIC"],
        "'all' or 'notall'",
    ),
    "conefor node file": (
        ["conefor", "-nodeFile", "{tmp}/none.txt", "-conFile", CONEFOR / "dist_tiny.txt", "-confAdj", 100, "-IIC"],
        "none.txt",
    ),
    "conefor land area": (
        ["conefor", "-nodeFile", CONEFOR / "nodes_tiny.txt", "-conFile", CONEFOR / "dist_tiny.txt", "-confAdj", 100,
         "-IIC", "-landArea", -3],
        "-landArea",
    ),
    "conefor output folder": (
        ["conefor", "-nodeFile", CONEFOR / "nodes_tiny.txt", "-conFile", CONEFOR / "dist_tiny.txt", "-confAdj", 100,
         "-IIC", "--out-dir", "{tmp}/afile/x"],
        "cannot write {tmp}/afile/x",
    ),
    "costdistance resistance": (["costdistance", "{tmp}/junk.tif", LP / "lp_cores.shp", "{tmp}/o.tif"], "junk.tif"),
    "costdistance degrees": (
        ["costdistance", "{tmp}/geo.tif", LP / "lp_cores.shp", "{tmp}/o.tif"],
        "layer 'geo.tif': needs a projected CRS in metres",
    ),
    "costdistance id field": (
        ["costdistance", LP / "lp_resistances.tif", LP / "lp_cores.shp", "{tmp}/o.tif", "--id-field", "nope"],
        "no field 'nope'",
    ),
    "costdistance layer": (
        ["costdistance", LP / "lp_resistances.tif", LP / "lp_cores.shp", "{tmp}/o.tif", "--layer", "nope"],
        "Layer 'nope'",
    ),
    "costdistance output": (
        ["costdistance", LP / "lp_resistances.tif", LP / "lp_cores.shp", "{tmp}/afile/o.tif"],
        "cannot write {tmp}/afile/o.tif",
    ),
    "mspa input": (["mspa", "{tmp}/junk.tif", "{tmp}/o.tif"], "junk.tif"),
    "mspa edge width": (
        ["mspa", FIXTURES / "mspa" / "example.tif", "{tmp}/o.tif", "--edge-width", 0],
        "'--edge-width': must be 1 to 100 pixels",
    ),
    "mspa connectivity": (
        ["mspa", FIXTURES / "mspa" / "example.tif", "{tmp}/o.tif", "--connectivity", 6],
        "'--connectivity': must be 8 or 4",
    ),
    "circuitscape ini": (["circuitscape", "{tmp}/bad.ini"], "bad.ini is not a Circuitscape .ini"),
    "circuitscape solver": (["circuitscape", "{tmp}/bad.ini", "--solver", "fast"], "--solver 'fast'"),
    "circuitscape missing": (["circuitscape", "{tmp}/none.ini"], "none.ini does not exist"),
    "run scheduler": (["run", "{tmp}/none.toml", "--scheduler", "localhost:8786"], "is not a Dask scheduler address"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_drop_in_bad_input_is_a_message_and_exit_2(case, tmp_path):
    import rasterio
    from affine import Affine

    (tmp_path / "junk.tif").write_text("not a raster")
    (tmp_path / "afile").write_text("a file, not a folder")
    (tmp_path / "bad.ini").write_text("no section header [[\n")
    profile = dict(driver="GTiff", width=4, height=4, count=1, dtype="float32", crs="EPSG:4326")
    with rasterio.open(tmp_path / "geo.tif", "w", transform=Affine(0.01, 0, 100, 0, -0.01, 30), **profile) as dst:
        dst.write(np.ones((1, 4, 4), np.float32))
    args, message = BAD_INPUT[case]
    proc = econet(*(str(a).replace("{tmp}", str(tmp_path)) for a in args), cwd=tmp_path)
    output = " ".join((proc.stdout + proc.stderr).split())  # rich may wrap long lines
    assert proc.returncode == 2, output
    assert "Traceback" not in output
    assert message.replace("{tmp}", str(tmp_path)) in output
    assert not (tmp_path / "o.tif").exists() and not list(tmp_path.glob("*importances.txt"))


def test_version_and_help_load_no_library():
    proc = econet("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("econet ") and proc.stdout.split()[1][0].isdigit()
    # --help and --version build the command line from typer alone: no numeric or GIS library.
    heavy = ("numpy", "pandas", "numba", "rasterio", "geopandas", "scipy", "matplotlib", "dask", "distributed")
    code = (
        "import sys; from econet.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip().endswith("[]"), proc.stdout + proc.stderr


@pytest.mark.parametrize(
    "modules, absent",
    [
        ("econet.corridors.costdistance, econet.io.raster, econet.io.sources", "pandas geopandas shapely matplotlib"),
        ("econet.connectivity.conefor", "pandas geopandas rasterio shapely matplotlib"),
    ],
)
def test_a_drop_in_imports_only_its_own_modules(modules, absent):
    # The library modules of econet costdistance and econet conefor, without the pipeline's others.
    code = f"import sys, {modules}; print(sorted(m for m in {absent.split()!r} if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == "[]", proc.stdout + proc.stderr
