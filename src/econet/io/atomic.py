"""Atomic writes: a product is written to a temporary file beside it, then renamed into place.

A crash or an error leaves either the previous complete file or nothing, never half a file.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import tempfile
import threading
from contextvars import ContextVar
from pathlib import Path

from econet.errors import EconetError

# Lists that collect the paths of completed writes (see ``recording``): a context variable, so
# that runs in other threads (scenario runs, econet.optimise) record their own writes only, and
# tasks started inside the block (which Dask's threads run in a copy of its context) are recorded.
_recorders: ContextVar[tuple[list[Path], ...]] = ContextVar("econet_recorders", default=())


@contextlib.contextmanager
def recording():
    """Collect the path of every file written atomically inside the block (a stage's writes,
    so that a stage that fails can remove what it wrote)."""
    written: list[Path] = []
    token = _recorders.set((*_recorders.get(), written))
    try:
        yield written
    finally:
        _recorders.reset(token)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike):
    """Yield a temporary path in the same folder; rename it to ``path`` if the block succeeds."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".part{path.suffix}", dir=path.parent)
    except OSError as exc:
        raise EconetError(f"cannot write {path}: {exc.strerror}; give a path in a folder you can write to") from None
    os.close(fd)
    os.unlink(tmp)  # writers such as GDAL want to create the file themselves
    tmp = Path(tmp)
    try:
        try:
            yield tmp
            os.replace(tmp, path)
        except Exception as exc:
            if not isinstance(exc, EconetError) and _disk_full(path.parent):
                raise EconetError(
                    f"cannot write {path}: the disk is full; free some space or write elsewhere, then run again"
                ) from exc
            raise
        for written in _recorders.get():
            written.append(path)
    finally:
        for leftover in tmp.parent.glob(tmp.name + "*"):  # the file and any sidecars (.aux.xml)
            with contextlib.suppress(OSError):
                leftover.unlink()


def _disk_full(folder: Path) -> bool:
    """Whether the disk holding ``folder`` is (nearly) full: a writer that fails there (GDAL,
    pickle, ...) failed for want of space, whatever error it raised."""
    try:
        return shutil.disk_usage(folder).free < 16 << 20
    except OSError:
        return False


def link_or_copy(src, dst) -> Path:
    """Put the file ``src`` at ``dst`` atomically: a hard link where the file system allows it
    (no bytes copied; later atomic rewrites of either path leave the other as it was), else a
    copy."""
    with atomic_path(dst) as tmp:
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)
    return Path(dst)


def write_text(path, text: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_json(path, obj) -> Path:
    return write_text(path, json.dumps(obj, indent=2, sort_keys=False, default=str) + "\n")


# pyplot keeps one registry of open figures per process, and matplotlib's artists are not
# thread-safe (matplotlib 3.11, FAQ "Working with threads"): every function that draws and saves
# a figure holds this lock from the figure's creation to its closing (see ``draws_figure``).
FIGURE_LOCK = threading.RLock()


def draws_figure(fn):
    """Decorate a function that creates, draws, saves and closes figures: it runs while no other
    thread draws one (runs in threads, such as the scenario runs of econet.optimise, draw their
    figures one at a time, with the same bytes as alone)."""

    @functools.wraps(fn)
    def drawn_alone(*args, **kwargs):
        with FIGURE_LOCK:
            return fn(*args, **kwargs)

    return drawn_alone


def write_png(path, fig, **savefig) -> Path:
    """Save a matplotlib figure as PNG, atomically and without the version stamp matplotlib
    embeds by default, so the same figure gives the same bytes."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", metadata={"Software": None}, **savefig)
    return Path(path)
