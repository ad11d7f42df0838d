"""``econet demo``: generate the synthetic mining city and run the whole pipeline on it."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from econet.cli._common import MEMORY_HELP, WINDOW_HELP, console, user_errors, window_options

NAME = "demo"
DEFAULT_SIZE = 1500
CITY_MAX = 4000  # the city holds ~100 bytes per cell of layers in memory; larger grids are provinces


def default_out(size: int) -> Path:
    """The demo's folder: ``econet-demo`` at the default size, ``econet-demo-<size>`` at any
    other, so that a small trial run does not overwrite the full one."""
    return Path("econet-demo") if size == DEFAULT_SIZE else Path(f"econet-demo-{size}")


def main(
    size: int = typer.Option(DEFAULT_SIZE, "--size", help="cells per side (30 m cells; 1500 = 45 km, 14000 = 420 km)"),
    seed: int = typer.Option(0, "--seed", help="random seed; the same seed gives the same city"),
    out: Path = typer.Option(
        None, "--out", "-o", help="output folder (default: econet-demo, or econet-demo-<size> for another --size)"
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress output; only the report's path"),
    preset: str | None = typer.Option(
        None, "--preset", help="run a published study's method instead: seed000, seed001, seed002, seed003, seed004"
    ),
    window_size: int = typer.Option(None, "--window-size", help=WINDOW_HELP),
    memory: float = typer.Option(None, "--memory", help=MEMORY_HELP),
    years: str | None = typer.Option(
        None,
        "--years",
        help="generate the city in each of these years (e.g. 2000,2005,2010,2015,2020) and run it as a series",
    ),
    embed_images: bool = typer.Option(
        False, "--embed-images", help="embed the figures in report.html (one self-contained file)"
    ),
    landscape: str = typer.Option(
        None,
        "--landscape",
        help=f"city (a mining city, every layer in memory) or province (cities, coalfields, mountains and rivers, "
        f"written strip by strip); default: city up to {CITY_MAX} cells per side, province above",
    ),
    generate_only: bool = typer.Option(
        False, "--generate-only", help="write the data and study.toml, then stop (run it with `econet run`)"
    ),
) -> None:
    """Generate the synthetic mining city and run the full pipeline to an HTML report (with
    --years: the city in each year, each run, and the change between them); a city generated
    earlier in the same folder with the same seed and size is reused."""
    from econet.config import load_study
    from econet.demo import city_is_current, generate_city, write_city
    from econet.io import write_text
    from econet.pipeline import run_study
    from econet.presets import demo_study_text, study_preset_names, study_preset_text
    from econet.report.progress import StageProgress

    err = console(stderr=True)  # errors are shown even with --quiet
    landscape = landscape or ("city" if size <= CITY_MAX else "province")
    if landscape not in ("city", "province"):
        err.print(f"[red]error:[/red] --landscape {landscape!r}: choose city or province")
        raise typer.Exit(2)
    if size < 100:
        err.print("[red]error:[/red] --size must be at least 100 cells")
        raise typer.Exit(2)
    if landscape == "province" and (size < 500 or preset is not None or years is not None):
        err.print("[red]error:[/red] a province needs --size 500 or more, and takes neither --preset nor --years")
        raise typer.Exit(2)
    if preset is not None and preset not in study_preset_names():
        from rich.markup import escape

        names = ", ".join(study_preset_names())
        err.print(f"[red]error:[/red] {escape(f'--preset {preset!r} is not a study preset; choose one of {names}')}")
        raise typer.Exit(2)
    epochs = _years(years, err) if years is not None else None
    out = out or default_out(size)
    with user_errors():
        from econet.io.run import check_room

        if not generate_only:
            check_room(size * size, out)  # the city's layers and the run, before minutes of work
        data, study_path = out / "data", out / "study.toml"
        if landscape == "province":
            _province(size, seed, data, study_path, quiet)
            if generate_only:
                return
            study = window_options(load_study(study_path), window_size, memory)
            run = run_study(study, out / "run", quiet=quiet, study_path=str(study_path.resolve()))
            typer.echo(f"report: {run.product('report.html')}")
            return
        text = demo_study_text(study_path, data) if preset is None else study_preset_text(preset, study_path, data)
        if epochs is not None:
            _series(epochs, size, seed, data, study_path, text, out, quiet, (window_size, memory))
            return
        title = "Synthetic mining city"
        with StageProgress(quiet=quiet) as progress:  # shown as the pipeline's stages are
            if city_is_current(data, seed, size):
                progress.done(title, 0.0, cached=True)
            else:
                t0 = time.perf_counter()
                progress.start(f"{title} ({size} x {size} cells, seed {seed})")
                write_city(generate_city(size=size, seed=seed), data)
                progress.done(title, time.perf_counter() - t0)
        write_text(study_path, text)
        if generate_only:
            return
        study = window_options(load_study(study_path), window_size, memory)
        if embed_images:
            study = study.model_copy(update={"report": study.report.model_copy(update={"embed_images": True})})
        run = run_study(study, out / "run", quiet=quiet, study_path=str(study_path.resolve()))
    typer.echo(f"report: {run.product('report.html')}")


def _years(text: str, err) -> list[int]:
    """The years of ``--years``: integers, at least two, increasing (else exit 2 with the fix)."""
    try:
        years = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        years = []
    if len(years) < 2 or any(b <= a for a, b in zip(years, years[1:])):
        from rich.markup import escape

        err.print(
            f"[red]error:[/red] {escape(f'--years {text!r}: give two or more increasing years, e.g. 2000,2005,2010')}"
        )
        raise typer.Exit(2)
    return years


def _series(years, size, seed, data, study_path, text, out, quiet, run_options=(None, None)) -> None:
    """The city in each year (``econet.demo.generate_series``), its study with ``[series]`` and
    the series run into ``out/run/``."""
    import tomllib

    from econet.config import load_study
    from econet.demo import generate_series, series_section, write_series
    from econet.io import write_text
    from econet.report.progress import StageProgress
    from econet.timeline import run_series

    title = f"Synthetic mining city, {len(years)} years"
    with StageProgress(quiet=quiet) as progress:
        t0 = time.perf_counter()
        progress.start(f"{title} ({size} x {size} cells, seed {seed})")
        changed = write_series(generate_series(years, size=size, seed=seed), data)
        progress.done(title, time.perf_counter() - t0)
    parsed = tomllib.loads(text)
    text += series_section(changed, years, study_path, parsed.get("layers", {}), parsed.get("vectors", {}))
    write_text(study_path, text)
    study = window_options(load_study(study_path), *run_options)
    series = run_series(study, out / "run", quiet=quiet, study_path=str(study_path.resolve()))
    typer.echo(f"report: {series.path / 'report.html'}")


def _province(size, seed, data, study_path, quiet) -> None:
    """The synthetic province (``econet.demo.plan_province``), written strip by strip, and its study."""
    from econet.demo import plan_province, write_province
    from econet.io import write_text
    from econet.presets import demo_study_text
    from econet.report.progress import StageProgress

    title = "Synthetic province"
    with StageProgress(quiet=quiet) as progress:
        t0 = time.perf_counter()
        progress.start(f"{title} ({size} x {size} cells, seed {seed})")
        write_province(plan_province(size=size, seed=seed), data)
        progress.done(title, time.perf_counter() - t0)
    write_text(study_path, demo_study_text(study_path, data, "province"))
