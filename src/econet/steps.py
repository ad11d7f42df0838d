"""Counted steps of long work (one search per source, one solve per pair, one attack per
repeat), reported to whoever displays progress.

Science code wraps its loop, ``for x in steps(items, "least-cost searches")``; the pipeline's
display (``econet.report.progress``) listens with :func:`listening` and shows a percentage and
the time left. Without a listener the loop runs as it would without the wrapper.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

# (what, done, total) -> None; set by the display for the duration of a stage.
Listener = Callable[[str, int, int], None]
_listener: ContextVar[Listener | None] = ContextVar("econet_steps_listener", default=None)


def steps(items: Iterable[T], what: str, total: int | None = None) -> Iterator[T]:
    """``items``, telling the listener (if any) how many of ``total`` (default ``len(items)``)
    are done after each one. Consume it on the thread that set the listener."""
    listener = _listener.get()
    if listener is None:
        yield from items
        return
    n = len(items) if total is None else int(total)  # type: ignore[arg-type]
    listener(what, 0, n)
    for i, item in enumerate(items, 1):
        yield item
        listener(what, i, n)


def counter(what: str, total: int) -> Callable[[int], None]:
    """For work whose items finish elsewhere (``econet.tasks``): a callback ``done(n)`` telling
    the listener (if any) that ``n`` of ``total`` are done. Call it on the thread that set the
    listener."""
    listener = _listener.get()
    if listener is None:
        return lambda n: None
    listener(what, 0, int(total))
    return lambda n: listener(what, int(n), int(total))


@contextlib.contextmanager
def listening(listener: Listener):
    """Send the counts of every :func:`steps` loop run inside the block to ``listener``."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


__all__ = ["counter", "listening", "steps"]
