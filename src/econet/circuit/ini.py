"""Circuitscape's files: the .ini, its input grids and lists, and its outputs (names, formats).

This is the drop-in layer behind ``econet circuitscape CONFIG.ini``. Paths in the .ini are
relative to the working directory, as Circuitscape resolves them. Outputs follow
Circuitscape.jl: ``<base>_resistances.out`` (matrix, focal IDs on row and column 0, -1 for
pairs not connected), ``<base>_resistances_3columns.out``, ESRI ASCII grids
``<base>_curmap_<a>_<b>.asc``, ``_voltmap_<a>_<b>.asc``, ``_cum_curmap.asc``, ``_max_curmap.asc``,
and for network mode ``_branch_currents_*.txt``, ``_node_currents_*.txt``, ``_voltages_*.txt``.
Network outputs keep the node IDs of the input graph.
"""

from __future__ import annotations

import configparser
import gzip
import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from econet.errors import EconetError, EconetWarning, LayerError
from econet.io.atomic import atomic_path, write_text
from econet.rasterops import nodata_mask

NODATA = -9999.0
_UNSET = ("", "none", "false")


class CircuitscapeError(EconetError):
    """A Circuitscape configuration or input problem."""


@dataclass
class Options:
    """The .ini keys econet honours (all sections flattened, as Circuitscape reads them)."""

    raw: dict[str, str] = field(default_factory=dict)

    def get(self, key: str, default: str = "") -> str:
        return self.raw.get(key.lower(), default).strip()

    def flag(self, key: str, default: bool = False) -> bool:
        val = self.get(key, "")
        if not val:
            return default
        return val.lower() in ("true", "1", "yes")

    def path(self, key: str) -> Path | None:
        val = self.get(key)
        if val.lower() in _UNSET or val.startswith("("):
            return None
        return Path(val)

    @property
    def data_type(self) -> str:
        return self.get("data_type", "raster").lower()

    @property
    def scenario(self) -> str:
        return self.get("scenario", "pairwise").lower()

    @property
    def output_base(self) -> Path:
        out = self.path("output_file")
        if out is None:
            raise CircuitscapeError("output_file is not set in the .ini; give a path such as output/run.out")
        return out.with_suffix("") if out.suffix == ".out" else out


def read_ini(path) -> Options:
    """Read a Circuitscape .ini (sections flattened; keys case-insensitive)."""
    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=None, strict=False)
    parser.optionxform = str.lower
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise CircuitscapeError(f"cannot read {path}: {exc}") from exc
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise CircuitscapeError(
            f"{path} is not a Circuitscape .ini ({exc}); expected [sections] of 'key = value'"
        ) from None
    raw = {}
    for section in parser.sections():
        for key, val in parser.items(section):
            raw[key] = val
    opts = Options(raw)
    if opts.data_type not in ("raster", "network"):
        raise CircuitscapeError(f"data_type = {opts.data_type!r}: use raster or network")
    if opts.scenario not in ("pairwise", "one-to-all", "all-to-one", "advanced"):
        raise CircuitscapeError(f"scenario = {opts.scenario!r}: use pairwise, one-to-all, all-to-one or advanced")
    return opts


@dataclass
class AsciiHeader:
    ncols: int
    nrows: int
    xll: float
    yll: float
    cellsize: float

    @property
    def ytop(self) -> float:
        return self.yll + self.nrows * self.cellsize


def read_grid(path, key: str = "grid") -> tuple[np.ndarray, np.ndarray, AsciiHeader]:
    """An ASCII grid or GeoTIFF (``.gz`` read through GDAL's /vsigzip/): (values, nodata mask, header)."""
    import rasterio

    p = Path(path)
    if not p.exists():
        raise LayerError(
            key, f"{p} does not exist (paths in a Circuitscape .ini are relative to the working directory)"
        )
    name = f"/vsigzip/{p}" if p.suffix == ".gz" else str(p)
    try:
        with rasterio.open(name) as src:
            raw = src.read(1)
            t = src.transform
            header = AsciiHeader(src.width, src.height, t.c, t.f + t.e * src.height, t.a)
            mask = nodata_mask(raw, src.nodata)
    except rasterio.errors.RasterioIOError as exc:
        raise LayerError(key, f"cannot read {p}: {exc}") from exc
    data = raw.astype(np.float64)
    return data, mask | ~np.isfinite(data), header


