"""``econet validate STUDY.toml``: check a study and its inputs without running it."""

from __future__ import annotations

from pathlib import Path

import typer

from econet.cli._common import done, user_errors

NAME = "validate"


def main(study: Path = typer.Argument(..., help="study TOML file")) -> None:
    """Check a study file and the layers it names; report every problem at once."""
    from econet.config import landscape_of, load_study

    with user_errors():
        s = load_study(study)
        landscape = landscape_of(s)
    g = landscape.grid
    done(
        f"{study} is valid: {len(s.layers)} raster and {len(s.vectors)} vector layer(s); "
        f"grid {g.width} x {g.height} at {g.cell_size_m:g} m in {g.crs.to_string()}"
    )
