"""``econet plan``: the best set of restoration options for a budget (docs/methods/planner.md).

On a study (after or with its run):
    econet plan study.toml --budget 2e6 --out runs/plan
Drop-in for GECOT users (same instance files, same output JSON, plus the proven ``gap``):
    econet plan --gecot instance.json --budget 5000 --solver mip --output-json out.json
"""

from __future__ import annotations

from pathlib import Path

import typer

from econet.cli._common import done, user_errors

NAME = "plan"


def main(
    study: Path = typer.Argument(None, help="study TOML file with [[scenarios]] and/or [optimise] generators"),
    budget: float = typer.Option(..., "--budget", "-b", help="the budget, in the options' cost units"),
    out: Path = typer.Option(None, "--out", help="output folder for a study (default: runs/<study>-plan)"),
    gecot: Path = typer.Option(None, "--gecot", help="a GECOT instance.json instead of a study"),
    solver: str = typer.Option("mip", "--solver", help="mip, greedy-incremental or greedy-decremental"),
    output_json: Path = typer.Option(None, "--output-json", "-o", help="GECOT: write GECOT's output JSON here"),
    time_limit: float = typer.Option(600.0, "--time-limit", help="stop the MIP after this many seconds"),
    gap: float = typer.Option(0.0, "--gap", help="stop the MIP at this proven relative gap (0: optimal)"),
    sweep: int = typer.Option(0, "--sweep", help="also solve at N budgets from budget/N to budget"),
    front: int = typer.Option(
        0, "--front", help="study: the front over ECA, carbon and robustness with N epsilon steps"
    ),
    sweep_csv: Path = typer.Option(None, "--sweep-csv", help="GECOT: where the budget sweep table goes (CSV)"),
    forbid: str = typer.Option(None, "--forbid", help="study: vector layer of zones no action may touch"),
    cost_raster: str = typer.Option(None, "--cost-raster", help="study: raster layer of cost per cell"),
    reuse: Path = typer.Option(None, "--reuse", help="study: a run folder whose stages may be reused"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress or summary"),
) -> None:
    """Choose restoration actions within a budget for the largest ECA (exact MIP or greedy)."""
    from econet.errors import EconetError

    with user_errors():
        if (gecot is None) == (study is None):
            raise EconetError("give a STUDY file or --gecot INSTANCE.json (one of the two)")
        if not 0 <= gap < 1:
            raise EconetError(f"--gap {gap} must lie in [0, 1) (a relative gap; 0 asks for a proven optimum)")
        if time_limit <= 0:
            raise EconetError(f"--time-limit {time_limit} must be > 0 (seconds)")
        if sweep < 0 or (sweep and gecot is not None and sweep_csv is None):
            raise EconetError("--sweep N needs N >= 1 (and, with --gecot, --sweep-csv FILE for its table)")
        from econet.planner import ALGORITHMS
        from econet.planner.solve import check_budget

        if solver not in ALGORITHMS:
            raise EconetError(f"unknown --solver {solver!r}; use one of {', '.join(ALGORITHMS)}")
        check_budget(budget)
        kw = {"time_limit": time_limit, "gap": gap} if solver == "mip" else {}
        if gecot is not None:
            inst, sol = _gecot(gecot, budget, solver, kw, output_json, sweep, sweep_csv)
        else:
            from econet.config import load_study
            from econet.plan import plan_study

            s = load_study(study)
            out = out or Path("runs") / f"{study.stem}-plan"
            res = plan_study(
                s,
                out,
                budget,
                solver=solver,
                forbid=forbid,
                cost_raster=cost_raster,
                sweep=sweep,
                front=front,
                reuse=(reuse,) if reuse else (),
                quiet=quiet,
                study_path=str(study.resolve()),
                **kw,
            )
            inst, sol = res.network.instance, res.solution
    if not quiet:
        typer.echo(f"initial PCnum  {inst.pc_num():.10g}")
        typer.echo(f"solution PCnum {sol.value:.10g} (ECA {sol.eca:.6g})")
        typer.echo(f"cost {sol.cost:.10g} of {budget:.10g}, {int(sol.chosen.sum())} options, {sol.time_s:.2f} s")
        if sol.gap is not None:
            typer.echo(f"gap {sol.gap:.3g} ({sol.status})")
        if output_json is not None:
            done(f"{output_json}")
        if study is not None:
            done(f"plan: {out / 'plan.csv'}, {out / 'plan.gpkg'}, {out / 'validation.csv'}")


def _gecot(path, budget, solver, kw, output_json, sweep, sweep_csv):
    import json

    from econet.planner import budget_sweep, read_instance, solve
    from econet.planner import output_json as to_json

    inst = read_instance(path)
    sol = solve(inst, budget, solver, **kw)
    if output_json is not None:
        from econet.io.atomic import write_text

        write_text(output_json, json.dumps(to_json(inst, path, sol, budget), indent=4) + "\n")
    if sweep:
        from econet.io.vector import write_csv

        write_csv(sweep_csv, budget_sweep(inst, [budget * (i + 1) / sweep for i in range(sweep)], (solver,), **kw))
    return inst, sol
