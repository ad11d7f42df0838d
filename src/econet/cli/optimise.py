"""``econet optimise STUDY.toml``: run the baseline and every scenario, and validate them."""

from __future__ import annotations

from pathlib import Path

import typer

from econet.cli._common import SCHEDULER_HELP, on_scheduler, user_errors

NAME = "optimise"


def main(
    study: Path = typer.Argument(..., help="study TOML file with [[scenarios]] and/or [optimise] generators"),
    out: Path = typer.Option(None, "--out", "-o", help="output folder (default: runs/<study file name>-optimise)"),
    scenario: list[str] = typer.Option(None, "--scenario", "-s", help="run only this scenario (repeatable)"),
    circuit: bool = typer.Option(False, "--circuit", help="rerun the circuit stage in every scenario too"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress output; only the report's path"),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help=SCHEDULER_HELP + "; the scenario runs go there too, so --out must be on a file system its workers share",
    ),
    scenario_workers: int | None = typer.Option(
        None,
        "--scenario-workers",
        help="scenario runs at once on this machine, each a whole run with its memory "
        "(default: the study's [run] scenario_workers, else 1); same results with any number",
    ),
) -> None:
    """Optimise a network: run the baseline and each scenario, write validation.csv and a report."""
    from econet.config import load_study
    from econet.errors import EconetError
    from econet.optimise import optimise_study

    with user_errors(), on_scheduler(scheduler):
        s = load_study(study)
        if not s.scenarios and (s.optimise is None or not s.optimise.generators):
            raise EconetError(
                f"{study} has no scenarios: add [[scenarios]] with actions, or [optimise] generators = "
                '["seec", "pfo", "ppo", "random"] (see `econet init`)'
            )
        out = out or Path("runs") / f"{study.stem}-optimise"
        res = optimise_study(
            s,
            out,
            quiet=quiet,
            study_path=str(study.resolve()),
            only=scenario or None,
            circuit=circuit,
            scenario_workers=scenario_workers,
        )
    if not quiet:
        typer.echo(f"validation: {res.path / 'validation.csv'}")
    typer.echo(f"report: {res.path / 'report.html'}")  # even with --quiet: where to look
