"""Progress display for pipeline stages (rich), silent with ``quiet``.

On a terminal: one line per running stage, with a bar, the percentage and the time left while
the stage counts its steps (``econet.steps``: one search per source, one solve per pair, one
attack per repeat), and a tick with its time when it finishes. Piped into a file or another
program: a plain line when a stage starts, at each quarter of its counted steps and when it ends,
each written as it happens.
"""

from __future__ import annotations

import time

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Column

from econet.steps import listening


def _left(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


class StageProgress:
    """Progress of the stages of a run (see the module docstring); ``start``/``done`` per stage,
    the steps of the running stage through :func:`econet.steps.listening`."""

    def __init__(self, quiet: bool = False, console: Console | None = None):
        self.quiet = quiet
        self.console = console or Console(stderr=True)
        self.live = not quiet and self.console.is_terminal
        self._progress = None
        self._task = None
        self._listen = None
        self._quarter = -1
        self._t0 = 0.0

    def __enter__(self):
        if self.live:
            self._progress = Progress(
                SpinnerColumn(),
                # the description gives way (ellipsis) on a narrow terminal, never the numbers
                TextColumn("{task.description}", table_column=Column(ratio=1, no_wrap=True, overflow="ellipsis")),
                BarColumn(bar_width=20),
                TaskProgressColumn(),
                TextColumn("left"),
                TimeRemainingColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
                expand=True,
            )
            self._progress.__enter__()
        if not self.quiet:
            self._listen = listening(self.step)
            self._listen.__enter__()
        return self

    def __exit__(self, *exc):
        if self._listen is not None:
            self._listen.__exit__(*exc)
        if self._progress is not None:
            self._progress.__exit__(*exc)

    def _print(self, text: str) -> None:
        self.console.print(text, highlight=False, soft_wrap=True)  # a log line is never cut in two

    def start(self, title: str) -> None:
        self._quarter, self._t0 = -1, time.perf_counter()
        if self._progress is not None:
            self._task = self._progress.add_task(escape(title), total=None)
        elif not self.quiet:
            self._print(f"… {escape(title)}")

    def step(self, what: str, done: int, total: int) -> None:
        """``done`` of ``total`` steps of ``what`` in the running stage (an ``econet.steps`` listener)."""
        if self.quiet or total <= 0:
            return
        if self._progress is not None and self._task is not None:
            if done == 0:  # a new count: the bar and its time left start again
                self._progress.reset(self._task, total=total, completed=0)
            # the count's own name ("least-cost searches (one per source)"): on an 80-column
            # terminal the stage's title before it would push it out of sight
            self._progress.update(self._task, description=escape(what), total=total, completed=done)
        elif self._progress is None:
            if done == 0:
                self._t0 = time.perf_counter()
            quarter = 4 * done // total
            if done and quarter > self._quarter:
                elapsed = time.perf_counter() - self._t0
                left = f", about {_left(elapsed * (total - done) / done)} left" if done < total else ""
                self._print(f"  {escape(what)}: {100 * done // total} % ({done} of {total}){left}")
            self._quarter = 0 if done == 0 else max(self._quarter, quarter)

    def done(self, title: str, seconds: float, cached: bool = False) -> None:
        if self.quiet:
            return
        if self._progress is not None and self._task is not None:
            self._progress.remove_task(self._task)
        self._task = None
        note = "[dim]reused[/dim]" if cached else f"{seconds:6.1f} s"
        self._print(f"[green]✓[/green] {escape(title):<36} {note}")
