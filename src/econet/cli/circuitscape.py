"""``econet circuitscape CONFIG.ini``: a drop-in for Circuitscape users.

Reads a Circuitscape .ini (paths relative to the working directory, as Circuitscape resolves
them) and writes the outputs Circuitscape would, with its file names and formats.
"""

from __future__ import annotations

import time
from pathlib import Path

import typer

from econet.cli._common import done, user_errors

NAME = "circuitscape"


def main(
    config: Path = typer.Argument(..., help="Circuitscape .ini file"),
    solver: str = typer.Option(
        "auto",
        help="auto (direct factorisation while it fits in memory, about 2.6 kB a node; AMG-CG beyond), direct, amg, "
        "or ini (follow the .ini's solver key: cholmod -> direct, cg+amg -> amg)",
    ),
    quiet: bool = typer.Option(False, "--quiet", help="print nothing on success"),
) -> None:
    """Run a Circuitscape .ini and write Circuitscape's outputs."""
    from econet.circuit.ini import CircuitscapeError
    from econet.circuit.run import run_circuitscape

    with user_errors():
        if solver not in ("auto", "direct", "amg", "ini"):
            raise CircuitscapeError(f"--solver {solver!r}: use auto, direct, amg or ini")
        if not config.exists():
            raise CircuitscapeError(f"{config} does not exist")
        t0 = time.perf_counter()
        summary = run_circuitscape(config, solver=solver)
        seconds = time.perf_counter() - t0
    if not quiet:
        done(
            f"{summary.mode}: {summary.nodes} nodes, solver {summary.solver}, "
            f"{len(summary.written)} file(s) written in {seconds:.2f} s"
        )
