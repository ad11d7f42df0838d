"""``econet optimise``: the baseline run, the scenarios, their runs and the before-and-after
validation (docs/methods/scenarios.md).

The baseline runs into ``DIR/baseline/``. Each scenario (written in the study's ``[[scenarios]]``
or made by a generator of ``[optimise] generators``) becomes the inputs of an ordinary run: an
edited land-cover raster, a raster of lowered resistances (``resistance.lower_to``), a raster of
forced sources (``sources.include``) and a layer of links (``corridors.add_links``), written to
``DIR/scenarios/<name>/inputs/``. The scenario runs into ``DIR/scenarios/<name>/`` and reuses
every stage of the baseline whose inputs its actions do not reach (the pipeline's cache, across
run folders). ``DIR/validation.csv`` holds the measures of every run and their change against
the baseline; ``DIR/report.html`` shows them with the maps and the attack curves.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from econet.config import Study
from econet.config.layers import RasterLayer, VectorLayer
from econet.errors import Problem, StudyError
from econet.pipeline import StudyRun, run_study
from econet.scenarios import Baseline, Scenario, action, edits, footprint
from econet.scenarios.validation import against_random, network_measures, validation_table
from econet.stages import STAGES
from econet.tasks import current_scheduler, map_tasks, scheduler

# Scenario runs leave out the report (the optimise report covers them) and, unless asked for,
# the circuit stage: the validation does not read it and it is the slowest stage.
_NOT_IN_SCENARIOS = ("report",)
LOWER_TO, INCLUDE, LINKS = "scenario_lower_to", "scenario_include", "scenario_links"


@dataclass
class Outcome:
    """What is kept of a finished run for the validation and the report (the full results stay
    in its folder): its measures (``econet.scenarios.validation.network_measures``), its source
    and corridor tables, its attack curves (nodes and corridors), and its manifest's stages."""

    path: Path
    measures: dict
    sources: pd.DataFrame
    corridors: pd.DataFrame
    curves: pd.DataFrame | None
    stages: dict

    @classmethod
    def of(cls, run: StudyRun) -> Outcome:
        r = run.results
        rob = r["robustness"]
        curves = pd.concat([rob.nodes] + ([rob.edges] if rob.edges is not None else []), ignore_index=True)
        measures = network_measures(
            r["sources"], r["corridors"], r["connectivity"], r["network"], rob, r.get("summaries")
        )
        stages = run.folder.manifest.get("stages", {})
        return cls(run.path, measures, r["sources"].table, r["corridors"].paths, curves, stages)


@dataclass
class OptimiseRun:
    """A finished ``econet optimise``: its folder, the baseline run and its outcome, each
    scenario with its outcome (a scenario's full results are in its folder: holding every run's
    rasters would need memory in proportion to the number of scenarios), the validation table
    and the comparison of the optimised scenarios with the random ones."""

    path: Path
    baseline: StudyRun
    base: Outcome
    scenarios: list[tuple[Scenario, Outcome]] = field(default_factory=list)
    validation: pd.DataFrame | None = None
    versus_random: pd.DataFrame | None = None


def baseline_of(study: Study, run: StudyRun) -> Baseline:
    """The :class:`~econet.scenarios.Baseline` of a finished run of ``study``."""
    r, L = run.results, run.landscape
    rasters = dict(L.derived)
    rasters.update({name: L.raster(name) for name in study.layers if name in rasters})
    conn = r["connectivity"]
    return Baseline(
        grid=L.grid,
        landcover=L.landcover(),
        classes=L.classes,
        sources=r["sources"],
        surface=r["resistance"].surface,
        corridors=r["corridors"],
        connectivity=conn,
        nodes=r["network"].network.node_table(),
        distance_m=study.connectivity.distance_m,
        probability=study.connectivity.probability,
        landscape_area_m2=conn.overall["landscape_area_km2"] * 1e6,
        summaries=r.get("summaries"),
        rasters=rasters,
        circuits=r.get("circuit"),
        vector=L.vector,
    )


def class_code(value, classes, key: str) -> int:
    """A land-cover code from a code or a class name (case-insensitive)."""
    codes = {c.code for c in classes}
    if isinstance(value, int) and value in codes:
        return value
    by_name = {c.name.lower(): c.code for c in classes}
    if isinstance(value, str) and value.lower() in by_name:
        return by_name[value.lower()]
    raise StudyError([Problem(key, f"{value!r} is not a land-cover class; use a code or name of {sorted(by_name)}")])


