"""Morphological Spatial Pattern Analysis through the JRC's own engine (pyguidos / miallib).

Byte codes are GuidosToolbox's (docs/methods/sources.md#engine-and-output-codes): Core 17, Islet 9, Perforation 5, Edge 3,
Loop 65, Bridge 33, Branch 1, Background 0, Missing 129; +100 inside core holes with Intext;
Loop and Bridge in edge/perforation 67/69, 35/37; Core-Opening 100, Border-Opening 220.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import importlib.util
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import ndimage

MSPA_CLASSES = {
    17: "core",
    9: "islet",
    5: "perforation",
    3: "edge",
    65: "loop",
    67: "loop in edge",
    69: "loop in perforation",
    33: "bridge",
    35: "bridge in edge",
    37: "bridge in perforation",
    1: "branch",
    0: "background",
    100: "core-opening",
    220: "border-opening",
    129: "missing",
}
MISSING = 129


def mspa_binary(landcover: np.ndarray, habitat_codes, missing: np.ndarray | None = None) -> np.ndarray:
    """GuidosToolbox input coding: 0 missing, 1 background, 2 foreground (habitat)."""
    out = np.where(np.isin(landcover, list(habitat_codes)), 2, 1).astype(np.uint8)
    if missing is not None:
        out[missing] = 0
    return out


def check_mspa_input(binary: np.ndarray) -> None:
    """Refuse what GWB_MSPA refuses: codes other than 0/1/2, no foreground, no background or missing."""
    arr = np.asarray(binary)
    if arr.dtype == np.uint8:  # a bincount is ~50x faster than np.unique on 10^8 cells
        values = set(np.flatnonzero(np.bincount(arr.ravel(), minlength=3)).tolist())
    else:
        values = set(np.unique(arr).tolist())
    if not values <= {0, 1, 2}:
        raise ValueError(
            f"MSPA input must be coded 0 missing / 1 background / 2 foreground, found {sorted(values)}; "
            "recode it (or give a land-cover raster with its habitat classes)"
        )
    if 2 not in values:
        raise ValueError("MSPA input has no foreground (2): no habitat cell; check the habitat classes")
    if not values & {0, 1}:
        raise ValueError("MSPA input has no background (1) or missing (0) cell: everything is habitat")


@contextlib.contextmanager
def _quiet_stdout():
    """miallib prints arithmetic warnings with C printf; keep them off the user's terminal."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # captured stdout (pytest, notebooks) has no fd
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def mspa(
    binary: np.ndarray,
    connectivity: int = 8,
    edge_width_px: int = 1,
    transition: bool = True,
    intext: bool = True,
) -> np.ndarray:
    """MSPA of a 0/1/2-coded uint8 array; returns GTB byte codes (uint8).

    Runs pyguidos' compiled miallib binding (mspa.c v2.4) in memory, then applies GWB_MSPA's one
    post-processing step (with EdgeWidth 1, stray byte 2 becomes background 0). Missing cells (0)
    come back as 129 and are neither edge-making nor foreground, as in GTB. Transition changes only
    the palette, never the bytes (GWB_MSPA.pro); it is passed on for completeness.
    """
    _mspa = _binding()
    if connectivity not in (4, 8):
        raise ValueError("connectivity must be 4 or 8")
    if not 1 <= int(edge_width_px) <= 100:
        raise ValueError(f"edge_width_px must be an integer in [1, 100] (GWB's range), got {edge_width_px}")
    check_mspa_input(binary)
    arr = np.ascontiguousarray(binary, dtype=np.uint8)
    with _quiet_stdout():
        out, _ = _mspa.mspa(arr, float(int(edge_width_px)), int(connectivity), int(bool(transition)), int(bool(intext)))
    out = np.asarray(out, dtype=np.uint8)
    if int(edge_width_px) == 1:
        out[out == 2] = 0  # GWB_MSPA.pro: "fix large size MSPA bug"
    return out


def _pyguidos_dir() -> Path:
    """pyguidos' installed folder, found without importing the package."""
    spec = importlib.util.find_spec("pyguidos")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("pyguidos is not installed (pip install pyguidos); econet runs MSPA through its engine")
    return Path(spec.submodule_search_locations[0])


def _binding():
    """pyguidos' compiled miallib binding (``pyguidos._mspa._mspa``), loaded on its own.

    Importing the pyguidos package would import all of its tools (matplotlib, and numba kernels
    compiled or loaded at import: 4-7 s per process) and reset numba's cache folder and threading
    layer for the whole process; the binding is a plain extension module that needs none of it.
    """
    name = "pyguidos._mspa._mspa"
    if name in sys.modules:
        return sys.modules[name]
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = _pyguidos_dir() / "_mspa" / f"_mspa{suffix}"
        if path.exists():
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            sys.modules[name] = module
            return module
    raise ImportError(f"pyguidos' compiled MSPA engine is missing from {_pyguidos_dir()}; reinstall pyguidos")


