"""The study file: a TOML document validated by a typed schema, one section per stage.

Every problem in a study (unknown keys, wrong types, missing files, impossible values, names of
layers that do not exist) is collected and reported together as a
:class:`~econet.errors.StudyError`, each with its dotted key and what to do. Units are in key
names (``min_area_km2``, ``edge_width_m``).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError

from econet.config.base import PositiveFloat, Ref, Section
from econet.config.circuit import CircuitSection
from econet.config.connectivity import ConnectivitySection
from econet.config.corridors import CorridorsSection
from econet.config.indicators import IndicatorsSection
from econet.config.landcover import LandCoverSection
from econet.config.layers import RasterLayer, VectorLayer
from econet.config.network import NetworkSection, RobustnessSection
from econet.config.report import ReportOptions
from econet.config.resistance import ResistanceSection
from econet.config.run import RunSection
from econet.config.scenarios import OptimiseSection, ScenarioSpec
from econet.config.sensitivity import SensitivitySection
from econet.config.series import SeriesSection, series_problems
from econet.config.sources import SourcesSection
from econet.config.zones import ZonesSection
from econet.errors import Problem, StudyError


class StudyMeta(Section):
    """``[study]``: the study's name, the template grid every layer is aligned to, and the study
    area: cells outside ``area`` are not habitat, and cells farther than ``buffer_m`` outside it
    do not take part at all (the buffer keeps corridors from being cut at the area's edge)."""

    name: str = "study"
    target_crs: str | None = None  # e.g. "EPSG:4548"; required when inputs are geographic
    template: str = "landcover"  # the raster layer whose grid every other layer is aligned to
    cell_size_m: PositiveFloat | None = None  # resample the template to this cell size
    area: str | None = None  # a polygon vector layer: the study area (A_L of PC and IIC)
    buffer_m: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 0.0  # corridors may leave the area by this

    def refs(self, at: str) -> list[Ref]:
        out = [Ref(f"{at}.template", "layer", self.template)]
        return out + ([Ref(f"{at}.area", "vector", self.area)] if self.area else [])

    def problems(self, at: str) -> list[Problem]:
        if self.buffer_m > 0 and self.area is None:
            return [Problem(f"{at}.buffer_m", "a buffer needs a study area: set study.area to a polygon layer")]
        return []

    def grid_spec(self) -> dict:
        """What defines the template grid and the study area (everything here but the name; the
        area keys only when set, so that a study without one keeps its cache keys)."""
        spec = self.model_dump(mode="json", exclude={"name"})
        if self.area is None:
            spec.pop("area")
            spec.pop("buffer_m")
        return spec


# Section name -> schema, in the order of the study file; None-able sections are optional stages.
SECTIONS: dict[str, type[Section]] = {
    "study": StudyMeta,
    "landcover": LandCoverSection,
    "indicators": IndicatorsSection,
    "sources": SourcesSection,
    "resistance": ResistanceSection,
    "corridors": CorridorsSection,
    "connectivity": ConnectivitySection,
    "circuit": CircuitSection,
    "zones": ZonesSection,
    "network": NetworkSection,
    "robustness": RobustnessSection,
    "report": ReportOptions,
    "optimise": OptimiseSection,
    "sensitivity": SensitivitySection,
    "series": SeriesSection,
    "run": RunSection,
}
OPTIONAL = ("indicators", "circuit", "zones", "optimise", "sensitivity", "series")


class Study(Section):
    """A whole study: inputs, then one section per stage."""

    study: StudyMeta = StudyMeta()
    layers: dict[str, RasterLayer]
    vectors: dict[str, VectorLayer] = {}
    landcover: LandCoverSection = LandCoverSection()
    sources: SourcesSection = SourcesSection()
    resistance: ResistanceSection = ResistanceSection()
    corridors: CorridorsSection = CorridorsSection()
    connectivity: ConnectivitySection = ConnectivitySection()
    network: NetworkSection = NetworkSection()
    robustness: RobustnessSection = RobustnessSection()
    report: ReportOptions = ReportOptions()
    indicators: IndicatorsSection | None = None  # optional stage: runs only when given
    circuit: CircuitSection | None = None  # optional: pinch points, barriers, centrality
    zones: ZonesSection | None = None  # optional: products by zone, means per pinch point and barrier
    optimise: OptimiseSection | None = None  # `econet optimise`: the procedures that propose scenarios
    scenarios: list[ScenarioSpec] = []  # `econet optimise`: scenarios written in the study
    sensitivity: SensitivitySection | None = None  # `econet sensitivity`: the ranges its samples are drawn in
    series: SeriesSection | None = None  # epochs: `econet run` runs each year (docs/methods/series.md)
    run: RunSection = RunSection()  # how the run uses the machine (window size, Dask scheduler); changes no product

    def section(self, dotted: str):
        """The section (or sub-section) at a dotted key, e.g. ``"sources.mspa"``; None if absent."""
        node = self
        for part in dotted.split("."):
            node = getattr(node, part)
            if node is None:
                return None
        return node

    def refs(self, dotted: str) -> list[Ref]:
        """The inputs a section names (see :meth:`Section.refs`)."""
        node = self.section(dotted)
        return [] if node is None else node.refs(dotted)

    def epochs(self) -> dict[int, Study]:
        """Year -> the study of that epoch (its inputs per ``[series]``, no series of its own);
        empty without ``[series]``."""
        if self.series is None:
            return {}
        inputs = self.series.epoch_inputs(self.layers, self.vectors)
        return {
            year: self.model_copy(update={"layers": layers, "vectors": vectors, "series": None})
            for year, (layers, vectors) in inputs.items()
        }


def _valid_parts(data: dict, study: Study | None) -> dict[str, list[Section]]:
    """Each section of the study as valid models: the section itself, or, when it has errors
    (reported by the validation of the whole study), its valid keys, so that the layers they
    name are checked too and every problem is reported at once."""
    if study is not None:
        return {name: [node] for name in SECTIONS if (node := getattr(study, name)) is not None}
    out: dict[str, list[Section]] = {}
    quiet = {"check_files": False}
    for name, model in SECTIONS.items():
        raw = data.get(name, None if name in OPTIONAL else {})
        if not isinstance(raw, dict):
            continue
        try:
            out[name] = [model.model_validate(raw, context=quiet)]
            continue
        except ValidationError as exc:
            bad = {e["loc"][0] for e in exc.errors() if e["loc"]}
        good = {k: v for k, v in raw.items() if k not in bad}
        try:
            out[name] = [model.model_validate(good, context=quiet)]
        except ValidationError:  # a check between keys fails: take the keys one by one
            parts = []
            for k, v in good.items():
                try:
                    parts.append(model.model_validate({k: v}, context=quiet))
                except ValidationError:
                    pass
            out[name] = parts
    return out


def reference_problems(data: dict, study: Study | None = None) -> list[Problem]:
    """Checks between sections: every layer, vector and file a section names must exist (in
    ``[layers]``, as a raster that ``[indicators]`` computes, or in ``[vectors]``); land cover
    must be categorical; ``[circuit]`` needs the corridor cutoff ``corridors.width_cost``."""
    layers, vectors = data.get("layers", {}), data.get("vectors", {})
    if not isinstance(layers, dict):
        return []
    vectors = vectors if isinstance(vectors, dict) else {}
    sections = _valid_parts(data, study)
    derived: set[str] | None = set()
    if study is not None:
        derived = set(study.indicators.products()) if study.indicators is not None else set()
    elif "indicators" in data:
        try:  # the names it computes, unless the section has errors (then none is reported)
            derived = set(
                IndicatorsSection.model_validate(data["indicators"], context={"check_files": False}).products()
            )
        except (ValidationError, TypeError):
            derived = None
    problems, seen = [], set()
    scenarios = data.get("scenarios", [])
    scenarios = scenarios if isinstance(scenarios, list) else []
    names = [s.get("name") for s in scenarios if isinstance(s, dict) and isinstance(s.get("name"), str)]
    if dup := sorted({n for n in names if names.count(n) > 1}):
        problems.append(Problem("scenarios", f"scenario name(s) {dup} are used twice; each needs its own name"))
    for i, raw in enumerate(scenarios):
        try:
            sections.setdefault("scenarios", []).append(
                _AtIndex(ScenarioSpec.model_validate(raw, context={"check_files": False}), i)
            )
        except (ValidationError, TypeError):
            continue
    for name, nodes in sections.items():
        problems += [p for node in nodes for p in node.problems(name)]
        for ref in (r for node in nodes for r in node.refs(name)):
            if ref in seen:
                continue
            seen.add(ref)
            if ref.kind == "layer" and ref.name not in layers:
                if derived is None or (name != "indicators" and ref.name in derived):
                    continue
                computed = " (or an indicator that [indicators] computes)" if name != "indicators" else ""
                problems.append(
                    Problem(
                        ref.key,
                        f"names layer '{ref.name}', which is not in [layers]{computed}; "
                        f"add [layers.{ref.name}] or name another layer",
                    )
                )
            elif ref.kind == "vector" and ref.name not in vectors:
                problems.append(
                    Problem(
                        ref.key,
                        f"names vector layer '{ref.name}', which is not in [vectors]; "
                        f"add [vectors.{ref.name}] or remove it",
                    )
                )
    corridors = data.get("corridors", {})
    circuit = data.get("circuit")
    corridor_mode = isinstance(circuit, dict) and circuit.get("mode", "corridors") == "corridors"
    if corridor_mode and isinstance(corridors, dict) and corridors.get("width_cost") is None:
        problems.append(
            Problem(
                "corridors.width_cost",
                "[circuit] maps pinch points inside the least-cost corridors: set the corridor cutoff "
                "(resistance x m, e.g. 2000)",
            )
        )
    landcover = next(iter(sections.get("landcover", [])), None)
    if isinstance(landcover, LandCoverSection) and isinstance(layers.get(landcover.layer), dict):
        if layers[landcover.layer].get("kind", "continuous") != "categorical":
            problems.append(
                Problem(
                    f"layers.{landcover.layer}.kind",
                    'land cover must be kind = "categorical" (classes are resampled by nearest/mode)',
                )
            )
    return problems


class _AtIndex:
    """A scenario of the ``[[scenarios]]`` list, with its index in the keys of its references."""

    def __init__(self, spec: ScenarioSpec, index: int):
        self.spec, self.index = spec, index

    def refs(self, at: str):
        return self.spec.refs(f"{at}.{self.index}")

    def problems(self, at: str):
        return []


def class_problems(study: Study) -> list[Problem]:
    """Land-cover classes that scenarios and ``[optimise]`` name (a code or a class name) must be
    in the study's class table."""
    classes = study.landcover.resolved()
    known = {c.code for c in classes} | {c.name.lower() for c in classes}
    named = [
        (f"scenarios.{i}.actions.{j}.to_class", a.to_class)
        for i, s in enumerate(study.scenarios)
        for j, a in enumerate(s.actions)
    ]
    if study.optimise is not None:
        named.append(("optimise.restore_to", study.optimise.restore_to))
        named += [
            (f"optimise.costs.transition_per_ha.{a}->{b}", c)
            for a, b, _ in study.optimise.costs.transitions()
            for c in (a, b)
        ]
    return [
        Problem(
            key,
            f"{value!r} is not a class of the land-cover table; use a code or a name of {sorted(c.name for c in classes)}",
        )
        for key, value in named
        if value is not None and (value.lower() if isinstance(value, str) else value) not in known
    ]


def _problem_from(err: dict) -> Problem:
    loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-")) or "(top level)"
    kind = err["type"]
    msg = err["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        msg = "unknown key; remove it or check its spelling against `econet init`'s example"
    elif kind == "missing":
        msg = "required key is missing; add it"
    elif kind != "value_error" and isinstance(err.get("input"), (str, int, float, bool)):
        msg = f"{msg} (got {err['input']!r})"
    return Problem(loc, msg)


def _without_moved_keys(data: dict) -> tuple[dict, list[Problem]]:
    """The study without keys that moved to another section, and a problem for each."""
    problems, out = [], dict(data)
    for name, model in SECTIONS.items():
        raw = data.get(name)
        if isinstance(raw, dict) and any(k in raw for k in model.moved):
            problems += [Problem(f"{name}.{k}", msg) for k, msg in model.moved.items() if k in raw]
            out[name] = {k: v for k, v in raw.items() if k not in model.moved}
    return out, problems


def parse_study(data: dict, base_dir: str | Path = ".", check_files: bool = True, source: str = "study") -> Study:
    """Validate a study given as a dict; raise StudyError listing every problem."""
    if not isinstance(data, dict):
        raise StudyError([Problem("(top level)", "a study is a TOML table of sections")], source)
    data, problems = _without_moved_keys(data)
    study = None
    try:
        study = Study.model_validate(data, context={"base_dir": str(base_dir), "check_files": check_files})
    except ValidationError as exc:
        problems += [_problem_from(e) for e in exc.errors()]
    problems += reference_problems(data, study) + series_problems(data)
    if study is not None:
        problems += class_problems(study)
    if problems:
        raise StudyError(problems, source)
    return study


def landscape_of(study: Study):
    """The study's landscape (``econet.io.landscape.Landscape``): every input checked, the
    template grid built, no pixel read yet."""
    from econet.io.landscape import open_landscape  # rasterio and pyogrio: only when a study runs

    meta = study.study
    landscape = open_landscape(
        study.layers,
        study.vectors,
        template=meta.template,
        landcover_layer=study.landcover.layer,
        classes=study.landcover.resolved(),
        target_crs=meta.target_crs,
        cell_size_m=meta.cell_size_m,
        area=meta.area,
        buffer_m=meta.buffer_m,
    )
    return landscape


def scale_problems(study: Study, grid) -> list[Problem]:
    """Defaults that cannot fit the study's grid must be given: Chang et al.'s (2018) corridor
    widths (400/200/100 m, for a city region) on cells more than twice as wide as the local width
    (a path buffered by less than half a cell covers hardly any cell centre beside the path's)."""
    cfg = study.corridors
    given = cfg.model_fields_set
    keys = ("regional_width_m", "subregional_width_m", "local_width_m")
    narrow = [k for k in keys if k not in given and getattr(cfg, k) < 0.5 * grid.cell_size_m]
    if not narrow:
        return []
    return [
        Problem(
            f"corridors.{narrow[0]}",
            f"the default corridor widths (Chang et al. 2018: 400/200/100 m, for a city region) are narrower than "
            f"half the {grid.cell_size_m:g} m cells of this study; set corridors.regional_width_m, subregional_width_m "
            "and local_width_m for its scale (e.g. 2, 1.5 and 1 cells or wider)",
        )
    ]


def coverage_problems(study: Study, landscape) -> list[Problem]:
    """Input layers that a resistance factor reads with ``missing = "error"`` must have a value
    on every cell of the study area (the cells with land cover): a DEM that stops short of the
    land cover would otherwise stop the run after MSPA. Each such layer is reported once, with
    the uncovered area and the factors that read it."""
    readers: dict[str, list[str]] = {}
    for spec in study.resistance.resolved_factors():
        if spec.missing != "error" or spec.kind not in ("raster", "slope", "categorical", "landcover"):
            continue
        layer = spec.layer or ("dem" if spec.kind == "slope" else study.landcover.layer)
        if layer in study.layers and layer != study.landcover.layer:
            readers.setdefault(layer, []).append(spec.name)
    problems = []
    cell_km2 = landscape.grid.cell_area_m2 / 1e6
    for layer, factors in readers.items():
        n = landscape.uncovered(layer)
        if n:
            keys = ", ".join(f"resistance.factors.{f}" for f in factors)
            problems.append(
                Problem(
                    f"layers.{layer}",
                    f"does not cover the study area: {n} cell(s), {n * cell_km2:.4g} km², with land cover have "
                    f"no value in it (read by {keys}); extend the layer over the land cover, or set missing = "
                    "'highest', 'lowest' or 'impassable' for the factor",
                )
            )
    return problems


def data_problems(study: Study, landscape) -> list[Problem]:
    """What a run would meet in the data itself (``econet validate`` and ``econet run`` check it
    before any stage): unreadable or nodata-only layers, land cover without data or with codes
    missing from the class table, and raster factors used as resistances as they are (grading
    = 'none') holding values <= 0."""
    from econet.io.landscape import inspect_layers

    problems = inspect_layers(landscape)
    if problems:
        return problems
    # defaults that cannot fit the grid, and factor layers that leave cells of the study area bare
    problems = scale_problems(study, landscape.grid) + coverage_problems(study, landscape)
    import numpy as np

    factors = study.resistance.resolved_factors()
    for i, f in enumerate(factors):
        if f.method != "none" or f.kind != "raster" or f.layer not in study.layers:
            continue
        values = landscape.raster(f.layer)
        bad = int(np.count_nonzero(landscape.valid_mask() & np.isfinite(values) & (values <= 0)))
        if bad:
            where = f"resistance.factors.{i}" if study.resistance.factors else "resistance"
            problems.append(
                Problem(
                    f"{where}.grading",
                    f"{bad} cell(s) of layer '{f.layer}' are <= 0 and grading = 'none' uses the values as "
                    "resistances, which must be > 0; grade the layer (breaks and levels) or fix its values",
                )
            )
    return problems


def load_study(path: str | Path, check_files: bool = True) -> Study:
    """Read and validate a study TOML file. Relative paths are taken from the file's folder."""
    path = Path(path)
    if not path.exists():
        raise StudyError([Problem(str(path), "study file not found; create one with `econet init`")], str(path))
    if path.is_dir():
        raise StudyError([Problem(str(path), "is a folder; give the study's .toml file")], str(path))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise StudyError([Problem("(syntax)", f"not valid TOML: {exc}")], str(path)) from None
    except UnicodeDecodeError as exc:
        raise StudyError(
            [Problem("(encoding)", f"not UTF-8 text (byte {exc.start}); save the study file as UTF-8")], str(path)
        ) from None
    except OSError as exc:
        raise StudyError([Problem(str(path), f"cannot read the study file: {exc.strerror}")], str(path)) from None
    return parse_study(data, base_dir=path.parent, check_files=check_files, source=str(path))


__all__ = [
    "OPTIONAL",
    "SECTIONS",
    "Study",
    "StudyMeta",
    "coverage_problems",
    "scale_problems",
    "data_problems",
    "landscape_of",
    "load_study",
    "parse_study",
    "reference_problems",
]
