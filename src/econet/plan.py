"""``econet plan STUDY --budget B``: the best set of a run's candidate actions for a budget
(docs/methods/planner.md; Hamonic, Albert, Couëtoux & Vaxès, Networks 2023).

The baseline runs (or is reused) into ``DIR/baseline/``. The candidates are the actions of the
study's ``[[scenarios]]`` and of its generators (barriers, pinch points, breakpoint crossings,
stepping stones, corridor links and upgrades, new sources, degraded patches; not the random
repeats), priced by ``[optimise.costs]`` or a cost raster, less those touching a forbidden
layer. Their effects on the source graph come from the corridor engine
(:func:`econet.planner.network.plan_network`); the planner chooses the options, and the chosen
plan runs as an ordinary scenario (``DIR/scenarios/plan/``), validated against the baseline.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from econet.config import Study
from econet.errors import Problem, StudyError
from econet.io.atomic import draws_figure
from econet.optimise import (
    Outcome,
    action_layer,
    baseline_of,
    generated_scenarios,
    priced,
    run_scenario,
    study_scenarios,
)
from econet.pipeline import run_study
from econet.planner import Solution, budget_sweep, pareto_front, solve
from econet.planner.network import PlanNetwork, candidates_table, plan_network
from econet.planner.robustness import targeted_area
from econet.scenarios import Scenario
from econet.scenarios.validation import validation_table
from econet.stages import STAGES


@dataclass
class PlanRun:
    """A finished ``econet plan``: folder, the candidates' network, the solution, the candidate
    table, the validation of the chosen plan (baseline and plan rows) and the budget sweep."""

    path: Path
    network: PlanNetwork
    solution: Solution
    table: pd.DataFrame
    validation: pd.DataFrame
    sweep: pd.DataFrame | None = None
    front: pd.DataFrame | None = None


def candidate_actions(study: Study, base, *, cost_raster: str | None = None, forbid: str | None = None):
    """The costed candidate actions of a run (one per distinct footprint and effect) and a mask
    of those that touch the ``forbid`` layer's polygons."""
    from econet.scenarios import footprint

    scenarios = [s for s in study_scenarios(study, base) + generated_scenarios(study, base) if s.generator != "random"]
    if study.optimise is not None:
        scenarios = [priced(s, study.optimise.costs, base) for s in scenarios]
    raster = None
    if cost_raster is not None:
        if cost_raster not in base.rasters and cost_raster not in study.layers:
            raise StudyError(
                [Problem("--cost-raster", f"no layer named {cost_raster!r}; use one of {sorted(study.layers)}")]
            )
        raster = np.asarray(base.rasters.get(cost_raster), dtype=float)
    seen, actions, uncosted = set(), [], set()
    for s in scenarios:
        for a in s.actions:
            key = (a.kind, a.cells.tobytes(), a.to_class, a.resistance, a.source, a.link)
            if key in seen:
                continue
            seen.add(key)
            if a.cost is None and raster is not None:
                a = dataclasses.replace(a, cost=float(np.nansum(raster.ravel()[a.cells])))
            if a.cost is None:
                uncosted.add(a.kind)
                continue
            actions.append(dataclasses.replace(a, label=a.label or f"{s.name} {a.kind}"))
    if uncosted:
        raise StudyError(
            [
                Problem(
                    "optimise.costs",
                    f"actions of kind {sorted(uncosted)} have no cost: give per_ha or each for them, "
                    "a cost on the action, or --cost-raster",
                )
            ]
        )
    if not actions:
        raise StudyError(
            [Problem("optimise.generators", "the run gives no candidate action; add generators or [[scenarios]]")]
        )
    forbidden = np.zeros(len(actions), bool)
    if forbid is not None:
        cells = footprint(list(base.vector(forbid).geometry), base.grid, all_touched=False)
        forbidden = np.array([np.isin(a.cells, cells).any() for a in actions])
    return actions, forbidden


