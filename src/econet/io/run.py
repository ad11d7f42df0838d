"""The run folder: products, a stage cache and ``manifest.json`` (docs/methods/run-folder.md).

A stage's cache entry is keyed by a hash of everything it depends on (the study sections it
reads, the checksums of the input files they name, the digests of the upstream results it
consumes, econet's version; see ``econet.pipeline``). An unchanged key with its products present
means the stage is reused.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
import platform
from importlib import metadata
from pathlib import Path

import numpy as np

from econet.io.atomic import atomic_path, link_or_copy, write_json

MANIFEST = "manifest.json"
CACHE_DIR = ".cache"
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
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(type(value).__qualname__.encode())
        for f in dataclasses.fields(value):
            _feed(h, f.name)
            _feed(h, getattr(value, f.name))
    else:
        h.update(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


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

    def cached(self, stage: str, key: str):
        """The stage's cached result if its key matches and all its products exist, else None."""
        entry = self.previous.get("stages", {}).get(stage)
        pkl = self.path / CACHE_DIR / f"{stage}.pkl"
        if not entry or entry.get("key") != key or not pkl.exists():
            return None
        if not all((self.path / p).exists() for p in entry.get("products", [])):
            return None
        try:
            with open(pkl, "rb") as f:
                stored_key, result = pickle.load(f)
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
        link_or_copy(other.path / CACHE_DIR / f"{stage}.pkl", self.path / CACHE_DIR / f"{stage}.pkl")
        return result, entry

    def store(self, stage: str, key: str, result) -> None:
        with atomic_path(self.path / CACHE_DIR / f"{stage}.pkl") as tmp:
            with open(tmp, "wb") as f:
                pickle.dump((key, result), f, protocol=pickle.HIGHEST_PROTOCOL)

    def save_manifest(self, manifest: dict) -> None:
        self.manifest = manifest
        write_json(self.path / MANIFEST, manifest)
