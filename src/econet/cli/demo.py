"""``econet demo``: generate the synthetic mining city and run the whole pipeline on it."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from econet.cli._common import MEMORY_HELP, WINDOW_HELP, console, user_errors, window_options

NAME = "demo"


def main(
    size: int = typer.Option(1500, "--size", help="cells per side (30 m cells; 1500 = 45 km)"),
    seed: int = typer.Option(0, "--seed", help="random seed; the same seed gives the same city"),
    out: Path = typer.Option(Path("econet-demo"), "--out", "-o", help="output folder"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress output"),
    preset: str | None = typer.Option(
        None, "--preset", help="run a published study's method instead: seed000, seed001, seed002, seed003, seed004"
    ),
    window_size: int = typer.Option(None, "--window-size", help=WINDOW_HELP),
    memory: float = typer.Option(None, "--memory", help=MEMORY_HELP),
) -> None:
    """Generate the synthetic mining city and run the full pipeline to an HTML report."""
    from econet.config import load_study
    from econet.demo import generate_city, write_city
    from econet.io import write_text
    from econet.pipeline import run_study
    from econet.presets import demo_study_text, study_preset_names, study_preset_text

    err = console(stderr=True, quiet=quiet)
    if size < 100:
        err.print("[red]error:[/red] --size must be at least 100 cells")
        raise typer.Exit(2)
    if preset is not None and preset not in study_preset_names():
        err.print(f"[red]error:[/red] --preset {preset!r} is not a study preset; choose one of {study_preset_names()}")
        raise typer.Exit(2)
    with user_errors():
        from econet.io.run import check_room

        check_room(size * size, out)  # the city's layers and the run, before minutes of work
        data, study_path = out / "data", out / "study.toml"
        t0 = time.perf_counter()
        with err.status(f"generating the mining city ({size} x {size} cells, seed {seed})"):
            write_city(generate_city(size=size, seed=seed), data)
        err.print(f"[green]✓[/green] {'Synthetic mining city':<36} {time.perf_counter() - t0:6.1f} s")
        text = demo_study_text(study_path, data) if preset is None else study_preset_text(preset, study_path, data)
        write_text(study_path, text)
        run = run_study(
            window_options(load_study(study_path), window_size, memory),
            out / "run",
            quiet=quiet,
            study_path=str(study_path.resolve()),
        )
    if not quiet:
        typer.echo(f"report: {run.product('report.html')}")
