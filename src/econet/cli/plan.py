"""``econet plan``: the best set of restoration options for a budget (docs/methods/planner.md).

Drop-in for GECOT users (same instance files, same output JSON, plus the proven ``gap``):
    econet plan --gecot instance.json --budget 5000 --solver mip --output-json out.json
"""

from __future__ import annotations

from pathlib import Path

import typer

from econet.cli._common import done, user_errors

NAME = "plan"


def main(
    gecot: Path = typer.Option(None, "--gecot", help="a GECOT instance.json (vertices, arcs, options as CSV files)"),
    budget: float = typer.Option(..., "--budget", "-b", help="the budget, in the options' cost units"),
    solver: str = typer.Option("mip", "--solver", help="mip, greedy-incremental or greedy-decremental"),
    output_json: Path = typer.Option(None, "--output-json", "-o", help="write GECOT's output JSON here"),
    time_limit: float = typer.Option(600.0, "--time-limit", help="stop the MIP after this many seconds"),
    gap: float = typer.Option(0.0, "--gap", help="stop the MIP at this proven relative gap (0: optimal)"),
    sweep: int = typer.Option(0, "--sweep", help="also solve at N budgets from budget/N to budget"),
    sweep_csv: Path = typer.Option(None, "--sweep-csv", help="where the budget sweep table goes (CSV)"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no summary"),
) -> None:
    """Choose restoration options within a budget for the largest ECA (exact MIP or greedy)."""
    from econet.errors import EconetError

    with user_errors():
        if gecot is None:
            raise EconetError("give --gecot INSTANCE.json (planning on a study's own run is not available yet)")
        if not 0 <= gap < 1:
            raise EconetError(f"--gap {gap} must lie in [0, 1) (a relative gap; 0 asks for a proven optimum)")
        if time_limit <= 0:
            raise EconetError(f"--time-limit {time_limit} must be > 0 (seconds)")
        if sweep < 0 or (sweep and sweep_csv is None):
            raise EconetError("--sweep N needs N >= 1 and --sweep-csv FILE for its table")
        from econet.planner import ALGORITHMS, read_instance, solve
        from econet.planner import output_json as to_json
        from econet.planner.solve import check_budget

        if solver not in ALGORITHMS:
            raise EconetError(f"unknown --solver {solver!r}; use one of {', '.join(ALGORITHMS)}")
        check_budget(budget)
        inst = read_instance(gecot)
        kw = {"time_limit": time_limit, "gap": gap} if solver == "mip" else {}
        sol = solve(inst, budget, solver, **kw)
        if output_json is not None:
            import json

            from econet.io.atomic import write_text

            write_text(output_json, json.dumps(to_json(inst, gecot, sol, budget), indent=4) + "\n")
        if sweep:
            from econet.io.vector import write_csv
            from econet.planner import budget_sweep

            table = budget_sweep(inst, [budget * (i + 1) / sweep for i in range(sweep)], (solver,), **kw)
            write_csv(sweep_csv, table)
    if not quiet:
        typer.echo(f"initial PCnum  {inst.pc_num():.10g}")
        typer.echo(f"solution PCnum {sol.value:.10g} (ECA {sol.eca:.6g})")
        typer.echo(f"cost {sol.cost:.10g} of {budget:.10g}, {int(sol.chosen.sum())} options, {sol.time_s:.2f} s")
        if sol.gap is not None:
            typer.echo(f"gap {sol.gap:.3g} ({sol.status})")
        if output_json is not None:
            done(f"{output_json}")
