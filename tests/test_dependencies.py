"""Dependencies are derived from the stage declarations, and they are true.

One study runs every stage (indicators named by a source rule, circuit theory, summaries). Each
section is then changed in turn: exactly the stages that read it, and those downstream of a
result that changed, rerun, and the report shows every stage that ran. A second test runs each
stage with recording proxies and checks that it reads no section, layer or result field its
declaration leaves out.
"""

from __future__ import annotations

import json
import re

import pytest
from pydantic import BaseModel

from econet.config import load_study
from econet.demo import generate_city, write_city
from econet.io.run import RunFolder
from econet.pipeline import plan, run_study, stage_refs
from econet.presets import demo_study_text
from econet.stages import STAGES, Context, landscape_of

EVERY_STAGE = {s.name for s in STAGES}


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    root = tmp_path_factory.mktemp("deps")
    write_city(generate_city(size=200, seed=0), root / "data")
    return root


def _study_text(root) -> str:
    text = demo_study_text(root / "study.toml", root / "data")
    text = text.replace('mean_of = ["ndvi"]', 'mean_of = ["ndvi", "rsei"]')  # rsei: computed by [indicators]
    text = text.replace("random_repeats = 100", "random_repeats = 5")
    text = re.sub(r"\n\[circuit\]\n.*?(?=\n# ----)", "\n", text, flags=re.S)  # this test's own [circuit]
    zones = '\n[zones]\nmeans_of = ["ndvi"]\n[[zones.by]]\nname = "land_use"\nlayer = "landcover"\n'
    return text + zones + "\n[circuit]\nbarrier_radii_m = [60]\n"


def _run(root, text: str) -> dict:
    path = root / "study.toml"
    path.write_text(text)
    run_study(load_study(path), root / "run", quiet=True)
    return json.loads((root / "run" / "manifest.json").read_text())


def _rerun(manifest: dict) -> set[str]:
    return {k for k, s in manifest["stages"].items() if not s.get("cached") and not s.get("skipped")}


def _sections_in_report(root) -> list[str]:
    return re.findall(r"<h2>(.*?)</h2>", (root / "run" / "report.html").read_text())


# (what changes, the edit, the stages that must rerun: those that read it and those downstream
# of a result that changed; everything else is reused).
EDITS = [
    ("the study's name only", ("Synthetic mining city", "Another city"), {"report"}),
    ("a robustness parameter", ("random_repeats = 5", "random_repeats = 6"), {"robustness", "report"}),
    ("a circuit parameter", ("barrier_radii_m = [60]", "barrier_radii_m = [90]"), {"circuit", "zones", "report"}),
    (
        "the corridor cutoff: NLCC and pinch points change, the least-cost paths do not",
        ("width_cost = 1500", "width_cost = 1200"),
        {"corridors", "circuit", "zones", "report"},
    ),
    (
        # the corridors stage reads [connectivity] (the dispersal distance caps the corridors when
        # max_cost is not given); with the demo's own max_cost its paths stay the same
        "a connectivity parameter: the corridors recheck their cap, their paths do not change",
        ("\ndistance_m = 12500", "\ndistance_m = 10000"),
        {"connectivity", "corridors", "network", "robustness", "report"},
    ),
    (
        "an indicator read by a source rule (RSEI): sources' table changes, their cells and the paths do not",
        ("rsei_mask_water", "rsei_sample_cells = 20000\nrsei_mask_water"),
        {"indicators", "sources", "corridors", "summaries", "connectivity", "network", "robustness", "report"},
    ),
    (
        "the [sensitivity] section, which only `econet sensitivity` reads",
        ("\n[robustness]\n", "\n[sensitivity]\nsamples = 5\nmax_cost = [20000, 30000]\n\n[robustness]\n"),
        set(),
    ),
    (
        "the [series] section, which only runs the epochs of `econet run`",
        ("\n[robustness]\n", "\n[series]\nyears = [2000, 2010]\n\n[robustness]\n"),
        set(),
    ),
    (
        "a vector layer no stage reads",
        ('layer = "water"', 'layer = "water"\n# the same layer, a new comment'),
        set(),
    ),
]


