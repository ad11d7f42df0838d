"""``econet demo``: generate the synthetic mining city and run the whole pipeline on it."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from econet.cli._common import console, user_errors

NAME = "demo"
CITY_MAX = 4000  # the city holds ~100 bytes per cell of layers in memory; larger grids are provinces


def main(
    size: int = typer.Option(1500, "--size", help="cells per side (30 m cells; 1500 = 45 km, 14000 = 420 km)"),
    seed: int = typer.Option(0, "--seed", help="random seed; the same seed gives the same city"),
    out: Path = typer.Option(Path("econet-demo"), "--out", "-o", help="output folder"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress output"),
    generate_only: bool = typer.Option(
        False, "--generate-only", help="write the data and study.toml, then stop (run it with `econet run`)"
    ),
    landscape: str = typer.Option(
        None,
        "--landscape",
        help=f"city (a mining city, every layer in memory) or province (cities, coalfields, mountains and rivers, "
        f"written strip by strip); default: city up to {CITY_MAX} cells per side, province above",
    ),
    preset: str | None = typer.Option(
        None, "--preset", help="run a published study's method instead: seed000, seed001, seed002, seed003, seed004"
    ),
) -> None:
    """Generate the synthetic mining city (or a province) and run the full pipeline to an HTML report."""
    from econet.config import load_study
    from econet.io import write_text
    from econet.pipeline import run_study
    from econet.presets import demo_study_text, study_preset_names, study_preset_text

    err = console(stderr=True, quiet=quiet)
    landscape = landscape or ("city" if size <= CITY_MAX else "province")
    if landscape not in ("city", "province"):
        err.print(f"[red]error:[/red] --landscape {landscape!r}: choose city or province")
        raise typer.Exit(2)
    least = 100 if landscape == "city" else 500
    if size < least:
        err.print(
            f"[red]error:[/red] --size must be at least {least} cells" + ("" if least == 100 else " for a province")
        )
        raise typer.Exit(2)
    if preset is not None and preset not in study_preset_names():
        err.print(f"[red]error:[/red] --preset {preset!r} is not a study preset; choose one of {study_preset_names()}")
        raise typer.Exit(2)
    if preset is not None and landscape != "city":
        err.print("[red]error:[/red] --preset runs on the mining city: use --size 4000 or less, or --landscape city")
        raise typer.Exit(2)
    with user_errors():
        from econet.io.run import check_room

        if not generate_only:
            check_room(size * size, out)  # the layers and the run, before minutes of work
        data, study_path = out / "data", out / "study.toml"
        t0 = time.perf_counter()
        if landscape == "city":
            from econet.demo import generate_city, write_city

            with err.status(f"generating the mining city ({size} x {size} cells, seed {seed})"):
                write_city(generate_city(size=size, seed=seed), data)
            title = "Synthetic mining city"
        else:
            from econet.demo import plan_province, write_province

            with err.status(f"generating the province ({size} x {size} cells, seed {seed})"):
                write_province(plan_province(size=size, seed=seed), data)
            title = "Synthetic province"
        err.print(f"[green]✓[/green] {title:<36} {time.perf_counter() - t0:6.1f} s")
        if preset is None:
            text = demo_study_text(study_path, data, landscape)
        else:
            text = study_preset_text(preset, study_path, data)
        write_text(study_path, text)
        if generate_only:
            return
        run = run_study(load_study(study_path), out / "run", quiet=quiet, study_path=str(study_path.resolve()))
    if not quiet:
        typer.echo(f"report: {run.product('report.html')}")