def study_scenarios(study: Study, base: Baseline) -> list[Scenario]:
    """The study's ``[[scenarios]]`` as scenarios with footprints on the grid."""
    import shapely

    out = []
    for i, spec in enumerate(study.scenarios):
        actions = []
        for j, a in enumerate(spec.actions):
            key = f"scenarios.{i}.actions.{j}"
            link, buffer_m = None, 0.0
            if a.vector:
                gdf = base.vector(a.vector)
                for column, values in a.where.items():
                    if column not in gdf:
                        raise StudyError([Problem(f"{key}.where", f"layer {a.vector!r} has no field {column!r}")])
                    gdf = gdf[gdf[column].isin(values)]
                geoms = list(gdf.geometry)
                lines = [g for g in geoms if g is not None and g.geom_type in ("LineString", "MultiLineString")]
                buffer_m = a.width_m / 2 if lines else 0.0
            elif a.at is not None:
                geoms = [shapely.Point(a.at).buffer(a.radius_m) if a.radius_m > 0 else shapely.Point(a.at)]
            else:
                geoms = [shapely.LineString(a.line)]
                buffer_m = a.width_m / 2
                if a.kind == "corridor":
                    link = (tuple(a.line[0]), tuple(a.line[-1]))
            cells = footprint(geoms, base.grid, buffer_m=buffer_m)
            if len(cells) == 0:
                raise StudyError([Problem(key, "its footprint covers no cell of the grid; check its coordinates")])
            fields = {"label": a.label or f"{spec.name} action {j + 1}", "link": link, "cost": a.cost}
            if a.to_class is not None:
                fields["to_class"] = class_code(a.to_class, base.classes, f"{key}.to_class")
            if a.resistance is not None:
                fields["resistance"] = base.lowest_resistance if a.resistance == "lowest" else float(a.resistance)
            actions.append(action(a.kind, cells, lowest_resistance=base.lowest_resistance, **fields))
        out.append(Scenario(spec.name, tuple(actions), "study", spec.note))
    return out


def scenario_names(study: Study) -> list[str]:
    """The names of the scenarios ``econet optimise`` will run, known before anything runs."""
    names = [s.name for s in study.scenarios]
    opt = study.optimise
    for g in opt.generators if opt is not None else ():
        if g == "random":
            names += [f"random_{r:02d}" for r in range(1, opt.random_repeats + 1)]
        else:
            names.append(g)
    return names


def generated_scenarios(study: Study, base: Baseline) -> list[Scenario]:
    """The scenarios of the procedures ``[optimise] generators`` names, in that order (random
    repeats after the scenario they imitate)."""
    opt = study.optimise
    if opt is None:
        return []
    from econet import scenarios as sc

    restore_to = class_code(opt.restore_to, base.classes, "optimise.restore_to")
    made: dict[str, list[Scenario]] = {}
    for name in opt.generators:
        if name == "seec":
            made[name] = sc.seec_scenarios(base, bottom_pct=opt.weak_pct)
        elif name in ("pfo", "ppo"):
            made[name] = [
                _revegetate(s, restore_to)
                for s in sc.pattern_scenarios(
                    base, strategy=name, top_pct=opt.top_pct, potential_weight=opt.potential_weight
                )
            ]
        elif name == "fushun":
            made[name] = sc.fushun_scenarios(base)
        elif name == "priority":
            candidates = pd.concat([base.vector(v) for v in opt.priority_candidates], ignore_index=True)
            made[name] = sc.priority_scenarios(
                base, candidates, top=opt.priority_top, to_class=restore_to, distance_m=opt.priority_distance_m
            )
    if "random" in opt.generators:
        like = made[opt.random_like][0]
        made["random"] = [
            _revegetate(s, restore_to)
            for s in sc.random_scenarios(base, like, repeats=opt.random_repeats, seed=opt.random_seed)
        ]
    return [s for name in opt.generators for s in made.get(name, [])]


def _revegetate(scenario: Scenario, to_class: int) -> Scenario:
    """Restored pinch points and barriers are revegetated too (their degraded cells become
    ``to_class``), so a restoration shows in habitat and carbon, not only in resistance."""
    acts = tuple(
        dataclasses.replace(a, to_class=to_class) if a.kind in ("barrier", "pinchpoint") and a.to_class is None else a
        for a in scenario.actions
    )
    return dataclasses.replace(scenario, actions=acts)