def mspa_class_name(code: int) -> str:
    """Name of a GTB MSPA byte code; codes 101-199 are the Intext "internal" variants."""
    code = int(code)
    if code in MSPA_CLASSES:
        return MSPA_CLASSES[code]
    if 100 < code < 200 and code - 100 in MSPA_CLASSES:
        return MSPA_CLASSES[code - 100] + " (internal)"
    return "unknown"


def mspa_statistics(result: np.ndarray, cell_area_m2: float) -> pd.DataFrame:
    """Cells, area (ha) and share of foreground per MSPA class (GTB's per-class table)."""
    codes, counts = np.unique(result, return_counts=True)
    table = pd.DataFrame({"code": codes.astype(int), "cells": counts.astype(np.int64)})
    table["class"] = table["code"].map(mspa_class_name)
    table["area_ha"] = table["cells"] * cell_area_m2 / 1e4
    foreground = ~table["code"].isin([0, 100, 129, 220])
    fg_cells = table.loc[foreground, "cells"].sum()
    table["foreground_share_pct"] = np.where(foreground, 100.0 * table["cells"] / max(fg_cells, 1), np.nan)
    return table[["code", "class", "cells", "area_ha", "foreground_share_pct"]]


# GWB_MSPA's summary classes: transition pixels (loop/bridge inside edge or perforation) count
# with the edge or perforation they cross; +100 (internal) variants count with their class.
_GWB_GROUPS = {
    "CORE(m) [green]": (17,),
    "ISLET [brown]": (9,),
    "PERFORATION [blue]": (5, 69, 37),
    "EDGE [black]": (3, 67, 35),
    "LOOP [yellow]": (65,),
    "BRIDGE [red]": (33,),
    "BRANCH [orange]": (1,),
}
_STRUCTURE = {4: ndimage.generate_binary_structure(2, 1), 8: np.ones((3, 3), bool)}


@dataclass
class GWBStatistics:
    """GWB_MSPA's summary statistics of one MSPA result (GWB_MSPA.rst layout).

    ``table`` has one row per GWB class with ``pixels``, ``count`` (number of connected objects:
    foreground classes with the foreground connectivity, background and openings with the
    complementary one, missing with 8), ``fg_pct`` and ``data_pct`` (share of foreground and of
    data pixels). Porosity = 100 x core-opening / (core + edge + perforation + core-opening).
    """

    table: pd.DataFrame
    fg_area: int
    ifg_area: int
    data_area: int
    missing_pct: float
    porosity_pct: float
    intext: bool

    def row(self, name: str) -> pd.Series:
        return self.table.set_index("class").loc[name]


def _objects(mask: np.ndarray, connectivity: int) -> int:
    if not mask.any():
        return 0
    return int(ndimage.label(mask, structure=_STRUCTURE[connectivity])[1])


def gwb_statistics(result: np.ndarray, connectivity: int = 8, intext: bool = True) -> GWBStatistics:
    """Per-class pixels, object counts and percentages as GWB_MSPA writes them (percentages in
    single precision, like the IDL original, so the rounded figures agree)."""
    bg_conn = 4 if connectivity == 8 else 8
    f32 = np.float32
    total = int(result.size)
    missing_px = int(np.count_nonzero(result == MISSING))
    data = total - missing_px
    background = (result == 0) | (result == 100) | (result == 220)
    bg_px = int(np.count_nonzero(background))
    fg = data - bg_px
    byforeg = f32(data) / f32(max(fg, 1))
    rows = []
    pixels = {}

    def add(name, px, count, fg_pct, data_pct):
        rows.append({"class": name, "pixels": px, "count": count, "fg_pct": fg_pct, "data_pct": data_pct})

    add("CORE(s) [green]", 0, 0, np.nan, np.nan)
    for name, codes in _GWB_GROUPS.items():
        mask = np.isin(result, list(codes) + [c + 100 for c in codes])
        px = int(np.count_nonzero(mask))
        pixels[name] = px
        d = f32(100.0) / f32(max(data, 1)) * f32(px)
        add(name, px, _objects(mask, connectivity), float(d * byforeg), float(d))
        if name == "CORE(m) [green]":
            add("CORE(l) [green]", 0, 0, np.nan, np.nan)
    add(
        "Background [grey]",
        bg_px,
        _objects(background, bg_conn),
        np.nan,
        float(f32(100.0) / f32(max(data, 1)) * f32(bg_px)),
    )
    missing_pct = float(f32(100.0) / f32(total) * f32(missing_px))
    add("Missing [white]", missing_px, _objects(result == MISSING, 8), np.nan, np.nan)
    core_open = result == 100
    border_open = result == 220
    co_px, bo_px = int(np.count_nonzero(core_open)), int(np.count_nonzero(border_open))
    co_n = _objects(core_open, bg_conn) if intext else 0
    bo_n = _objects(border_open, bg_conn) if intext else 0
    add("Opening [grey]", co_px + bo_px, co_n + bo_n, np.nan, np.nan)
    add("Core-Opening [darkgrey]", co_px, co_n, np.nan, float(f32(100.0) / f32(max(data, 1)) * f32(co_px)))
    add("Border-Opening [grey]", bo_px, bo_n, np.nan, float(f32(100.0) / f32(max(data, 1)) * f32(bo_px)))
    contiguous = pixels["CORE(m) [green]"] + pixels["EDGE [black]"] + pixels["PERFORATION [blue]"]
    porosity = 100.0 - 100.0 * contiguous / (contiguous + co_px) if contiguous + co_px else 0.0
    return GWBStatistics(
        table=pd.DataFrame(rows),
        fg_area=fg,
        ifg_area=fg + (co_px + bo_px if intext else 0),
        data_area=data,
        missing_pct=missing_pct,
        porosity_pct=porosity,
        intext=bool(intext),
    )


