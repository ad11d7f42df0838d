"""What every subcommand shares: turning user errors into a report and exit code 2."""

from __future__ import annotations

import contextlib

import typer
from rich.console import Console

from econet.errors import EconetError, StudyError

err_console = Console(stderr=True, soft_wrap=True)  # long paths must not be broken mid-line


@contextlib.contextmanager
def user_errors():
    """Show an EconetError as a short report (no traceback) and exit with code 2."""
    try:
        yield
    except StudyError as exc:
        n = len(exc.problems)
        err_console.print(f"[bold red]{exc.source}: {n} problem{'s' if n != 1 else ''}[/bold red]")
        for p in exc.problems:
            err_console.print(f"  [bold]{p.where}[/bold]: {p.message}", highlight=False)
        raise typer.Exit(2) from None
    except EconetError as exc:
        err_console.print(f"[bold red]error:[/bold red] {exc}", highlight=False)
        raise typer.Exit(2) from None