def write_asc(path, grid: np.ndarray, header: AsciiHeader, compress: bool = False) -> Path:
    """ESRI ASCII grid in Circuitscape.jl's layout (10 significant digits)."""
    buf = io.StringIO()
    buf.write(f"ncols         {header.ncols}\n")
    buf.write(f"nrows         {header.nrows}\n")
    buf.write(f"xllcorner     {float(header.xll)!r}\n")
    buf.write(f"yllcorner     {float(header.yll)!r}\n")
    buf.write(f"cellsize      {float(header.cellsize)!r}\n")
    buf.write("NODATA_value  -9999\n")
    for row in np.asarray(grid, dtype=np.float64):
        buf.write(" ".join(_num(x) for x in row) + " \n")
    return _write_text(path, buf.getvalue(), compress)


def _num(x: float) -> str:
    return "%.10g" % x


def _write_text(path, text: str, compress: bool = False) -> Path:
    """Write an output atomically (complete or absent, as every econet product)."""
    p = Path(path)
    if compress:
        p = p.with_name(p.name + ".gz")
        with atomic_path(p) as tmp, open(tmp, "wb") as raw:
            with gzip.GzipFile(p.name, "wb", fileobj=raw, mtime=0) as fh:  # mtime 0: the same bytes
                fh.write(text.encode())
    else:
        write_text(p, text)
    return p


def read_table(path, key: str) -> np.ndarray:
    """A whitespace-separated numeric table (graph, focal-node and source/ground lists)."""
    p = Path(path)
    if not p.exists():
        raise LayerError(key, f"{p} does not exist (paths are relative to the working directory)")
    rows = [line.split() for line in p.read_text().splitlines() if line.strip() and not line.lstrip().startswith("#")]
    try:
        return np.array([[float(x) for x in r] for r in rows], dtype=np.float64).reshape(len(rows), -1)
    except ValueError as exc:
        raise LayerError(key, f"{p}: expected numbers separated by spaces or tabs ({exc})") from exc


def focal_points(path, values: np.ndarray, header: AsciiHeader) -> dict[int, np.ndarray]:
    """Focal IDs -> flat cell indices, from a raster (cells > 0) or an 'id x y' text list.

    Negative and zero IDs are ignored (Circuitscape drops them); an ID on several cells is a
    focal region."""
    p = Path(path)
    h, w = values.shape
    if p.suffix.lower() == ".txt":
        tab = read_table(p, "point_file")
        if tab.shape[1] < 3:
            raise LayerError("point_file", f"{p}: expected lines 'id x y'")
        col = np.floor((tab[:, 1] - header.xll) / header.cellsize).astype(np.int64)
        row = np.floor((header.ytop - tab[:, 2]) / header.cellsize).astype(np.int64)
        ids = tab[:, 0].astype(np.int64)
        ok = (row >= 0) & (row < h) & (col >= 0) & (col < w) & (ids > 0)
        off = np.unique(ids[~ok & (ids > 0)])
        if off.size:
            warnings.warn(
                f"point_file: {off.size} focal node(s) lie outside the habitat grid and are left out "
                f"(ids {', '.join(map(str, off[:10].tolist()))}{', ...' if off.size > 10 else ''})",
                EconetWarning,
                stacklevel=2,
            )
        cells = row[ok] * w + col[ok]
        ids = ids[ok]
    else:
        pts, pmask, _ = read_grid(p, "point_file")
        if pts.shape != (h, w):
            raise LayerError("point_file", f"{p} is {pts.shape[0]} x {pts.shape[1]}, the habitat grid {h} x {w}")
        sel = ~pmask & (pts > 0)
        cells = np.nonzero(sel.ravel())[0]
        ids = pts.ravel()[cells].astype(np.int64)
    out: dict[int, list[int]] = {}
    for i, c in zip(ids.tolist(), cells.tolist()):
        out.setdefault(i, []).append(c)
    return {i: np.unique(np.array(c, dtype=np.int64)) for i, c in sorted(out.items())}


