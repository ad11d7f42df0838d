"""The run folder: products, a stage cache and ``manifest.json`` (docs/methods/run-folder.md).

A stage's cache entry is keyed by a hash of everything it depends on (the study sections it
reads, the checksums of the input files they name, the digests of the upstream results it
consumes, econet's version; see ``econet.pipeline``). An unchanged key with its products present
and matching the checksums the manifest records means the stage is reused. A run holds a lock on
its folder, so two runs never write into one folder at once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import mmap
import os
import pickle
import platform
import re
import shutil
import threading
import weakref
from importlib import metadata
from pathlib import Path

import numpy as np

from econet.errors import EconetError
from econet.io.atomic import atomic_path, link_or_copy, write_json

MANIFEST = "manifest.json"
CACHE_DIR = ".cache"
LOCK = ".lock"
# A temporary file of ``econet.io.atomic`` (``.<name>.<8 random characters>.part<ext>``) and its
# sidecars: what an interrupted write leaves behind.
_PARTIAL = re.compile(r"^\..*\.[a-z0-9_]{8}\.part(\.[^/]*)?$")
_PACKAGES = (
    "econet",
    "numpy",
    "scipy",
    "pandas",
    "rasterio",
    "pyogrio",
    "geopandas",
    "shapely",
    "pyproj",
    "networkx",
    "numba",
    "pyguidos",
    "pydantic",
    "matplotlib",
)


def file_sha256(path, chunk: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def digest(obj) -> str:
    """Stable hash of a JSON-able object."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()[:20]


def fingerprint(value) -> str:
    """Stable digest of a stage result or one of its fields: arrays by dtype, shape and bytes,
    mappings and sequences item by item, dataclasses field by field, anything else pickled.
    Equal values give equal digests within one environment; a false difference only costs a
    rerun."""
    h = hashlib.sha256()
    _feed(h, value)
    return h.hexdigest()[:20]


