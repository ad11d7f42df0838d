"""The run folder: products, a stage cache and ``manifest.json`` (DESIGN.md principle 3).

A stage's cache entry is keyed by a hash of everything it depends on (its study sections,
the checksums of the input files it reads, the keys of the stages it needs, econet's
version). An unchanged key with its products present means the stage is reused.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import platform
from importlib import metadata
from pathlib import Path

from econet.io.atomic import atomic_path, write_json

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

    def store(self, stage: str, key: str, result) -> None:
        with atomic_path(self.path / CACHE_DIR / f"{stage}.pkl") as tmp:
            with open(tmp, "wb") as f:
                pickle.dump((key, result), f, protocol=pickle.HIGHEST_PROTOCOL)

    def save_manifest(self, manifest: dict) -> None:
        self.manifest = manifest
        write_json(self.path / MANIFEST, manifest)
