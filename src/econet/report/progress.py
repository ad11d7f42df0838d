"""Progress display for pipeline stages (rich), silent with ``quiet``."""

from __future__ import annotations

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


class StageProgress:
    """One spinner line per running stage and a tick with its time when it finishes."""

    def __init__(self, quiet: bool = False, console: Console | None = None):
        self.quiet = quiet
        self.console = console or Console(stderr=True)
        self._progress = None
        self._task = None

    def __enter__(self):
        if not self.quiet:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self._progress.__enter__()
        return self

    def __exit__(self, *exc):
        if self._progress is not None:
            self._progress.__exit__(*exc)

    def start(self, title: str) -> None:
        if self._progress is not None:
            self._task = self._progress.add_task(title, total=None)

    def done(self, title: str, seconds: float, cached: bool = False) -> None:
        if self._progress is None:
            return
        if self._task is not None:
            self._progress.remove_task(self._task)
            self._task = None
        note = "[dim]reused[/dim]" if cached else f"{seconds:6.1f} s"
        self._progress.console.print(f"[green]✓[/green] {title:<36} {note}")
