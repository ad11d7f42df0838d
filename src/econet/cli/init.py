"""``econet init``: write a commented example study that runs on the demo layers."""

from __future__ import annotations

from pathlib import Path

import typer

from econet.cli._common import console, user_errors
from econet.errors import EconetError

NAME = "init"


def main(
    study: Path = typer.Argument(Path("study.toml"), help="where to write the study file"),
    data: Path = typer.Option(
        Path("econet-demo/data"), "--data", help="folder of the demo layers (generated if absent)"
    ),
    size: int = typer.Option(600, "--size", help="demo size in cells per side, if the layers must be generated"),
    seed: int = typer.Option(0, "--seed", help="demo seed, if the layers must be generated"),
    force: bool = typer.Option(False, "--force", help="overwrite an existing study file"),
    preset: str | None = typer.Option(
        None, "--preset", help="a published study's method: seed000, seed001, seed002, seed003 or seed004"
    ),
) -> None:
    """Write a commented example study, or a published study's method (--preset), and the demo
    layers it reads, if missing."""
    from econet.io.atomic import write_text
    from econet.presets import demo_study_text, study_preset_names, study_preset_text

    out = console()
    with user_errors():
        if preset is not None and preset not in study_preset_names():
            raise EconetError(f"--preset {preset!r} is not a study preset; choose one of {study_preset_names()}")
        if study.exists() and not force:
            raise EconetError(f"{study} exists; pass --force to overwrite it or give another path")
        if not (data / "layers" / "landcover.tif").exists():
            if size < 100:
                raise EconetError(f"--size must be at least 100 cells, got {size}")
            from econet.io.run import check_room

            check_room(size * size, data)
            from econet.demo import generate_city, write_city

            out.print(f"generating demo layers ({size} x {size} cells, seed {seed}) in {data}", markup=False)
            write_city(generate_city(size=size, seed=seed), data)
        text = demo_study_text(study, data) if preset is None else study_preset_text(preset, study, data)
        write_text(study, text)
    out.print(f"wrote {study}; next: econet validate {study} && econet run {study}", markup=False)