def listed_ids(path) -> set[int] | None:
    """IDs named by an include file (pair list in 'mode include', or the matrix), None for 'mode exclude'.

    Circuitscape reports only focal IDs that the include file names."""
    lines = [ln.split() for ln in Path(path).read_text().splitlines() if ln.strip()]
    if lines[0][0].lower() == "mode":
        if lines[0][1].lower() != "include":
            return None
        return {int(float(x)) for ln in lines[1:] for x in ln[:2]}
    body = [ln for ln in lines if ln[0].lower() not in ("min", "max")]
    return {int(float(x)) for x in body[0][1:]}


def included_pairs(path, ids: np.ndarray) -> np.ndarray:
    """k x k bool of pairs to solve, from 'mode include|exclude' pair lists or the min/max matrix."""
    p = Path(path)
    if not p.exists():
        raise LayerError("included_pairs_file", f"{p} does not exist")
    lines = [ln.split() for ln in p.read_text().splitlines() if ln.strip()]
    pos = {int(i): n for n, i in enumerate(ids.tolist())}
    k = ids.size
    if lines[0][0].lower() == "mode":
        include = lines[0][1].lower() == "include"
        inc = np.full((k, k), not include)
        for a, b in ((int(float(x[0])), int(float(x[1]))) for x in lines[1:]):
            if a in pos and b in pos:
                inc[pos[a], pos[b]] = inc[pos[b], pos[a]] = include
        return inc
    lo = float(lines[0][1]) if lines[0][0].lower() == "min" else -np.inf
    hi = float(lines[1][1]) if lines[1][0].lower() == "max" else np.inf
    body = [ln for ln in lines if ln[0].lower() not in ("min", "max")]
    head = [int(float(x)) for x in body[0][1:]]
    inc = np.zeros((k, k), dtype=bool)
    for row in body[1:]:
        a = int(float(row[0]))
        for b, val in zip(head, row[1:]):
            v = float(val)
            if a in pos and b in pos and lo <= v <= hi:
                inc[pos[a], pos[b]] = inc[pos[b], pos[a]] = True
    return inc


def write_resistances(base: Path, ids: np.ndarray, res: np.ndarray) -> list[Path]:
    """``_resistances.out`` (matrix) and ``_resistances_3columns.out``."""
    k = ids.size
    lines = [" ".join(["0"] + [_id(i) for i in ids])]
    for a in range(k):
        lines.append(" ".join([_id(ids[a])] + [_num(res[a, b]) for b in range(k)]))
    three = [f"{_id(ids[a])} {_id(ids[b])} {_num(res[a, b])}" for a in range(k) for b in range(a + 1, k)]
    return [
        _write_text(f"{base}_resistances.out", "\n".join(lines) + "\n"),
        _write_text(f"{base}_resistances_3columns.out", "\n".join(three) + "\n"),
    ]


def write_two_columns(path, ids, values) -> Path:
    return _write_text(path, "".join(f"{_id(i)} {_num(v)}\n" for i, v in zip(ids, values)))


def write_branches(path, a_ids, b_ids, values) -> Path:
    return _write_text(path, "".join(f"{_id(a)} {_id(b)} {_num(v)}\n" for a, b, v in zip(a_ids, b_ids, values)))


def _id(x) -> str:
    x = float(x)
    return str(int(x)) if x == int(x) else _num(x)