def priced(scenario: Scenario, costs, base: Baseline) -> Scenario:
    """Each action costed from the cost table unless it has a cost of its own: per hectare of
    footprint and per action, by kind; a restoration (an action with ``to_class``) is priced per
    hectare by what each cell turns from where ``costs.transition_per_ha`` names that change
    (cells it leaves unchanged cost nothing; others fall back on the kind's rate). An action
    with cells no rate covers stays uncosted."""
    per_cell_ha = base.grid.cell_area_m2 / 1e4
    rates = {
        (
            class_code(a, base.classes, "optimise.costs.transition_per_ha"),
            class_code(b, base.classes, "optimise.costs.transition_per_ha"),
        ): c
        for a, b, c in costs.transitions()
    }
    acts = []
    for a in scenario.actions:
        if a.cost is not None:
            acts.append(a)
            continue
        kind_rate = costs.per_ha.get(a.kind)
        if a.to_class is not None and rates:
            before = base.landcover.ravel()[a.cells]
            codes, at = np.unique(before, return_inverse=True)  # a few classes, many cells
            rate = np.array([rates.get((int(c), a.to_class), np.nan) for c in codes])[at]
            # a restoration changes degraded cells only (econet.scenarios.edits)
            unchanged = np.isin(before, [*base.habitat_codes(), a.to_class, -1])
            rate[unchanged] = 0.0
            rate[np.isnan(rate)] = np.nan if kind_rate is None else kind_rate
            if not np.isnan(rate).any():
                acts.append(dataclasses.replace(a, cost=float(rate.sum() * per_cell_ha + costs.each.get(a.kind, 0.0))))
                continue
        if kind_rate is not None or a.kind in costs.each:
            cost = (kind_rate or 0.0) * a.area_ha(base.grid.cell_area_m2) + costs.each.get(a.kind, 0.0)
            a = dataclasses.replace(a, cost=float(cost))
        acts.append(a)
    return dataclasses.replace(scenario, actions=tuple(acts))


def scenario_study(study: Study, scenario: Scenario, base: Baseline, inputs: Path) -> Study:
    """The study a scenario runs: the baseline study with its actions' effects as inputs
    (written to ``inputs``). A scenario without actions is the baseline study itself."""
    from econet.io import write_raster, write_vector

    e = edits(scenario.actions, base.landcover, base.habitat_codes())
    if e.empty:
        return study
    grid = base.grid
    layers, vectors, update = dict(study.layers), dict(study.vectors), {}
    if e.landcover is not None:
        path = write_raster(inputs / "landcover.tif", e.landcover, grid, nodata=-1, description="land cover, restored")
        layers[study.landcover.layer] = RasterLayer(path=str(path), kind="categorical")
    if e.lower_to is not None:
        lowered = e.lower_to
        if study.resistance.lower_to:
            lowered = np.fmin(lowered, base.rasters.get(study.resistance.lower_to, lowered))
        path = write_raster(
            inputs / "lower_to.tif", lowered, grid, nodata=float("nan"), description="resistance lowered to"
        )
        layers[LOWER_TO] = RasterLayer(path=str(path))
        update["resistance"] = study.resistance.model_copy(update={"lower_to": LOWER_TO})
    if e.include is not None:
        path = write_raster(
            inputs / "include.tif", e.include, grid, nodata=0, description="1 new source, 2 stepping stone"
        )
        layers[INCLUDE] = RasterLayer(path=str(path), kind="categorical")
        update["sources"] = study.sources.model_copy(update={"include": INCLUDE})
    if e.links:
        import geopandas as gpd
        import shapely

        lines = [shapely.LineString([a, b]) for a, b in e.links]
        if study.corridors.add_links:
            lines = list(base.vector(study.corridors.add_links).geometry) + lines
        gdf = gpd.GeoDataFrame({"link": np.arange(1, len(lines) + 1)}, geometry=lines, crs=grid.crs)
        path = write_vector(inputs / "links.gpkg", {"links": gdf})
        vectors[LINKS] = VectorLayer(path=str(path), layer="links")
        update["corridors"] = study.corridors.model_copy(update={"add_links": LINKS})
    return study.model_copy(update={"layers": layers, "vectors": vectors, **update})


def action_table(scenario: Scenario, grid) -> pd.DataFrame:
    """One row per action: kind, label, footprint (cells, ha), effect and cost."""
    cell_ha = grid.cell_area_m2 / 1e4
    return pd.DataFrame(
        [
            {
                "action": i + 1,
                "kind": a.kind,
                "label": a.label,
                "cells": len(a.cells),
                "area_ha": len(a.cells) * cell_ha,
                "to_class": a.to_class,
                "resistance": a.resistance,
                "source": a.source,
                "link": ""
                if a.link is None
                else f"{a.link[0][0]:.1f} {a.link[0][1]:.1f} -> {a.link[1][0]:.1f} {a.link[1][1]:.1f}",
                "cost": a.cost,
            }
            for i, a in enumerate(scenario.actions)
        ],
        columns=["action", "kind", "label", "cells", "area_ha", "to_class", "resistance", "source", "link", "cost"],
    )


