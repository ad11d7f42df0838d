"""``econet validate STUDY.toml``: check a study and its inputs without running it."""

from __future__ import annotations

from pathlib import Path

import typer

from econet.cli._common import done, user_errors

NAME = "validate"


def main(
    study: Path = typer.Argument(..., help="study TOML file"),
    out: Path = typer.Option(None, "--out", "-o", help="run folder to check for room (default: runs/<study name>)"),
) -> None:
    """Check a study file and the layers it names, reading their data as a run will; report every
    problem at once."""
    from econet.config import data_problems, landscape_of, load_study
    from econet.errors import Problem, StudyError
    from econet.io.run import room_problems

    with user_errors():
        s = load_study(study)
        landscape = landscape_of(s)
        g = landscape.grid
        if s.series is not None:  # every epoch's layers (the first is the study's), on one grid
            from econet.timeline import epoch_problems

            problems = epoch_problems(s, out or Path("runs") / study.stem)
        else:
            # Room first: reading the data onto a grid too large for memory is what must not happen.
            problems = [
                Problem("study.cell_size_m", p)
                for p in room_problems(g.height * g.width, out or Path("runs") / study.stem)
            ]
            problems = problems or data_problems(s, landscape)
        if problems:
            raise StudyError(problems, "inputs")
    for note in landscape.notes:
        typer.echo(f"note: {note}", err=True)
    epochs = f"; {len(s.series.years)} epochs ({', '.join(map(str, s.series.years))})" if s.series else ""
    done(
        f"{study} is valid: {len(s.layers)} raster and {len(s.vectors)} vector layer(s); "
        f"grid {g.width} x {g.height} at {g.cell_size_m:g} m in {g.crs.to_string()}{epochs}"
    )
