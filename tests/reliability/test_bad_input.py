"""The bad-input catalogue: every case ends with its exit code (2 for a user's mistake) and a
message naming the key, layer or argument at fault, never a traceback, and writes nothing.

Each case runs the command in-process (typer's test runner) on a tiny synthetic city or on
rasters made here, so the whole catalogue takes seconds."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import numpy as np
import pytest
import rasterio
import tomli_w
from affine import Affine
from typer.testing import CliRunner

from econet.cli import app

FIXTURES = Path(__file__).parent.parent / "fixtures"
CONEFOR = FIXTURES / "connectivity" / "conefor_2.7.3_runs" / "tiny5"
LP = FIXTURES / "lm_demo_lp"
CS = FIXTURES / "circuitscape" / "test"
CS_INI = CS / "input" / "raster" / "pairwise" / "9" / "sgVerify9.ini"
MSPA_IN = FIXTURES / "mspa" / "example.tif"


@pytest.fixture(scope="session")
def city(tmp_path_factory) -> tuple[Path, dict]:
    """A 100 x 100 demo city and its study as a dict with absolute paths."""
    from econet.demo import generate_city, write_city
    from econet.presets import demo_study_text

    root = tmp_path_factory.mktemp("city")
    write_city(generate_city(size=100, seed=0), root / "data")
    study = tomllib.loads(demo_study_text(root / "study.toml", root / "data"))
    for group in ("layers", "vectors"):
        for spec in study[group].values():
            spec["path"] = str((root / spec["path"]).resolve())
    return root, study


def _profile(path) -> dict:
    with rasterio.open(path) as src:
        return dict(src.profile)


def _write(path, data, **profile) -> Path:
    profile.update(count=1, dtype=data.dtype, height=data.shape[0], width=data.shape[1])
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
    return path


def make_inputs(tmp: Path, study: dict) -> None:
    """Bad files for the cases, in ``tmp``."""
    lc = Path(study["layers"]["landcover"]["path"])
    p = _profile(lc)
    with rasterio.open(lc) as src:
        cover = src.read(1)
    (tmp / "junk.tif").write_text("not a raster")
    (tmp / "afile").write_text("a file, not a folder")
    (tmp / "latin1.toml").write_bytes('[study]\nname = "Sch\xf6neck"\n'.encode("latin-1"))
    (tmp / "bad.toml").write_text("[study\nname = 1\n")
    (tmp / "empty.toml").write_text("")
    (tmp / "folder.toml").mkdir()
    nodata = p.get("nodata") if p.get("nodata") is not None else 0
    _write(tmp / "allnodata.tif", np.full_like(cover, nodata), **{**p, "nodata": nodata})
    _write(tmp / "unknown_codes.tif", np.where(cover > 0, 77, cover).astype(cover.dtype), **p)
    _write(tmp / "float_codes.tif", cover.astype(np.float32) + 0.5, **{**p, "dtype": "float32", "nodata": None})
    _write(tmp / "nocrs.tif", cover, **{**p, "crs": None})
    t = p["transform"]
    far = Affine(t.a, t.b, t.c + 1e6, t.d, t.e, t.f + 1e6)
    _write(tmp / "far.tif", cover, **{**p, "transform": far})
    geo = dict(driver="GTiff", crs="EPSG:4326", transform=Affine(0.001, 0, 117, 0, -0.001, 34))
    _write(tmp / "geo.tif", cover, **geo)
    dem = Path(study["layers"]["dem"]["path"])
    pd_ = _profile(dem)
    with rasterio.open(dem) as src:
        elev = src.read(1)
    _write(tmp / "zeros.tif", np.zeros_like(elev), **pd_)
    # Corrupt tiles: a tiled, compressed raster whose header is fine but whose tile data is not.
    tiled = {**p, "tiled": True, "blockxsize": 16, "blockysize": 16, "compress": "deflate"}
    good = _write(tmp / "tiled.tif", cover, **tiled)
    raw = bytearray(good.read_bytes())
    shutil.copy(good, tmp / "corrupt.tif")
    start = len(raw) // 2
    raw[start : start + 2000] = b"\xff" * 2000
    (tmp / "corrupt.tif").write_bytes(bytes(raw))
    (tmp / "truncated.tif").write_bytes(good.read_bytes()[: int(len(raw) * 0.6)])
    # A vector layer with a self-intersecting (bow-tie) polygon is repaired, not an error.
    (tmp / "bad.ini").write_text("no section header [[\n")
    text = CS_INI.read_text().replace("= input/", f"= {CS}/input/").replace("= output/", f"= {tmp}/out/")
    (tmp / "noheader.ini").write_text(text.split("\n", 1)[1].replace("[", ";["))
    pairs = text.replace("use_included_pairs = False", "use_included_pairs = True").replace(
        "included_pairs_file = None", "included_pairs_file = "
    )
    (tmp / "emptypairs.ini").write_text(pairs)
    (tmp / "nohabitat.ini").write_text(text.replace("cellmap5x5.asc", "nothere.asc"))
    (tmp / "scenario.ini").write_text(text.replace("scenario = pairwise", "scenario = sideways"))
    (tmp / "nodes_text.txt").write_text("1\t10\n2\tabc\n3\t5\n")
    (tmp / "nodes_empty.txt").write_text("")
    (tmp / "dist_unknown.txt").write_text("1\t2\t100\n1\t9\t50\n")
    (tmp / "dist_negative.txt").write_text("1\t2\t-100\n1\t3\t250\n")
    (tmp / "dist_text.txt").write_text("1\t2\tfar\n")


def _set(path: str, value):
    """A mutation setting a dotted key of the study (None: delete it)."""

    def mutate(d):
        *head, last = path.split(".")
        node = d
        for k in head:
            node = node.setdefault(k, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value(d) if callable(value) else value

    return mutate


def _tmp(name):
    return lambda d: f"{{tmp}}/{name}"


# Study cases: (mutation of the demo study, message fragment); each is run through `validate`
# and a subset through `run` too. Fragments name the key or layer at fault.
STUDY_CASES = {
    "negative min area": (_set("sources.min_area_km2", -4), "sources.min_area_km2"),
    "zero min area": (_set("sources.min_area_km2", 0), "sources.min_area_km2"),
    "min area as text": (_set("sources.min_area_km2", "big"), "sources.min_area_km2"),
    "unknown section": (_set("sourcez", {"a": 1}), "sourcez"),
    "unknown key": (_set("sources.min_area", 1.0), "sources.min_area"),
    "unknown layer key": (_set("layers.dem.resample", "cubic"), "layers.dem.resample"),
    "layer file missing": (_set("layers.dem.path", "{tmp}/nowhere.tif"), "layers.dem.path"),
    "layer not a raster": (_set("layers.dem.path", _tmp("junk.tif")), "layers.dem.path"),
    "layer band": (_set("layers.dem.band", 3), "layers.dem.band"),
    "layer band zero": (_set("layers.dem.band", 0), "layers.dem.band"),
    "layer kind": (_set("layers.dem.kind", "nominal"), "layers.dem.kind"),
    "layer without crs": (_set("layers.dem.path", _tmp("nocrs.tif")), "has no CRS"),
    "layer elsewhere": (_set("layers.dem.path", _tmp("far.tif")), "does not overlap"),
    "landcover continuous": (_set("layers.landcover.kind", "continuous"), "layers.landcover.kind"),
    "landcover all nodata": (_set("layers.landcover.path", _tmp("allnodata.tif")), "is nodata"),
    "landcover unknown codes": (_set("layers.landcover.path", _tmp("unknown_codes.tif")), "class codes [77]"),
    "landcover non-integer": (_set("layers.landcover.path", _tmp("float_codes.tif")), "non-integer"),
    "landcover corrupt tiles": (_set("layers.landcover.path", _tmp("corrupt.tif")), "cannot read the pixels"),
    "landcover truncated": (_set("layers.landcover.path", _tmp("truncated.tif")), "layers.landcover"),
    "dem corrupt tiles": (
        lambda d: (d["layers"]["dem"].update(path="{tmp}/corrupt.tif", kind="categorical")),
        "layers.dem",
    ),
    "landcover in degrees": (_set("layers.landcover.path", _tmp("geo.tif")), "study.target_crs"),
    "no layers": (_set("layers", None), "layers"),
    "landcover table": (_set("landcover.table", "corine"), "landcover.table"),
    "landcover layer": (_set("landcover.layer", "lc"), "landcover.layer"),
    "template": (_set("study.template", "elevation"), "study.template"),
    "target crs unknown": (_set("study.target_crs", "EPSG:999999"), "study.target_crs"),
    "target crs garbage": (_set("study.target_crs", "not a crs"), "study.target_crs"),
    "target crs degrees": (_set("study.target_crs", "EPSG:4326"), "study.target_crs"),
    "cell size zero": (_set("study.cell_size_m", 0), "study.cell_size_m"),
    "cell size negative": (_set("study.cell_size_m", -30), "study.cell_size_m"),
    "cell size tiny": (_set("study.cell_size_m", 0.0001), "of memory"),
    "vector missing": (_set("vectors.roads.path", "{tmp}/roads.gpkg"), "vectors.roads.path"),
    "vector junk": (_set("vectors.roads.path", _tmp("afile")), "vectors.roads"),
    "vector layer name": (_set("vectors.roads.layer", "streets"), "vectors.roads"),
    "weights sum": (
        lambda d: (d["resistance"].pop("ahp"), d["resistance"].pop("factors"),
                   d["resistance"].update(weighting="given", weights={"landcover": 0.6, "slope": 0.3})),
        "weights must sum to 1",
    ),
    "weights typo": (
        lambda d: (d["resistance"].pop("ahp"), d["resistance"].pop("factors"),
                   d["resistance"].update(weighting="given", weights={"landcover": 0.7, "slop": 0.3})),
        "'slop'",
    ),
    "weights as text": (
        lambda d: (d["resistance"].pop("ahp"), d["resistance"].pop("factors"),
                   d["resistance"].update(weighting="given", weights={"landcover": "most"})),
        "resistance.weights.landcover",
    ),
    "weights unknown factor": (
        lambda d: d["resistance"].update(weighting="given", weights={"landcover": 0.5, "nope": 0.5}),
        "'nope'",
    ),
    "weighting method": (_set("resistance.weighting", "delphi"), "resistance.weighting"),
    "ahp short row": (lambda d: d["resistance"]["ahp"]["matrix"][1].pop(), "must be 5 x 5"),
    "ahp factors": (lambda d: d["resistance"]["ahp"]["factors"].__setitem__(0, "water"), "ahp.factors"),
    "ahp inconsistent": (
        lambda d: d["resistance"]["ahp"]["matrix"][0].__setitem__(4, "1/9")
        or d["resistance"]["ahp"]["matrix"][4].__setitem__(0, 9),
        "resistance.ahp",
    ),
    "ahp bad fraction": (lambda d: d["resistance"]["ahp"]["matrix"][1].__setitem__(0, "1/0"), "resistance.ahp"),
    "factor layer missing": (lambda d: d["resistance"]["factors"][2].update(layer="lights"), "'lights'"),
    "factor vector missing": (lambda d: d["resistance"]["factors"][3].update(vector="streets"), "'streets'"),
    "factor breaks order": (lambda d: d["resistance"]["factors"][2].update(breaks=[5, 4, 30, 60]), "breaks"),
    "factor levels count": (lambda d: d["resistance"]["factors"][2].update(levels=[1, 3]), "resistance.factors.2"),
    "factor zero level": (lambda d: d["resistance"]["factors"][2].update(levels=[0, 3, 5, 7, 9]), "levels"),
    "factor duplicate name": (lambda d: d["resistance"]["factors"][2].update(name="roads"), "'roads'"),
    "factor kind": (lambda d: d["resistance"]["factors"][2].update(kind="magic"), "resistance.factors.2.kind"),
    "factor zero values as resistance": (
        lambda d: (d["layers"].update(zeros={"path": "{tmp}/zeros.tif"}),
                   d["resistance"]["factors"][2].update(layer="zeros", grading="none"),
                   d["resistance"]["factors"][2].pop("breaks")),
        "grading",
    ),
    "mean_of missing layer": (_set("sources.mean_of", ["greenness"]), "'greenness'"),
    "mspa connectivity": (_set("sources.mspa.connectivity", 6), "sources.mspa.connectivity"),
    "mspa edge": (_set("sources.mspa.edge_width_m", -30), "sources.mspa.edge_width_m"),
    "corridors pairs": (_set("corridors.pairs", "everything"), "corridors.pairs"),
    "corridors max cost": (_set("corridors.max_cost", -5), "corridors.max_cost"),
    "corridors roads vector": (_set("corridors.roads", "streets"), "'streets'"),
    "circuit without width": (lambda d: (d["corridors"].pop("width_cost"), d.update(circuit={})), "width_cost"),
    "connectivity probability": (_set("connectivity.probability", 1.5), "connectivity.probability"),
    "connectivity distance": (_set("connectivity.distance_m", -1), "connectivity.distance_m"),
    "network correlation": (_set("network.correlation", "kendal"), "network.correlation"),
    "robustness repeats": (_set("robustness.random_repeats", 0), "robustness.random_repeats"),
    "robustness targeted": (_set("robustness.targeted_by", "size"), "robustness.targeted_by"),
    "indicators model": (_set("indicators.models", ["magic"]), "indicators.models"),
    "indicators sensor": (_set("indicators.sensor", "landsat4"), "indicators.sensor"),
}  # fmt: skip

RUN_TOO = {"layer file missing", "landcover all nodata", "landcover unknown codes", "landcover corrupt tiles",
           "target crs unknown", "cell size tiny", "weights typo", "factor zero values as resistance",
           "ahp short row"}  # fmt: skip


def _study_file(tmp: Path, study: dict, mutate) -> Path:
    import copy

    d = copy.deepcopy(study)
    mutate(d)
    text = tomli_w.dumps(d).replace("{tmp}", str(tmp))
    path = tmp / "study.toml"
    path.write_text(text)
    return path


def invoke(args, cwd=None):
    runner = CliRunner()
    if cwd is not None:
        import os

        old = os.getcwd()
        os.chdir(cwd)
    try:
        result = runner.invoke(app, [str(a) for a in args])
    finally:
        if cwd is not None:
            os.chdir(old)
    return result


def check(result, code: int, fragment: str, tmp: Path):
    output = " ".join((result.stdout + result.stderr).split())  # rich may wrap long lines
    tb = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not tb, f"traceback: {result.exception!r}\n{output}"
    assert "Traceback" not in output
    assert result.exit_code == code, output
    assert fragment.replace("{tmp}", str(tmp)) in output, output
    return output


@pytest.mark.parametrize("case", list(STUDY_CASES))
def test_validate_bad_study(case, city, tmp_path):
    root, study = city
    make_inputs(tmp_path, study)
    mutate, fragment = STUDY_CASES[case]
    path = _study_file(tmp_path, study, mutate)
    check(invoke(["validate", path]), 2, fragment, tmp_path)


@pytest.mark.parametrize("case", sorted(RUN_TOO))
def test_run_bad_study_stops_before_writing(case, city, tmp_path):
    root, study = city
    make_inputs(tmp_path, study)
    mutate, fragment = STUDY_CASES[case]
    path = _study_file(tmp_path, study, mutate)
    check(invoke(["run", path, "--out", tmp_path / "run", "--quiet"]), 2, fragment, tmp_path)
    assert not (tmp_path / "run").exists()


def test_invalid_geometries_are_repaired_and_said(city, tmp_path):
    import geopandas as gpd
    from shapely.geometry import Polygon

    root, study = city
    mines = gpd.read_file(study["vectors"]["mines"]["path"], layer="mines")
    x0, y0 = mines.geometry.iloc[0].centroid.coords[0]
    bowtie = Polygon([(x0, y0), (x0 + 300, y0 + 300), (x0 + 300, y0), (x0, y0 + 300)])
    assert not bowtie.is_valid
    mines.loc[0, "geometry"] = bowtie
    mines.to_file(tmp_path / "mines.gpkg", layer="mines", engine="pyogrio")
    path = _study_file(tmp_path, study, _set("vectors.mines.path", str(tmp_path / "mines.gpkg")))
    result = invoke(["validate", path])
    out = check(result, 0, "vectors.mines: 1 invalid geometry (self-intersections) repaired with make_valid", tmp_path)
    assert "is valid" in out


# Study file and command-line cases: (arguments, exit code, message fragment).
COMMAND_CASES = {
    "study missing": (["validate", "{tmp}/none.toml"], 2, "study file not found"),
    "study is a folder": (["validate", "{tmp}/folder.toml"], 2, "is a folder"),
    "study not utf-8": (["validate", "{tmp}/latin1.toml"], 2, "not UTF-8"),
    "study not toml": (["validate", "{tmp}/bad.toml"], 2, "not valid TOML"),
    "study empty": (["validate", "{tmp}/empty.toml"], 2, "layers: required key is missing"),
    "run study missing": (["run", "{tmp}/none.toml"], 2, "study file not found"),
    "run study is a folder": (["run", "{tmp}/folder.toml", "--out", "{tmp}/r"], 2, "is a folder"),
    "run out is a file": (["run", "{study}", "--out", "{tmp}/afile"], 2, "{tmp}/afile"),
    "run out under a file": (["run", "{study}", "--out", "{tmp}/afile/run"], 2, "{tmp}/afile"),
    "demo too small": (["demo", "--size", 50, "--out", "{tmp}/d"], 2, "--size must be at least 100"),
    "demo too large": (["demo", "--size", 1000000, "--out", "{tmp}/d"], 2, "memory"),
    "demo out under a file": (["demo", "--size", 100, "--out", "{tmp}/afile/d", "--quiet"], 2, "{tmp}/afile"),
    "init exists": (["init", "{tmp}/empty.toml", "--data", "{tmp}/data"], 2, "--force"),
    "init under a file": (["init", "{tmp}/afile/s.toml", "--data", "{city}/data"], 2, "{tmp}/afile"),
    "init size": (["init", "{tmp}/s.toml", "--data", "{tmp}/nodata", "--size", 10], 2, "--size"),
    "mspa input junk": (["mspa", "{tmp}/junk.tif", "{tmp}/o.tif"], 2, "junk.tif"),
    "mspa input missing": (["mspa", "{tmp}/none.tif", "{tmp}/o.tif"], 2, "none.tif"),
    "mspa edge width 0": (["mspa", MSPA_IN, "{tmp}/o.tif", "--edge-width", 0], 2, "--edge-width"),
    "mspa edge width 101": (["mspa", MSPA_IN, "{tmp}/o.tif", "--edge-width", 101], 2, "--edge-width"),
    "mspa both widths": (["mspa", MSPA_IN, "{tmp}/o.tif", "-e", 2, "--edge-width-m", 60], 2, "not both"),
    "mspa edge metres": (["mspa", MSPA_IN, "{tmp}/o.tif", "--edge-width-m", -3], 2, "--edge-width-m"),
    "mspa connectivity": (["mspa", MSPA_IN, "{tmp}/o.tif", "-c", 6], 2, "--connectivity"),
    "mspa transition": (["mspa", MSPA_IN, "{tmp}/o.tif", "-t", 2], 2, "--transition"),
    "mspa habitat text": (["mspa", "{tmp}/tiled.tif", "{tmp}/o.tif", "--habitat", "forest"], 2, "--habitat"),
    "mspa habitat on float codes": (
        ["mspa", "{tmp}/float_codes.tif", "{tmp}/o.tif", "--habitat", "20"], 2, "non-integer"),
    "mspa habitat absent": (["mspa", "{tmp}/tiled.tif", "{tmp}/o.tif", "--habitat", "999"], 2, "999"),
    "mspa not byte": (["mspa", "{tmp}/tiled.tif", "{tmp}/o.tif"], 2, "--habitat"),
    "mspa metres on degrees": (["mspa", "{tmp}/geo.tif", "{tmp}/o.tif", "--habitat", "20",
                                "--edge-width-m", 30], 2, "--edge-width in pixels"),
    "mspa output under a file": (["mspa", MSPA_IN, "{tmp}/afile/o.tif"], 2, "{tmp}/afile/o.tif"),
    "conefor confAdj negative": (
        ["conefor", "-nodeFile", CONEFOR / "nodes_tiny.txt", "-conFile", CONEFOR / "dist_tiny.txt", "-confAdj", -10,
         "-IIC"], 2, "-confAdj"),
    "conefor confProb distance negative": (
        ["conefor", "-nodeFile", CONEFOR / "nodes_tiny.txt", "-conFile", CONEFOR / "dist_tiny.txt",
         "-confProb", -200, 0.5, "-PC"], 2, "-confProb"),
    "conefor probability": (
        ["conefor", "-nodeFile", CONEFOR / "nodes_tiny.txt", "-conFile", CONEFOR / "dist_tiny.txt",
         "-confProb", 200, 1.5, "-PC"], 2, "-confProb 200 1.5"),
    "conefor -t": (
        ["conefor", "-nodeFile", CONEFOR / "nodes_tiny.txt", "-conFile", CONEFOR / "dist_tiny.txt", "-t", "dist",
         "some", "-confAdj", 100, "-IIC"], 2, "'all' or 'notall'"),
    "conefor node file missing": (
        ["conefor", "-nodeFile", "{tmp}/none.txt", "-conFile", CONEFOR / "dist_tiny.txt", "-confAdj", 100, "-IIC"],
        2, "none.txt"),
    "conefor attribute text": (
        ["conefor", "-nodeFile", "{tmp}/nodes_text.txt", "-conFile", CONEFOR / "dist_tiny.txt", "-confAdj", 100,
         "-IIC"], 2, "nodes_text.txt"),
    "conefor node file empty": (
        ["conefor", "-nodeFile", "{tmp}/nodes_empty.txt", "-conFile", CONEFOR / "dist_tiny.txt", "-confAdj", 100,
         "-IIC"], 2, "nodes_empty.txt"),
    "conefor unknown node": (
        ["conefor", "-nodeFile", CONEFOR / "nodes_tiny.txt", "-conFile", "{tmp}/dist_unknown.txt", "-t", "dist",
         "notall", "-confAdj", 100, "-IIC"], 2, "dist_unknown.txt"),
    "conefor negative distance": (
        ["conefor", "-nodeFile", CONEFOR / "nodes_tiny.txt", "-conFile", "{tmp}/dist_negative.txt", "-t", "dist",
         "notall", "-confAdj", 100, "-IIC"], 2, "dist_negative.txt"),
    "conefor distance text": (
        ["conefor", "-nodeFile", CONEFOR / "nodes_tiny.txt", "-conFile", "{tmp}/dist_text.txt", "-t", "dist",
         "notall", "-confAdj", 100, "-IIC"], 2, "dist_text.txt"),
    "conefor land area": (
        ["conefor", "-nodeFile", CONEFOR / "nodes_tiny.txt", "-conFile", CONEFOR / "dist_tiny.txt", "-confAdj", 100,
         "-IIC", "-landArea", -3], 2, "-landArea"),
    "conefor no index": (
        ["conefor", "-nodeFile", CONEFOR / "nodes_tiny.txt", "-conFile", CONEFOR / "dist_tiny.txt"], 2, "-PC"),
    "conefor output under a file": (
        ["conefor", "-nodeFile", CONEFOR / "nodes_tiny.txt", "-conFile", CONEFOR / "dist_tiny.txt", "-confAdj", 100,
         "-IIC", "--out-dir", "{tmp}/afile/x"], 2, "{tmp}/afile/x"),
    "costdistance max cost negative": (
        ["costdistance", LP / "lp_resistances.tif", LP / "lp_cores.shp", "{tmp}/o.tif", "--max-cost", -5],
        2, "--max-cost"),
    "costdistance resistance junk": (
        ["costdistance", "{tmp}/junk.tif", LP / "lp_cores.shp", "{tmp}/o.tif"], 2, "junk.tif"),
    "costdistance degrees": (
        ["costdistance", "{tmp}/geo.tif", LP / "lp_cores.shp", "{tmp}/o.tif"], 2, "needs a projected CRS"),
    "costdistance id field": (
        ["costdistance", LP / "lp_resistances.tif", LP / "lp_cores.shp", "{tmp}/o.tif", "--id-field", "nope"],
        2, "no field 'nope'"),
    "costdistance layer": (
        ["costdistance", LP / "lp_resistances.tif", LP / "lp_cores.shp", "{tmp}/o.tif", "--layer", "nope"],
        2, "nope"),
    "costdistance sources missing": (
        ["costdistance", LP / "lp_resistances.tif", "{tmp}/none.shp", "{tmp}/o.tif"], 2, "none.shp"),
    "costdistance sources on another grid": (
        ["costdistance", LP / "lp_resistances.tif", "{tmp}/tiled.tif", "{tmp}/o.tif"], 2, "tiled.tif"),
    "costdistance output under a file": (
        ["costdistance", LP / "lp_resistances.tif", LP / "lp_cores.shp", "{tmp}/afile/o.tif"],
        2, "{tmp}/afile/o.tif"),
    "costdistance threads": (
        ["costdistance", LP / "lp_resistances.tif", LP / "lp_cores.shp", "{tmp}/o.tif", "--threads", 3],
        2, "--threads"),
    "circuitscape missing": (["circuitscape", "{tmp}/none.ini"], 2, "none.ini does not exist"),
    "circuitscape not an ini": (["circuitscape", "{tmp}/bad.ini"], 2, "bad.ini is not a Circuitscape .ini"),
    "circuitscape no section header": (["circuitscape", "{tmp}/noheader.ini"], 2, "noheader.ini"),
    "circuitscape solver": (["circuitscape", "{tmp}/bad.ini", "--solver", "fast"], 2, "--solver 'fast'"),
    "circuitscape empty pairs file": (["circuitscape", "{tmp}/emptypairs.ini"], 2, "included_pairs_file"),
    "circuitscape habitat missing": (["circuitscape", "{tmp}/nohabitat.ini"], 2, "nothere.asc"),
    "circuitscape scenario": (["circuitscape", "{tmp}/scenario.ini"], 2, "sideways"),
    "circuitscape ini is a folder": (["circuitscape", "{tmp}/folder.toml"], 2, "folder.toml"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(COMMAND_CASES))
def test_command_bad_input(case, city, tmp_path):
    root, study = city
    make_inputs(tmp_path, study)
    good = _study_file(tmp_path, study, lambda d: None)
    args, code, fragment = COMMAND_CASES[case]
    subs = {"{tmp}": str(tmp_path), "{study}": str(good), "{city}": str(root)}
    for k, v in subs.items():
        args = [str(a).replace(k, v) for a in args]
        fragment = fragment.replace(k, v)
    before = sorted(p.name for p in tmp_path.iterdir())
    check(invoke(args, cwd=tmp_path), code, fragment, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "study.toml") == [
        n for n in before if n != "study.toml"
    ]  # nothing written beside the inputs


def test_catalogue_size():
    # The issue asks for at least 80 cases.
    assert len(STUDY_CASES) + len(RUN_TOO) + len(COMMAND_CASES) + 1 >= 80
