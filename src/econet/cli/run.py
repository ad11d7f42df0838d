"""``econet run STUDY.toml``: run a study end to end into a run folder."""

from __future__ import annotations

from pathlib import Path

import typer

from econet.cli._common import SCHEDULER_HELP, on_scheduler, user_errors

NAME = "run"


def main(
    study: Path = typer.Argument(..., help="study TOML file"),
    out: Path = typer.Option(None, "--out", "-o", help="run folder (default: runs/<study file name>)"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress output"),
    scheduler: str | None = typer.Option(None, "--scheduler", help=SCHEDULER_HELP),
) -> None:
    """Run a study: sources, resistance, corridors, network, robustness and the HTML report."""
    from econet.config import load_study
    from econet.pipeline import run_study

    with user_errors(), on_scheduler(scheduler):
        s = load_study(study)
        out = out or Path("runs") / study.stem
        run = run_study(s, out, quiet=quiet, study_path=str(study.resolve()))
    for note in run.folder.manifest.get("notes", []):
        typer.echo(f"note: {note}", err=True)
    if not quiet:
        typer.echo(f"report: {run.product('report.html')}")
