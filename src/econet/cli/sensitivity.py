"""``econet sensitivity STUDY.toml --samples N``: the study run with its weights and thresholds
drawn within ranges, and what the runs say together."""

from __future__ import annotations

from pathlib import Path

import typer

from econet.cli._common import user_errors

NAME = "sensitivity"


def main(
    study: Path = typer.Argument(..., help="study TOML file (ranges in its [sensitivity] section, or the defaults)"),
    samples: int = typer.Option(None, "--samples", "-n", help="number of samples (default: [sensitivity] samples, 20)"),
    seed: int = typer.Option(None, "--seed", help="random seed of the draws (default: [sensitivity] seed, 0)"),
    out: Path = typer.Option(None, "--out", "-o", help="output folder (default: runs/<study file name>-sensitivity)"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress output; only the report's path"),
) -> None:
    """Run a study many times with weights and thresholds drawn in ranges: frequency maps, spread, rank correlations."""
    from econet.config import load_study
    from econet.sensitivity import sensitivity_study

    with user_errors():
        s = load_study(study)
        out = out or Path("runs") / f"{study.stem}-sensitivity"
        res = sensitivity_study(s, out, samples=samples, seed=seed, quiet=quiet, study_path=str(study.resolve()))
    if not quiet:
        typer.echo(f"samples: {res.path / 'samples.csv'}")
    typer.echo(f"report: {res.path / 'report.html'}")  # even with --quiet: where to look
