"""What every subcommand shares: turning user errors into a report and exit code 2."""

from __future__ import annotations

import contextlib

import typer

from econet.errors import EconetError, StudyError


def console(*, stderr: bool = False, quiet: bool = False, soft_wrap: bool = False):
    """A rich console, imported on use: rich costs start-up time that ``--help`` does not need."""
    from rich.console import Console

    return Console(stderr=stderr, quiet=quiet, soft_wrap=soft_wrap)


def done(message: str, *, err: bool = False) -> None:
    """Print '✓ message' (the check mark green on a terminal) without loading rich."""
    typer.secho("✓ ", fg="green", nl=False, err=err)
    typer.echo(message, err=err)


@contextlib.contextmanager
def user_errors():
    """Show an EconetError as a short report (no traceback) and exit with code 2."""
    try:
        yield
    except StudyError as exc:
        from rich.markup import escape  # messages may hold [brackets], e.g. [[landcover.classes]]

        err = console(stderr=True, soft_wrap=True)  # long paths must not be broken mid-line
        n = len(exc.problems)
        err.print(f"[bold red]{escape(exc.source)}: {n} problem{'s' if n != 1 else ''}[/bold red]")
        for p in exc.problems:
            err.print(f"  [bold]{escape(p.where)}[/bold]: {escape(p.message)}", highlight=False)
        raise typer.Exit(2) from None
    except EconetError as exc:
        from rich.markup import escape

        console(stderr=True, soft_wrap=True).print(f"[bold red]error:[/bold red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(2) from None