def run_scenario(study: Study, scenario: Scenario, base: Baseline, out: Path, *, stages, quiet=False, study_path=None):
    """Run one scenario into ``out/scenarios/<name>/``, reusing the stages of ``out/baseline/``
    its actions do not reach, and write its ``actions.csv``."""
    from econet.io import write_csv

    folder = Path(out) / "scenarios" / scenario.name
    run = run_study(
        scenario_study(study, scenario, base, folder / "inputs"),
        folder,
        quiet=quiet,
        study_path=study_path,
        stages=stages,
        reuse=(Path(out) / "baseline",),
        check_data=False,  # the baseline read the same data; the scenario's own inputs are ours
    )
    write_csv(folder / "actions.csv", action_table(scenario, base.grid))
    return run


def action_layer(scenario: Scenario, grid):
    """The actions as a GeoDataFrame for GIS: each action's footprint traced from its cells
    (``action_table``'s columns, one (multi)polygon per action)."""
    import geopandas as gpd
    from affine import Affine

    from econet.grid import Grid
    from econet.habitat.sources import polygonize

    geoms = []
    for a in scenario.actions:
        if not len(a.cells):
            geoms.append(None)
            continue
        rows, cols = np.unravel_index(a.cells, grid.shape)
        r0, c0 = int(rows.min()), int(cols.min())
        window = np.zeros((int(rows.max()) - r0 + 1, int(cols.max()) - c0 + 1), dtype=np.int32)
        window[rows - r0, cols - c0] = 1
        sub = Grid(grid.crs, grid.transform @ Affine.translation(c0, r0), window.shape)
        geoms.append(polygonize(window, sub, 1)[0])
    return gpd.GeoDataFrame(action_table(scenario, grid), geometry=geoms, crs=grid.crs)


def _scenario_task(item, *, study, base, out, stages, quiet, study_path) -> Outcome:
    """One scenario of ``optimise_study`` as a task (``econet.tasks``): item = (its number, how
    many, the scenario). Runs it into ``out/scenarios/<name>/`` with its actions layer and its
    generator's tables, and returns its :class:`Outcome` only: the run's rasters stay in its
    folder, so the memory of scenarios run one after another does not add up."""
    from econet.io import write_csv, write_vector

    i, n, sc = item
    if not quiet:
        _printer()(f"scenario {i}/{n}: {sc.name} ({len(sc.actions)} actions)")
    # The run's own tasks (its per-source searches) run on this process's threads: sent to the
    # cluster from a task of the cluster, they could wait for workers its scenarios hold.
    local = study.model_copy(update={"run": study.run.model_copy(update={"scheduler": None})})
    with scheduler(None):
        run = run_scenario(local, sc, base, out, stages=stages, quiet=quiet, study_path=study_path)
    folder = Path(out) / "scenarios" / sc.name
    if sc.actions:
        write_vector(folder / "actions.gpkg", {"actions": action_layer(sc, base.grid)})
    for name, table in sc.details.items():
        if isinstance(table, pd.DataFrame):
            write_csv(folder / f"{sc.generator}_{name}.csv", table)
    return Outcome.of(run)


def _sees(path: str) -> bool:
    """Whether ``path`` exists where this task runs (``_check_shared``)."""
    return Path(path).exists()


def _check_shared(out: Path, address: str) -> None:
    """The scenario runs read the baseline's folder and write their own beside it: on a
    cluster, ``out`` must be on a file system its workers share with this machine."""
    manifest = (out / "baseline" / "manifest.json").resolve()
    if not map_tasks(_sees, [str(manifest)], address=address)[0]:
        key = "--scheduler" if current_scheduler() else "run.scheduler"
        raise StudyError(
            [
                Problem(
                    key,
                    f"the workers of {address} cannot see {manifest}: give an output folder (--out) on a "
                    "file system they share with this machine, or run without a scheduler",
                )
            ]
        )


