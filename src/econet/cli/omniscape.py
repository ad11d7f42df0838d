"""``econet omniscape CONFIG.ini``: a drop-in for Omniscape.jl users.

Reads an Omniscape .ini (paths relative to the working directory, as Omniscape.jl resolves them)
and writes its outputs, with its file names and formats, to the project_name folder.
"""

from __future__ import annotations

import time
from pathlib import Path

import typer

from econet.cli._common import done, user_errors

NAME = "omniscape"


def main(
    config: Path = typer.Argument(..., help="Omniscape.jl .ini file"),
    solver: str = typer.Option(
        "auto",
        help="auto (direct factorisation of each window while it fits in memory; AMG-CG beyond), direct, amg, "
        "or ini (follow the .ini's solver key: cg+amg -> amg, cholmod -> direct)",
    ),
    quiet: bool = typer.Option(False, "--quiet", help="print nothing on success"),
) -> None:
    """Run an Omniscape.jl .ini (moving-window circuit theory) and write Omniscape's outputs."""
    from econet.circuit.omniscape_ini import OmniscapeError, run_omniscape

    with user_errors():
        if solver not in ("auto", "direct", "amg", "ini"):
            raise OmniscapeError(f"--solver {solver!r}: use auto, direct, amg or ini")
        if not config.exists():
            raise OmniscapeError(f"{config} does not exist")
        t0 = time.perf_counter()
        run = run_omniscape(config, solver=solver)
        seconds = time.perf_counter() - t0
    if not quiet:
        done(f"{run.targets} moving windows, {len(run.written)} file(s) written to {run.folder} in {seconds:.2f} s")