def carbon_gains(base, actions) -> np.ndarray | None:
    """Per action, the carbon sink (t/a) its restoration adds: over the degraded cells of its
    footprint restored to a class, the class's mean sink in the baseline minus the cell's, at
    least 0 (the sink of a cell follows its land cover: ``[indicators]`` carbon_sink). None
    when the run has no carbon sink raster."""
    sink = base.rasters.get("carbon_sink")
    if sink is None:
        return None
    sink = np.asarray(sink, dtype=float).ravel()
    lc = base.landcover.ravel()
    habitat = np.isin(lc, base.habitat_codes())
    means: dict[int, float] = {}
    out = np.zeros(len(actions))
    for o, a in enumerate(actions):
        if a.to_class is None:
            continue
        if a.to_class not in means:
            cells = (lc == a.to_class) & np.isfinite(sink)
            means[a.to_class] = float(sink[cells].mean()) if cells.any() else 0.0
        cells = a.cells[(lc[a.cells] >= 0) & ~habitat[a.cells]]
        now = np.nan_to_num(sink[cells])
        out[o] = float(np.clip(means[a.to_class] - now, 0, None).sum())
    return out


def marginal_eca(inst, chosen) -> np.ndarray:
    """Per option: the ECA (√PCnum, area units) the plan loses without it; NaN when not chosen."""
    full = np.sqrt(inst.pc_num(chosen))
    out = np.full(inst.n_options, np.nan)
    for o in np.flatnonzero(chosen):
        less = chosen.copy()
        less[o] = False
        out[o] = full - np.sqrt(inst.pc_num(less))
    return out


def plan_study(
    study: Study,
    out_dir,
    budget: float,
    *,
    solver: str = "mip",
    time_limit: float = 600.0,
    gap: float = 0.0,
    forbid: str | None = None,
    cost_raster: str | None = None,
    sweep: int = 0,
    front: int = 0,
    reuse=(),
    quiet: bool = False,
    study_path: str | None = None,
) -> PlanRun:
    """Run (or reuse) the baseline, choose the plan and run it (see the module docstring)."""
    from econet.io import write_csv, write_vector
    from econet.io.atomic import write_text

    out = Path(out_dir)
    baseline = run_study(study, out / "baseline", quiet=quiet, study_path=study_path, reuse=tuple(reuse))
    base = baseline_of(study, baseline)
    actions, forbidden = candidate_actions(study, base, cost_raster=cost_raster, forbid=forbid)
    net = plan_network(base, actions, distance=study.connectivity.distance)
    kw = {"time_limit": time_limit, "gap": gap} if solver == "mip" else {}
    sol = solve(net.instance, budget, solver, forbidden=forbidden, **kw)
    table = candidates_table(net, sol.chosen, base.grid, marginal_eca(net.instance, sol.chosen))
    table.insert(table.columns.get_loc("chosen"), "forbidden", forbidden)
    write_csv(out / "plan.csv", table)
    chosen = [a for a, c in zip(actions, sol.chosen) if c]
    if chosen:
        _write_layer(out / "plan.gpkg", chosen, table, base.grid, write_vector)
    _map(out / "plan.png", base, chosen)
    summary = {
        "budget": float(budget),
        "solver": solver,
        "candidates": len(actions),
        "forbidden": int(forbidden.sum()),
        "chosen": int(sol.chosen.sum()),
        "cost": sol.cost,
        "ECA_km2_before": float(np.sqrt(net.instance.pc_num())),
        "ECA_km2_planned": sol.eca,
        "gap": sol.gap,
        "status": sol.status,
    }
    result_sweep = result_front = None
    carbon = carbon_gains(base, actions)
    if carbon is not None:
        table.insert(table.columns.get_loc("chosen"), "carbon_t_a", carbon)
        write_csv(out / "plan.csv", table)
        summary["carbon_t_a_planned"] = float(carbon[sol.chosen].sum())
    if front:
        if carbon is None:
            raise StudyError([Problem("indicators.models", 'the ECA-carbon front needs "carbon_sink" in the models')])
        rob = study.robustness
        robustness = functools.partial(
            targeted_area, net.instance, by=rob.targeted_by, recalculate=rob.recalculate, recovery=rob.recovery
        )
        result_front = pareto_front(
            net.instance, budget, carbon, steps=front, robustness=robustness, forbidden=forbidden, **kw
        )
        result_front = result_front.rename(columns={"second": "carbon_t_a", "robustness": "targeted_S_area"})
        write_csv(out / "plan_front.csv", result_front.drop(columns=["time_s"]))
        _front_figure(out / "plan_front.png", result_front)
    if sweep:
        algorithms = (solver,) if solver != "mip" else ("mip", "greedy-incremental")
        budgets = [budget * (i + 1) / sweep for i in range(sweep)]
        result_sweep = budget_sweep(net.instance, budgets, algorithms, forbidden=forbidden, **kw)
        write_csv(out / "plan_sweep.csv", result_sweep.drop(columns=["time_s"]))
        _sweep_figure(out / "plan_sweep.png", result_sweep)
    # the chosen plan as an ordinary scenario, reusing the baseline's stages
    scenario = Scenario("plan", tuple(chosen), "plan", f"budget {budget:g}")
    stages = tuple(s for s in STAGES if s.name not in ("report", "circuit"))
    run = run_scenario(study, scenario, base, out, stages=stages, quiet=quiet, study_path=study_path)
    rows = {"baseline": {"actions": 0, "cost": 0.0, **Outcome.of(baseline).measures}}
    rows["plan"] = {"actions": len(chosen), "cost": sol.cost, **Outcome.of(run).measures}
    validation = validation_table(rows)
    write_csv(out / "validation.csv", validation)
    summary["ECA_km2_run"] = float(validation.set_index("scenario").loc["plan", "ECA_km2"])
    write_text(out / "plan.json", json.dumps(summary, indent=2) + "\n")
    return PlanRun(out, net, sol, table, validation, result_sweep, result_front)


