"""The ``econet`` command line: one small module per subcommand over the library."""

from __future__ import annotations

import typer

from econet.cli import circuitscape, conefor, costdistance, demo, init, mspa, run, validate

app = typer.Typer(
    name="econet",
    help="Build, analyse, optimise and validate ecological spatial networks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Study-level commands first, then the drop-ins for users of the reference tools.
for module in (demo, run, validate, init, mspa, conefor, circuitscape, costdistance):
    app.command(module.NAME, help=module.main.__doc__)(module.main)


def main() -> None:
    app()