def _gwb_pct(value: float) -> str:
    """IDL's round-to-hundredths string: half away from zero, two decimals, width-5 for x.xx."""
    text = f"{math.floor(abs(value) * 100.0 + 0.5) / 100.0:.2f}"
    return " " + text if len(text) == 4 else text


def format_gwb_statistics(
    stats: GWBStatistics, name: str, connectivity: int, edge_width_px: int, transition: bool, intext: bool
) -> str:
    """The ``<name>_<c>_<ew>_<t>_<i>.txt`` text GWB_MSPA writes beside its result."""
    params = f"{connectivity}_{edge_width_px}_{int(transition)}_{int(intext)}"
    lines = [
        "MSPA results using: ",
        f"{name} (MSPA: {params}, FG_area: {stats.fg_area}, iFG_area: {stats.ifg_area})",
        " ",
        "   MSPA-class [color]:  FG/data pixels [%]  #/BGarea",
        "=" * 60,
    ]
    for r in stats.table.itertuples(index=False):
        cls = r[0]
        if cls in ("CORE(s) [green]", "CORE(l) [green]"):
            left, right = "--/--", "0"
        elif cls == "Background [grey]":
            left, right = " --/" + _gwb_pct(r.data_pct), f"{r.count}/{r.pixels}"
        elif cls == "Missing [white]":
            left, right = " " + _gwb_pct(stats.missing_pct) + " ", f"{r.count}/{r.pixels}"
        elif cls == "Opening [grey]":
            left = _gwb_pct(stats.porosity_pct) + " Porosity" if intext else "--/--"
            right = f"{r.count}/{r.pixels}" if intext else "--/--"
        elif cls in ("Core-Opening [darkgrey]", "Border-Opening [grey]"):
            left = " --/" + _gwb_pct(r.data_pct) if intext else "--/--"
            right = f"{r.count}/{r.pixels}" if intext else "--/--"
        else:
            left, right = _gwb_pct(r.fg_pct) + "/" + _gwb_pct(r.data_pct), str(r.count)
        label = (cls + ":  ")[:24]  # IDL format a24 right-justifies and truncates
        lines.append(f"{label:>24}{left[:15]:>15}{'':5}{right}")
    return "\n".join(lines) + "\n"


@dataclass
class MSPAResult:
    """MSPA of a landscape: GTB byte codes on the grid, the edge width used (cells), the
    per-class table (``mspa_statistics``) and GWB_MSPA's summary (``gwb_statistics``)."""

    classes: np.ndarray
    edge_width_px: int
    stats: pd.DataFrame
    gwb: GWBStatistics


def landscape_mspa(
    binary: np.ndarray,
    cell_area_m2: float,
    connectivity: int = 8,
    edge_width_px: int = 1,
    transition: bool = True,
    intext: bool = True,
    max_memory_mb: float | None = None,
) -> MSPAResult:
    """MSPA of a 0/1/2-coded array with its class table and GWB summary (``mspa`` parameters);
    within ``max_memory_mb`` by exact tiles where the whole grid does not fit (``province_mspa``)."""
    from econet.habitat.mspa_tiles import province_mspa  # it builds on this module's mspa()

    out = province_mspa(binary, max_memory_mb, connectivity, edge_width_px, transition, intext)
    return MSPAResult(
        out, int(edge_width_px), mspa_statistics(out, cell_area_m2), gwb_statistics(out, connectivity, intext)
    )


def mspa_colormap(transition: bool = True) -> dict[int, tuple[int, int, int, int]]:
    """GuidosToolbox's MSPA palette, read from pyguidos' own template."""
    name = "mspa_colormap_trans1.txt" if transition else "mspa_colormap_trans0.txt"
    text = (_pyguidos_dir() / "templates" / name).read_text()
    cmap = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 4:
            cmap[int(parts[0])] = (int(parts[1]), int(parts[2]), int(parts[3]), 255)
    return cmap