def _feed(h, value) -> None:
    if isinstance(value, np.ndarray) and value.dtype != object:
        h.update(f"nd{value.dtype.str}{value.shape}".encode())
        h.update(np.ascontiguousarray(value).view(np.uint8).ravel().data)
    elif value is None or isinstance(value, (bool, int, float, str, bytes)):
        h.update(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, dict):
        h.update(f"dict{len(value)}".encode())
        for k in sorted(value, key=repr):
            _feed(h, k)
            _feed(h, value[k])
    elif isinstance(value, (list, tuple)):
        h.update(f"{type(value).__name__}{len(value)}".encode())
        for item in value:
            _feed(h, item)
    elif _is_frame(value):
        # Column by column: pickling a table of Python objects (repeated strings, geometries)
        # gives bytes that depend on object identity, so equal tables in two processes would
        # get different digests and rerun what follows them.
        h.update(f"{type(value).__name__}{value.shape}".encode())
        _feed(h, [str(c) for c in value.columns])
        _feed(h, value.index.tolist())
        crs = getattr(value, "crs", None) if hasattr(value, "geometry") else None
        _feed(h, None if crs is None else crs.to_wkt())
        for name in value.columns:
            column = value[name]
            if str(column.dtype) == "geometry":
                _feed(h, column.to_wkb().tolist())
            elif column.dtype == object:
                _feed(h, column.tolist())
            else:
                _feed(h, column.to_numpy())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(type(value).__qualname__.encode())
        for f in dataclasses.fields(value):
            _feed(h, f.name)
            _feed(h, getattr(value, f.name))
    else:
        h.update(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


# Lower bounds of what a run needs per grid cell (the cost search alone holds float64 costs,
# int32 labels and float32 resistance; products are compressed rasters): a grid that needs more
# than the machine has is refused before any work, not after minutes of it.
MEMORY_BYTES_PER_CELL = 64
DISK_BYTES_PER_CELL = 1


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux's MemAvailable), None if unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def room_problems(cells: int, out_dir=None) -> list[str]:
    """What stops a grid of ``cells`` cells from running here: memory, and the disk under
    ``out_dir`` (its nearest existing folder) when given."""
    problems = []
    need, have = cells * MEMORY_BYTES_PER_CELL, available_memory()
    if have is not None and need > have:
        problems.append(
            f"the grid has {cells:,} cells and needs at least {_size(need)} of memory, but {_size(have)} "
            "is available; set a coarser study.cell_size_m or clip the layers to the study area"
        )
    if out_dir is not None:
        folder = Path(out_dir).absolute()
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        try:
            free = shutil.disk_usage(folder).free
        except OSError:
            free = None
        need = cells * DISK_BYTES_PER_CELL
        if free is not None and need > free:
            problems.append(
                f"the grid has {cells:,} cells and its products need at least {_size(need)} of disk, but "
                f"{folder} has {_size(free)} free; free some space, write elsewhere, or set a coarser "
                "study.cell_size_m"
            )
    return problems


def check_room(cells: int, out_dir=None) -> None:
    """Raise ``EconetError`` when the grid cannot run here (see :func:`room_problems`)."""
    problems = room_problems(cells, out_dir)
    if problems:
        raise EconetError("; ".join(problems))


def _size(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.3g} {unit}"
        n /= 1024
    return f"{n:.3g} PiB"


def _is_frame(value) -> bool:
    """A pandas (or GeoPandas) DataFrame, recognised without importing pandas."""
    return any(
        c.__module__.startswith(("pandas.", "geopandas.")) and c.__name__.endswith("DataFrame")
        for c in type(value).__mro__
    )


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    try:
        import rasterio

        out["GDAL"] = rasterio.__gdal_version__
    except ImportError:
        pass
    return out


class RunFolder:
    """A run's output folder with its manifest and stage cache."""

    def __init__(self, path):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.previous = self._read_manifest()  # what the last run recorded: the cache index
        self.manifest = dict(self.previous)

    def _read_manifest(self) -> dict:
        try:
            return json.loads((self.path / MANIFEST).read_text())
        except (OSError, ValueError):
            return {}

    def product(self, relative: str) -> Path:
        return self.path / relative

    @contextlib.contextmanager
    def lock(self):
        """Hold the folder for one run: a second run into it is refused (``EconetError``) while
        this one lasts. Once held, the previous manifest is read again and the temporary files of
        interrupted writes are removed."""
        fd = os.open(self.path / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if not _try_lock(fd):
                os.lseek(fd, 0, os.SEEK_SET)
                holder = os.read(fd, 64).decode(errors="replace").strip() or "unknown"
                raise EconetError(
                    f"run folder {self.path} is in use by another econet run (process {holder}); "
                    "wait for it to finish, or give another --out"
                )
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, f"{os.getpid()}\n".encode())
            self.previous = self._read_manifest()
            self.manifest = dict(self.previous)
            self.clean_partial()
            yield self
        finally:
            os.close(fd)  # releases the lock; the file stays (removing it would race a waiting run)

    def clean_partial(self) -> list[Path]:
        """Remove the temporary files that interrupted writes left in the folder."""
        removed = []
        for p in self.path.rglob(".*"):
            if _PARTIAL.match(p.name) and p.is_file():
                with contextlib.suppress(OSError):
                    p.unlink()
                    removed.append(p)
        return removed

    def checksums(self, products) -> dict[str, str]:
        """SHA-256 of each product (paths relative to the folder), recorded in the manifest."""
        return {p: file_sha256(self.path / p) for p in products if (self.path / p).is_file()}

    def intact(self, entry: dict) -> bool:
        """Whether a stage's recorded products are all present with the checksums recorded."""
        sums = entry.get("checksums")
        if sums is None:  # a manifest that records no checksums cannot vouch for its products
            return False
        for p in entry.get("products", []):
            f = self.path / p
            if p in sums:
                if not f.is_file() or file_sha256(f) != sums[p]:
                    return False
            elif not f.exists():
                return False
        return True

    def remove(self, products) -> None:
        """Delete products (paths relative to the folder) and folders they leave empty."""
        for p in products:
            f = self.path / p
            with contextlib.suppress(OSError):
                f.unlink()
            parent = f.parent
            while parent != self.path and parent.is_relative_to(self.path):
                with contextlib.suppress(OSError):
                    parent.rmdir()  # only when empty
                parent = parent.parent

    def cached(self, stage: str, key: str):
        """The stage's cached result if its key matches and all its products exist with the
        checksums the manifest records, else None. Its large arrays are read-only views of the
        cache file (see :meth:`store`)."""
        entry = self.previous.get("stages", {}).get(stage)
        pkl = self.path / CACHE_DIR / f"{stage}.pkl"
        if not entry or entry.get("key") != key or not pkl.exists():
            return None
        if not self.intact(entry):
            return None
        try:
            stored_key, result = load_result(pkl)
        except Exception:  # a cache from another version is simply recomputed
            return None
        return result if stored_key == key else None

    def adopt(self, other: RunFolder, stage: str, key: str):
        """Reuse ``other``'s result of ``stage`` for ``key`` (another run folder of the same
        study, such as a scenario's baseline): its products and cache entry are linked into this
        folder. Returns (result, manifest entry), or None when ``other`` has no such result."""
        result = other.cached(stage, key)
        if result is None:
            return None
        entry = dict(other.previous["stages"][stage])
        for rel in entry.get("products", []):
            link_or_copy(other.path / rel, self.path / rel)
        pkl = other.path / CACHE_DIR / f"{stage}.pkl"
        arrays = _arrays_file(pkl)
        if arrays is not None:
            link_or_copy(arrays, self.path / CACHE_DIR / arrays.name)
        link_or_copy(pkl, self.path / CACHE_DIR / f"{stage}.pkl")
        return result, entry

    def store(self, stage: str, key: str, result):
        """Cache a stage's result and return it file-backed: arrays of at least
        :data:`SPILL_BYTES` go to ``<stage>.<token>.arrays`` beside the pickle (pickle protocol 5
        out-of-band buffers) and come back as read-only views of that file, so the run holds in
        memory only the pages a later stage reads (:func:`release_mapped` lets them go)."""
        cache = self.path / CACHE_DIR
        pkl = cache / f"{stage}.pkl"
        buffers = []

        def out_of_band(buf) -> bool:  # False: the buffer goes to the arrays file
            if buf.raw().nbytes < SPILL_BYTES:
                return True
            buffers.append(buf)
            return False

        stream = pickle.dumps((key, result), protocol=5, buffer_callback=out_of_band)
        layout, name = [], None
        if buffers:
            name = f"{stage}.{os.urandom(6).hex()}.arrays"
            with atomic_path(cache / name) as tmp, open(tmp, "wb") as f:
                for buf in buffers:
                    f.seek(-f.tell() % _PAGE, os.SEEK_CUR)  # page-aligned: every dtype is aligned
                    layout.append((f.tell(), buf.raw().nbytes))
                    f.write(buf.raw())
        with atomic_path(pkl) as tmp, open(tmp, "wb") as f:
            pickle.dump((_FORMAT, name, layout), f, protocol=pickle.HIGHEST_PROTOCOL)
            f.write(stream)
        for stale in cache.glob(f"{stage}.*.arrays"):  # earlier results of the stage
            if stale.name != name:
                with contextlib.suppress(OSError):
                    stale.unlink()  # a view of it still open keeps its data until released
        buffers.clear()  # the buffers hold the in-memory arrays
        return load_result(pkl)[1]

    def save_manifest(self, manifest: dict) -> None:
        self.manifest = manifest
        write_json(self.path / MANIFEST, manifest)


# A cache pickle: a header (format, arrays file name, [(offset, bytes)]) then the result's
# pickle stream, so that the header is read without the result.
_FORMAT = "econet-cache-3"
SPILL_BYTES = 1 << 20  # arrays this large live in the cache's arrays file, not in memory
_PAGE = 4096
_MAPPED: list[weakref.ref] = []  # the arrays files mapped by this process (see release_mapped)
_MAPPED_LOCK = threading.Lock()  # runs in threads (scenario runs) load results at once


def _arrays_file(pkl: Path) -> Path | None:
    """The arrays file a cache pickle refers to (None: none, or an unreadable pickle)."""
    try:
        with open(pkl, "rb") as f:
            fmt, name, _ = pickle.load(f)  # the header only
    except Exception:
        return None
    return pkl.parent / name if fmt == _FORMAT and name else None


def load_result(pkl: Path):
    """(key, result) of a cache pickle; its large arrays are read-only views of the arrays file
    (a shared read-only mapping: pages come from the page cache as they are read)."""
    with open(pkl, "rb") as f:
        fmt, name, layout = pickle.load(f)
        stream = f.read()
    if fmt != _FORMAT:
        raise ValueError(f"{pkl} is a cache of another format")
    buffers = []
    if layout:
        with open(pkl.parent / name, "rb") as f:
            mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        with _MAPPED_LOCK:
            _MAPPED[:] = [r for r in _MAPPED if r() is not None] + [weakref.ref(mapped)]
        view = memoryview(mapped)
        buffers = [view[offset : offset + n] for offset, n in layout]
    return pickle.loads(stream, buffers=buffers)


def release_mapped() -> None:
    """Let go of the pages of cached results this process has read (they stay in the page
    cache, and are read again from there when next needed): between stages, so that the memory
    a run holds is what its current stage reads, not everything earlier stages read."""
    advice = getattr(mmap, "MADV_DONTNEED", None)  # none on Windows: the pages stay mapped
    with _MAPPED_LOCK:
        refs = list(_MAPPED) if advice is not None else []
    for ref in refs:
        mapped = ref()
        if mapped is not None and not mapped.closed:
            with contextlib.suppress(OSError, ValueError):
                mapped.madvise(advice)


def _try_lock(fd: int) -> bool:
    """Take an exclusive lock on an open file without waiting; False if another process has it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