def test_each_change_reruns_exactly_what_it_reaches(city):
    base = _study_text(city).replace('lst_layer = "thermal"', 'lst_layer = "thermal"\nrsei_mask_water = true')
    first = _run(city, base)
    assert _rerun(first) == EVERY_STAGE  # every stage computed once
    titles = _sections_in_report(city)
    for expected in (
        "Ecological indicators",
        "MSPA",
        "Ecological sources",
        "Resistance",
        "Corridors",
        "Indicators per source and corridor",
        "Connectivity",
        "Circuit theory: pinch points, barriers, centrality",
        "Products by zone",
        "Ecological network",
        "Robustness",
    ):
        assert expected in titles, expected
    assert _rerun(_run(city, base)) == set()  # unchanged: all reused, the report too
    for what, (old, new), expected in EDITS:
        assert old in base, what
        got = _rerun(_run(city, base.replace(old, new, 1)))
        assert got == expected, f"{what}: reran {sorted(got)}, expected {sorted(expected)}"
        _run(city, base)  # back to the base study (reruns the same stages back)


def test_a_section_added_later_appears_in_the_report(city):
    base = _study_text(city)
    without = base.replace("\n[circuit]\nbarrier_radii_m = [60]\n", "\n")
    _run(city, without)
    assert not any("Circuit theory" in t for t in _sections_in_report(city))
    manifest = _run(city, base)
    assert _rerun(manifest) == {"circuit", "zones", "report"}  # the zones now tabulate pinch points
    assert "Circuit theory: pinch points, barriers, centrality" in _sections_in_report(city)
    assert (city / "run" / "pinchpoints.gpkg").exists()


def test_source_rule_and_resistance_correction_may_name_an_indicator(city):
    import numpy as np

    from econet.rasterops import minmax

    plain = run_study(load_study(_write(city, "plain.toml", _study_text(city))), city / "plain", quiet=True)
    text = _study_text(city) + (
        '\n[[resistance.corrections]]\nname = "water"\nlayer = "mndwi"\nmode = "add"\nnormalize = "minmax"\n'
    )
    study = load_study(_write(city, "named.toml", text))
    order = [s.name for s in plan(study)]
    assert order.index("indicators") < min(order.index("sources"), order.index("resistance"))
    run = run_study(study, city / "named", quiet=True)
    # sources.mean_of names rsei, which [indicators] computes: its per-source mean is in the table
    table = run.results["sources"].table
    assert table["mean_rsei"].between(0, 1).all() and table["mean_rsei"].notna().all()
    # the correction adds the range-normalised MNDWI that [indicators] computed
    mndwi = run.results["indicators"].rasters["mndwi"]
    added = run.results["resistance"].surface - plain.results["resistance"].surface
    ok = np.isfinite(added)
    assert ok.sum() > 0.9 * np.isfinite(mndwi).sum()
    np.testing.assert_allclose(added[ok], minmax(mndwi)[ok], atol=1e-5)


def _write(root, name: str, text: str):
    path = root / name
    path.write_text(text)
    return path


def test_unknown_indicator_names_are_reported_before_running(city):
    from econet.errors import StudyError

    text = _study_text(city).replace('mean_of = ["ndvi", "rsei"]', 'mean_of = ["ndvi", "carbon_storage"]')
    path = city / "bad.toml"
    path.write_text(text)
    with pytest.raises(StudyError) as err:
        load_study(path)
    assert [p.where for p in err.value.problems] == ["sources.mean_of"]
    assert "carbon_storage" in err.value.problems[0].message and "[indicators]" in err.value.problems[0].message


# ---- the declarations are complete -------------------------------------------------------------


