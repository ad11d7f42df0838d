"""Atomic writes: a product is written to a temporary file beside it, then renamed into place.

A crash or an error leaves either the previous complete file or nothing, never half a file.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from econet.errors import EconetError

# Lists that collect the paths of completed writes (see ``recording``).
_recorders: list[list[Path]] = []


@contextlib.contextmanager
def recording():
    """Collect the path of every file written atomically inside the block (a stage's writes,
    so that a stage that fails can remove what it wrote)."""
    written: list[Path] = []
    _recorders.append(written)
    try:
        yield written
    finally:
        _recorders.remove(written)


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
        for written in _recorders:
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


def write_png(path, fig, **savefig) -> Path:
    """Save a matplotlib figure as PNG, atomically and without the version stamp matplotlib
    embeds by default, so the same figure gives the same bytes."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", metadata={"Software": None}, **savefig)
    return Path(path)