def _write_layer(path, chosen, table, grid, write_vector):
    """The chosen actions' footprints (``econet.optimise.action_layer``) with the plan's columns."""
    layer = action_layer(Scenario("plan", tuple(chosen)), grid)
    rows = table[table["chosen"]].drop(columns=["chosen", "kind", "label"]).reset_index(drop=True)
    extra = rows.drop(columns=[c for c in rows.columns if c in layer.columns and c != "cost"])
    layer = layer.drop(columns=["cost"]).join(extra)
    write_vector(path, {"plan": layer})


@draws_figure
def _map(path, base, chosen):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from econet.io.atomic import write_png

    img = np.zeros(base.grid.shape, np.uint8)
    img[base.sources.labels > 0] = 1
    for a in chosen:
        img.ravel()[a.cells] = 2
    fig, ax = plt.subplots(figsize=(6, 6))
    cmap = matplotlib.colors.ListedColormap(["#f2f0e6", "#4a9a4a", "#d7301f"])
    ax.imshow(img, cmap=cmap, vmin=0, vmax=2, interpolation="nearest")
    ax.set_title(f"Chosen actions ({len(chosen)}, red) and sources (green)")
    ax.set_axis_off()
    write_png(path, fig, dpi=110, bbox_inches="tight")
    plt.close(fig)


@draws_figure
def _sweep_figure(path, table):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from econet.io.atomic import write_png

    fig, ax = plt.subplots(figsize=(6, 4))
    for alg, t in table.groupby("algorithm", sort=True):
        ax.plot(t["budget"], t["ECA"], marker="o", label=alg)
    ax.set_xlabel("budget")
    ax.set_ylabel("ECA (km²)")
    ax.legend()
    write_png(path, fig, dpi=110, bbox_inches="tight")
    plt.close(fig)


@draws_figure
def _front_figure(path, table):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from econet.io.atomic import write_png

    fig, ax = plt.subplots(figsize=(6, 4))
    points = ax.scatter(table["carbon_t_a"], table["ECA"], c=table["targeted_S_area"], cmap="viridis", zorder=2)
    ax.plot(table["carbon_t_a"], table["ECA"], color="0.7", zorder=1)
    fig.colorbar(points, ax=ax, label="robustness (targeted-attack S area)")
    ax.set_xlabel("carbon sink added (t/a)")
    ax.set_ylabel("ECA (km²)")
    ax.set_title("Plans within the budget: non-dominated in ECA, carbon and robustness")
    write_png(path, fig, dpi=110, bbox_inches="tight")
    plt.close(fig)


__all__ = ["PlanRun", "candidate_actions", "carbon_gains", "marginal_eca", "plan_study"]
