"""``econet run STUDY.toml``: run a study end to end into a run folder."""

from __future__ import annotations

from pathlib import Path

import typer

from econet.cli._common import MEMORY_HELP, SCHEDULER_HELP, WINDOW_HELP, on_scheduler, user_errors, window_options

NAME = "run"


def main(
    study: Path = typer.Argument(..., help="study TOML file"),
    out: Path = typer.Option(None, "--out", "-o", help="run folder (default: runs/<study file name>)"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress output; only the report's path"),
    embed_images: bool = typer.Option(
        False,
        "--embed-images",
        help="embed the figures in report.html (one self-contained file); the study key report.embed_images",
    ),
    window_size: int = typer.Option(None, "--window-size", help=WINDOW_HELP),
    memory: float = typer.Option(None, "--memory", help=MEMORY_HELP),
    scheduler: str | None = typer.Option(None, "--scheduler", help=SCHEDULER_HELP),
) -> None:
    """Run a study: sources, resistance, corridors, network, robustness and the HTML report; a
    study with [series] runs each year into OUT/<year>/ and compares them in OUT/series/."""
    from econet.config import load_study

    with user_errors(), on_scheduler(scheduler):
        s = window_options(load_study(study), window_size, memory)
        if embed_images:
            s = s.model_copy(update={"report": s.report.model_copy(update={"embed_images": True})})
        out = out or Path("runs") / study.stem
        if s.series is not None:
            from econet.timeline import run_series

            series = run_series(s, out, quiet=quiet, study_path=str(study.resolve()))
            typer.echo(f"report: {series.path / 'report.html'}")  # even with --quiet: where to look
            return
        from econet.pipeline import run_study

        run = run_study(s, out, quiet=quiet, study_path=str(study.resolve()))
    for note in run.folder.manifest.get("notes", []):
        typer.echo(f"note: {note}", err=True)
    typer.echo(f"report: {run.product('report.html')}")
