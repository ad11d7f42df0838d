"""Runs an Omniscape.jl .ini end to end: ``econet omniscape CONFIG.ini`` (Omniscape.jl 0.6's keys).

Paths in the .ini are relative to the working directory, as Omniscape.jl resolves them. Outputs
go to the folder ``project_name`` (``project_name_1``, ``_2``, ... if it exists, as Omniscape.jl
does): ``cum_currmap``, ``flow_potential``, ``normalized_cum_currmap`` and
``classified_resistance``, as GeoTIFF (``write_as_tif``, the default) or ESRI ASCII grids, with
-9999 for nodata, and the .ini's keys in ``config.ini``.

Honoured keys: resistance_file, resistance_is_conductance, source_file, source_threshold,
source_from_resistance, r_cutoff, radius, block_size, buffer, correct_artifacts,
calc_flow_potential, calc_normalized_current, write_raw_currmap, write_as_tif, mask_nodata,
connect_four_neighbors_only, reclassify_resistance, reclass_table, write_reclassified_resistance,
solver (cholmod/pardiso: a direct factorisation; cg+amg: AMG-preconditioned CG). Parallel
settings do not change the result and are ignored; conditional connectivity and single precision
are refused.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from econet.circuit.ini import NODATA, CircuitscapeError, Options, read_grid, read_ini, write_asc
from econet.circuit.omniscape import omniscape, source_from_resistance
from econet.errors import EconetWarning, LayerError


class OmniscapeError(CircuitscapeError):
    """An Omniscape .ini or input problem."""


@dataclass
class OmniscapeRun:
    folder: Path
    targets: int
    written: list[Path] = field(default_factory=list)


def _number(opts: Options, key: str, default: str) -> float:
    raw = opts.get(key, default)
    try:
        return float(raw)
    except ValueError:
        raise OmniscapeError(f"{key} = {raw!r}: expected a number") from None


def read_reclass_table(path) -> list[tuple[float, float]]:
    """Two columns: a resistance value and its new value (``missing``: nodata)."""
    p = Path(path)
    if not p.exists():
        raise LayerError("reclass_table", f"{p} does not exist (paths are relative to the working directory)")
    pairs = []
    for line in p.read_text().splitlines():
        parts = line.replace('"', "").split()
        if not parts:
            continue
        try:
            old = float(parts[0])
            new = np.nan if parts[1].lower() == "missing" else float(parts[1])
        except (ValueError, IndexError):
            raise LayerError("reclass_table", f"{p}: expected two columns, value and new value, not {line!r}") from None
        pairs.append((old, new))
    return pairs


def reclassify(values: np.ndarray, table: list[tuple[float, float]]) -> np.ndarray:
    """Replace each listed value by its new one (all matched against the original values)."""
    out = values.copy()
    for old, new in table:
        out[values == old] = new
    return out


def _project_folder(name: str) -> Path:
    folder = Path(name)
    if folder.exists():
        k = 1
        while Path(f"{name}_{k}").exists():
            k += 1
        warnings.warn(f"{name} exists; writing to {name}_{k}", EconetWarning, stacklevel=2)
        folder = Path(f"{name}_{k}")
    return folder


def run_omniscape(path, solver: str = "auto") -> OmniscapeRun:
    """Run the Omniscape .ini at ``path``; ``solver`` 'ini' follows its solver key."""
    opts = read_ini(path)
    if opts.flag("conditional"):
        raise OmniscapeError("conditional = true: conditional connectivity is not supported by econet")
    if opts.get("precision", "double").lower() in ("single", "float32"):
        raise OmniscapeError("precision = single is not supported; remove it (econet solves in double precision)")
    if solver == "ini":
        solver = "amg" if opts.get("solver", "cg+amg").lower() == "cg+amg" else "direct"
    rpath = opts.path("resistance_file")
    if rpath is None:
        raise OmniscapeError("resistance_file is not set in the .ini")
    if not opts.get("radius"):
        raise OmniscapeError("radius is not set in the .ini: give the moving window's radius in cells")
    radius = int(round(_number(opts, "radius", "0")))
    block_size = int(round(_number(opts, "block_size", "1")))
    buffer = int(round(_number(opts, "buffer", "0")))
    is_conductance = opts.flag("resistance_is_conductance")

    vals, nodata, header = read_grid(rpath, "resistance_file")
    resistance = np.where(nodata, np.nan, vals)
    if np.any(resistance[~nodata] <= 0):
        raise LayerError("resistance_file", "resistances must be > 0; use nodata (-9999) for barriers")
    table = None
    if opts.flag("reclassify_resistance"):
        tpath = opts.path("reclass_table")
        if tpath is None:
            raise OmniscapeError("reclassify_resistance = true but reclass_table is not set")
        table = read_reclass_table(tpath)
        resistance = reclassify(resistance, table)

    if opts.flag("source_from_resistance"):
        r_cutoff = _number(opts, "r_cutoff", "inf")
        cond_src = 1.0 / resistance if is_conductance else resistance
        source = source_from_resistance(cond_src, r_cutoff)
    else:
        spath = opts.path("source_file")
        if spath is None:
            raise OmniscapeError("source_file is not set; give one or set source_from_resistance = true")
        svals, snod, sheader = read_grid(spath, "source_file")
        if svals.shape != resistance.shape:
            raise LayerError("source_file", f"grid is {svals.shape}, the resistance grid {resistance.shape}")
        source = np.where(snod, 0.0, svals)
        source[source < _number(opts, "source_threshold", "0")] = 0.0

    flow = opts.flag("calc_flow_potential")
    normalized = opts.flag("calc_normalized_current")
    result = omniscape(
        resistance,
        source,
        radius,
        block_size,
        buffer,
        correct_artifacts=opts.flag("correct_artifacts", True),
        flow_potential=flow or normalized,
        mask_nodata=opts.flag("mask_nodata", True),
        resistance_is_conductance=is_conductance,
        four_neighbours=opts.flag("connect_four_neighbors_only"),
        method=solver,
        as_omniscape_jl=True,
    )

    folder = _project_folder(opts.get("project_name", "omniscape_output"))
    folder.mkdir(parents=True)
    tif = opts.flag("write_as_tif", True)
    run = OmniscapeRun(folder, result.targets)
    (folder / "config.ini").write_text(Path(path).read_text())
    run.written.append(folder / "config.ini")
    outputs = []
    if table is not None and opts.flag("write_reclassified_resistance"):
        outputs.append(("classified_resistance", resistance))
    if opts.flag("write_raw_currmap", True):
        outputs.append(("cum_currmap", result.cumulative))
    if flow:
        outputs.append(("flow_potential", result.flow_potential))
    if normalized:
        outputs.append(("normalized_cum_currmap", result.normalized))
    for name, grid in outputs:
        data = np.where(np.isnan(grid), NODATA, grid)
        run.written.append(_write(folder / name, data, header, rpath, tif))
    return run


def _write(base: Path, data: np.ndarray, header, template: Path, tif: bool) -> Path:
    if not tif:
        return write_asc(base.with_suffix(".asc"), data, header)
    import rasterio

    from econet.grid import Grid
    from econet.io import write_raster

    with rasterio.open(template) as src:
        grid = Grid(src.crs, src.transform, data.shape)
    return write_raster(base.with_suffix(".tif"), data, grid, nodata=NODATA)
