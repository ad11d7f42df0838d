"""``econet demo``: generate the synthetic mining city and run the whole pipeline on it."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from econet.cli._common import console, user_errors

NAME = "demo"
DEFAULT_SIZE = 1500


def default_out(size: int) -> Path:
    """The demo's folder: ``econet-demo`` at the default size, ``econet-demo-<size>`` at any
    other, so that a small trial run does not overwrite the full one."""
    return Path("econet-demo") if size == DEFAULT_SIZE else Path(f"econet-demo-{size}")


def main(
    size: int = typer.Option(DEFAULT_SIZE, "--size", help="cells per side (30 m cells; 1500 = 45 km)"),
    seed: int = typer.Option(0, "--seed", help="random seed; the same seed gives the same city"),
    out: Path = typer.Option(
        None, "--out", "-o", help="output folder (default: econet-demo, or econet-demo-<size> for another --size)"
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress output; only the report's path"),
    preset: str | None = typer.Option(
        None, "--preset", help="run a published study's method instead: seed000, seed001, seed002, seed003, seed004"
    ),
    embed_images: bool = typer.Option(
        False, "--embed-images", help="embed the figures in report.html (one self-contained file)"
    ),
) -> None:
    """Generate the synthetic mining city and run the full pipeline to an HTML report; a city
    generated earlier in the same folder with the same seed and size is reused."""
    from econet.config import load_study
    from econet.demo import city_is_current, generate_city, write_city
    from econet.io import write_text
    from econet.pipeline import run_study
    from econet.presets import demo_study_text, study_preset_names, study_preset_text
    from econet.report.progress import StageProgress

    err = console(stderr=True)  # errors are shown even with --quiet
    if size < 100:
        err.print("[red]error:[/red] --size must be at least 100 cells")
        raise typer.Exit(2)
    if preset is not None and preset not in study_preset_names():
        from rich.markup import escape

        names = ", ".join(study_preset_names())
        err.print(f"[red]error:[/red] {escape(f'--preset {preset!r} is not a study preset; choose one of {names}')}")
        raise typer.Exit(2)
    out = out or default_out(size)
    with user_errors():
        from econet.io.run import check_room

        check_room(size * size, out)  # the city's layers and the run, before minutes of work
        data, study_path = out / "data", out / "study.toml"
        title = "Synthetic mining city"
        with StageProgress(quiet=quiet) as progress:  # shown as the pipeline's stages are
            if city_is_current(data, seed, size):
                progress.done(title, 0.0, cached=True)
            else:
                t0 = time.perf_counter()
                progress.start(f"{title} ({size} x {size} cells, seed {seed})")
                write_city(generate_city(size=size, seed=seed), data)
                progress.done(title, time.perf_counter() - t0)
        text = demo_study_text(study_path, data) if preset is None else study_preset_text(preset, study_path, data)
        write_text(study_path, text)
        study = load_study(study_path)
        if embed_images:
            study = study.model_copy(update={"report": study.report.model_copy(update={"embed_images": True})})
        run = run_study(study, out / "run", quiet=quiet, study_path=str(study_path.resolve()))
    typer.echo(f"report: {run.product('report.html')}")
