"""What every subcommand shares: turning user errors into a report and exit code 2."""

from __future__ import annotations

import contextlib
import errno
import os
import warnings

import click
import typer

from econet.errors import EconetError, EconetWarning, StudyError

# Where a genuine internal error (exit code 1) is to be reported.
REPORT_TO = "the econet issue tracker (the repository econet was installed from)"

# OS errors caused by the user's files or machine, not by econet: reported as exit code 2.
_USER_ERRNOS = {
    errno.EACCES: "permission denied; give a path you can write to (or read)",
    errno.EPERM: "permission denied; give a path you can write to (or read)",
    errno.EROFS: "the file system is read-only; give a path on a writable disk",
    errno.ENOSPC: "the disk is full; free some space or give a path on another disk, then run again",
    errno.EDQUOT: "the disk quota is exceeded; free some space, then run again",
    errno.ENOTDIR: "a part of the path is a file, not a folder; give another path",
    errno.EISDIR: "is a folder, not a file; give a file path",
    errno.EEXIST: "exists and is not a folder; give another path",
    errno.ENOENT: "does not exist; check the path",
    errno.ENAMETOOLONG: "the path is too long; give a shorter one",
    errno.ELOOP: "the path loops through symbolic links; give another path",
}


SCHEDULER_HELP = (
    "address of a Dask scheduler (tcp://host:8786) that runs the per-source and per-pair tasks; "
    "default: the study's [run] scheduler, else two threads here"
)


@contextlib.contextmanager
def on_scheduler(address: str | None):
    """Run the tasks started inside on the Dask scheduler at ``address`` (``--scheduler``); a
    malformed address is a user error."""
    from econet.tasks import check_address, scheduler

    if address is not None:
        try:
            check_address(address)
        except ValueError as exc:
            raise EconetError(str(exc)) from None
    with scheduler(address):
        yield


def console(*, stderr: bool = False, quiet: bool = False, soft_wrap: bool = False):
    """A rich console, imported on use: rich costs start-up time that ``--help`` does not need."""
    from rich.console import Console

    return Console(stderr=stderr, quiet=quiet, soft_wrap=soft_wrap)


def done(message: str, *, err: bool = False) -> None:
    """Print '✓ message' (the check mark green on a terminal) without loading rich."""
    typer.secho("✓ ", fg="green", nl=False, err=err)
    typer.echo(message, err=err)


def _error(message: str, code: int) -> typer.Exit:
    from rich.markup import escape  # messages may hold [brackets], e.g. [layers.dem]

    label = "error" if code == 2 else "internal error"
    console(stderr=True, soft_wrap=True).print(f"[bold red]{label}:[/bold red] {escape(message)}", highlight=False)
    return typer.Exit(code)


def os_error_message(exc: OSError) -> str | None:
    """A user's message for an OS error caused by a path or the machine, else None."""
    hint = _USER_ERRNOS.get(exc.errno)
    if hint is None:
        return None
    where = exc.filename if exc.filename is not None else ""
    return f"{os.fsdecode(where)}: {hint}" if where else f"{exc.strerror}: {hint}"


@contextlib.contextmanager
def user_errors():
    """Show a user error (an EconetError, a path or disk problem, memory running out) as a short
    report and exit with code 2; an interruption with 130; anything else is econet's fault:
    exit code 1 with where to report it. Never a traceback. Warnings of what econet repaired or
    left out (``EconetWarning``) are shown as notes."""
    shown = warnings.showwarning

    def note(message, category, *args, **kwargs):
        if issubclass(category, EconetWarning):
            typer.echo(f"note: {message}", err=True)
        else:
            shown(message, category, *args, **kwargs)

    warnings.showwarning = note
    try:
        yield
    except KeyboardInterrupt:
        typer.echo("interrupted; finished stages are kept and a rerun reuses them", err=True)
        raise typer.Exit(130) from None
    except Exception as exc:
        if _is_click(exc):  # typer's own exits and usage errors: it reports them itself
            raise
        raise _report(exc) from None
    finally:
        warnings.showwarning = shown


def _is_click(exc: BaseException) -> bool:
    """typer's exits and usage errors (typer may carry its own copy of click)."""
    return isinstance(exc, (click.exceptions.ClickException, click.exceptions.Exit)) or any(
        c.__module__.endswith("click.exceptions") for c in type(exc).__mro__
    )


def _report(exc: Exception) -> typer.Exit:
    """Print the report of an exception; return the exit to raise (see :func:`user_errors`)."""
    if isinstance(exc, StudyError):
        from rich.markup import escape

        err = console(stderr=True, soft_wrap=True)  # long paths must not be broken mid-line
        n = len(exc.problems)
        err.print(f"[bold red]{escape(exc.source)}: {n} problem{'s' if n != 1 else ''}[/bold red]")
        for p in exc.problems:
            err.print(f"  [bold]{escape(p.where)}[/bold]: {escape(p.message)}", highlight=False)
        return typer.Exit(2)
    if isinstance(exc, EconetError):
        return _error(str(exc), 2)
    if isinstance(exc, OSError) and (message := os_error_message(exc)) is not None:
        return _error(message, 2)
    if isinstance(exc, MemoryError):
        return _error(
            "not enough memory for this grid; set a coarser study.cell_size_m, clip the layers, "
            "or run on a machine with more memory",
            2,
        )
    return _internal(exc)  # econet's own fault: say so and where to report it


def _internal(exc: BaseException) -> typer.Exit:
    """Exit code 1 for a genuine internal error: the error in one line, the traceback in a file
    to attach to the report."""
    import tempfile
    import traceback

    text = "".join(traceback.format_exception(exc))
    try:
        fd, path = tempfile.mkstemp(prefix="econet-error-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        saved = f"; the details are in {path}"
    except OSError:
        saved = ""
    return _error(
        f"{type(exc).__name__}: {exc}. This is a bug in econet, not in your input{saved}. "
        f"Please report it at {REPORT_TO} with the command you ran",
        1,
    )


def window_options(study, window_size: int | None, memory_mb: float | None):
    """The study with ``--window-size`` / ``--memory`` in its ``[run]`` section (they override it);
    a bad value is a study error naming the flag."""
    if window_size is None and memory_mb is None:
        return study
    from econet.errors import Problem, StudyError

    if window_size is not None and window_size < 16:
        raise StudyError([Problem("--window-size", f"must be at least 16 cells, got {window_size}")])
    if memory_mb is not None and not memory_mb > 0:
        raise StudyError([Problem("--memory", f"must be a positive number of megabytes, got {memory_mb}")])
    run = study.run.model_copy(update={"window_cells": window_size, "max_memory_mb": memory_mb})
    return study.model_copy(update={"run": run})


WINDOW_HELP = "side (cells) of the windows raster stages compute on; bounds their memory, changes no product"
MEMORY_HELP = "working memory (MB) of the raster stages: sets the window size (see [run] in the study)"