class _Recorder:
    """Logs the dotted attribute paths read through it; study sections come back wrapped too."""

    def __init__(self, obj, path: str, log: set):
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_log", log)

    def __getattr__(self, name):
        obj, path, log = self._obj, self._path, self._log
        full = f"{path}.{name}" if path else name
        prop = getattr(type(obj), name, None)
        if isinstance(prop, property):  # a property reads fields: evaluate it through the recorder
            return prop.fget(self)
        log.add(full)
        value = getattr(obj, name)
        return _Recorder(value, full, log) if isinstance(value, BaseModel) else value


class _LandscapeRecorder:
    """Logs the layers and vectors a stage reads from the landscape."""

    def __init__(self, landscape, log: set):
        self._l, self._log = landscape, log

    def raster(self, name):
        self._log.add(("layer", name))
        return self._l.raster(name)

    def read(self, name, window):
        self._log.add(("layer", name))
        return self._l.read(name, window)

    def vector(self, name):
        self._log.add(("vector", name))
        return self._l.vector(name)

    def landcover(self):
        return self.raster(self._l.landcover_layer)

    def valid_mask(self):
        self.landcover()
        return self._l.valid_mask()

    def habitat_mask(self):
        self.landcover()
        return self._l.habitat_mask()

    def area_mask(self):  # the study area is part of every stage's key (the grid)
        return self._l.area_mask()

    def study_area_km2(self):
        self.landcover()
        return self._l.study_area_km2()

    def check_classes(self):
        self.landcover()
        self._log.add(("section", "landcover"))
        return self._l.check_classes()

    @property
    def classes(self):
        self._log.add(("section", "landcover"))
        return self._l.classes

    @property
    def landcover_layer(self):
        return self._l.landcover_layer

    @property
    def grid(self):
        return self._l.grid


def _covered(path: str, declared) -> bool:
    return any(path == d or path.startswith(d + ".") or d.startswith(path + ".") for d in declared)


def test_stages_read_nothing_they_do_not_declare(city, tmp_path):
    path = city / "study.toml"
    path.write_text(_study_text(city))
    study = load_study(path)
    landscape = landscape_of(study)
    folder = RunFolder(tmp_path / "run")
    results = {}
    order = plan(study)
    for stage in order:
        if stage.consumes_all:  # the report: its sections are checked below
            continue
        reads, fields, inputs = set(), {}, set()
        ctx = Context(_Recorder(study, "", reads), _LandscapeRecorder(landscape, inputs), folder, order)
        consumed = {}
        for up in stage.consumes:
            fields[up] = set()
            consumed[up] = None if results.get(up) is None else _Recorder(results[up], "", fields[up])
        result = stage.compute(ctx, **consumed)
        stage.write(ctx, result)
        results[stage.name] = result
        if stage.layers_of is not None:
            landscape.derived.update(stage.layers_of(result))
        sections = {p for p in reads} | {p for kind, p in inputs if kind == "section"}
        for p in sections:
            assert _covered(p, stage.reads), f"{stage.name} reads {p}, not declared in reads={stage.reads}"
        declared_inputs = {(r.kind, r.name) for r in stage_refs(stage, study)}
        for kind, name in inputs:
            if kind != "section":
                assert (kind, name) in declared_inputs, f"{stage.name} reads {kind} {name}, not named by its sections"
        for up, got in fields.items():
            declared = stage.consumes[up]
            if declared is not None:
                assert got <= set(declared), f"{stage.name} reads {sorted(got - set(declared))} of {up}"
    # Report sections draw after every stage ran; what they read must be read by some stage.
    every = {r for s in order for r in s.reads}
    for stage in order:
        if stage.report is None:
            continue
        reads, inputs = set(), set()
        ctx = Context(_Recorder(study, "", reads), _LandscapeRecorder(landscape, inputs), folder, order)
        stage.report(ctx, results[stage.name])
        for p in reads | {p for kind, p in inputs if kind == "section"}:
            assert _covered(p, every), f"the {stage.name} report reads {p}, which no stage reads"
        refs = {(r.kind, r.name) for s in order for r in stage_refs(s, study)}
        assert {i for i in inputs if i[0] != "section"} <= refs