def optimise_study(
    study: Study,
    out_dir,
    *,
    quiet: bool = False,
    study_path: str | None = None,
    only: list[str] | None = None,
    circuit: bool = False,
    scenario_workers: int | None = None,
) -> OptimiseRun:
    """Run the baseline, every scenario (``only``: just those names) and the validation into
    ``out_dir`` (see the module docstring). ``circuit`` also reruns the circuit stage in each
    scenario. The scenario runs are tasks (``econet.tasks``): ``scenario_workers`` at a time on
    this machine (default: the study's ``[run] scenario_workers``, one), or on the Dask cluster
    of ``--scheduler`` or ``[run] scheduler``; the validation and the report are the same bytes
    however they ran."""
    from econet.io import write_csv

    out = Path(out_dir)
    if scenario_workers is not None and scenario_workers < 1:
        raise StudyError([Problem("--scenario-workers", f"must be 1 or more, got {scenario_workers}")])
    if only and (unknown := sorted(set(only) - set(scenario_names(study)))):
        names = scenario_names(study)
        raise StudyError([Problem("--scenario", f"no scenario named {unknown}; the study has {names}")])
    say = (lambda *a: None) if quiet else _printer()
    say("baseline")
    baseline = run_study(study, out / "baseline", quiet=quiet, study_path=study_path)
    base = baseline_of(study, baseline)
    t0 = time.perf_counter()
    scenarios = study_scenarios(study, base) + generated_scenarios(study, base)
    if only:
        unknown = sorted(set(only) - {s.name for s in scenarios})
        if unknown:
            raise StudyError(
                [Problem("--scenario", f"no scenario named {unknown}; the study has {[s.name for s in scenarios]}")]
            )
        scenarios = [s for s in scenarios if s.name in only]
    if study.optimise is not None:
        scenarios = [priced(s, study.optimise.costs, base) for s in scenarios]
    say(f"{len(scenarios)} scenario(s) made in {time.perf_counter() - t0:.1f} s")
    skip = _NOT_IN_SCENARIOS + (() if circuit else ("circuit",))
    stages = tuple(s for s in STAGES if s.name not in skip)
    result = OptimiseRun(out, baseline, Outcome.of(baseline))
    address = current_scheduler() or study.run.scheduler  # --scheduler over the study's [run]
    workers = study.run.scenario_workers if scenario_workers is None else scenario_workers
    if address is not None:
        _check_shared(out, address)
    # One at a time here, each run shows its stages; else each says only when it has finished.
    alone = address is None and workers == 1
    if not alone and scenarios:
        where = f"on {address}" if address else f"{workers} at a time"
        say(f"{len(scenarios)} scenario run(s), {where}")
    outcomes = map_tasks(
        _scenario_task,
        [(i, len(scenarios), sc) for i, sc in enumerate(scenarios, 1)],
        shared={
            "study": study,
            "base": base,
            "out": out if address is None else out.resolve(),  # a worker's working folder is not ours
            "stages": stages,
            "quiet": quiet or not alone,
            "study_path": study_path,
        },
        workers=workers,
        address=address,
        done=None if alone else (lambda n: say(f"{n}/{len(scenarios)} scenario runs finished")),
    )
    result.scenarios = list(zip(scenarios, outcomes))
    rows = {"baseline": {"generator": "", "actions": 0, "restored_ha": 0.0, "cost": 0.0, **result.base.measures}}
    for sc, outcome in result.scenarios:
        restored = len(np.unique(np.concatenate([a.cells for a in sc.actions]))) if sc.actions else 0
        rows[sc.name] = {
            "generator": sc.generator,
            "actions": len(sc.actions),
            "restored_ha": restored * base.grid.cell_area_m2 / 1e4,
            "cost": sc.cost(),
            **outcome.measures,
        }
    result.validation = validation_table(rows)
    # The random repeats restore as many pinch points and barriers as PFO: PFO and PPO are
    # compared with them; scenarios of other kinds and sizes (SEEC, study scenarios) are not.
    result.versus_random = against_random(result.validation, generators=("pfo", "ppo"))
    write_csv(out / "validation.csv", result.validation)
    if len(result.versus_random):
        write_csv(out / "versus_random.csv", result.versus_random)
    from econet.report.scenarios import write_optimise_report

    write_optimise_report(out, study.study.name, base, result)
    return result


def _printer():
    from rich.console import Console
    from rich.markup import escape

    err = Console(stderr=True)
    return lambda text: err.print(f"[bold]optimise[/bold] {escape(text)}", highlight=False)


__all__ = [
    "OptimiseRun",
    "Outcome",
    "action_layer",
    "action_table",
    "baseline_of",
    "class_code",
    "generated_scenarios",
    "optimise_study",
    "priced",
    "run_scenario",
    "scenario_names",
    "scenario_study",
    "study_scenarios",
]
