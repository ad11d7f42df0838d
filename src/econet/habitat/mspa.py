"""Morphological Spatial Pattern Analysis through the JRC's own engine (pyguidos / miallib).

Byte codes are GuidosToolbox's (METHODS.md §2): Core 17, Islet 9, Perforation 5, Edge 3,
Loop 65, Bridge 33, Branch 1, Background 0, Missing 129; +100 inside core holes with Intext;
Loop and Bridge in edge/perforation 67/69, 35/37; Core-Opening 100, Border-Opening 220.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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
CORE = 17
MISSING = 129


def mspa_binary(landcover: np.ndarray, habitat_codes, missing: np.ndarray | None = None) -> np.ndarray:
    """GuidosToolbox input coding: 0 missing, 1 background, 2 foreground (habitat)."""
    out = np.where(np.isin(landcover, list(habitat_codes)), 2, 1).astype(np.uint8)
    if missing is not None:
        out[missing] = 0
    return out


def mspa(
    binary: np.ndarray,
    connectivity: int = 8,
    edge_width_px: int = 1,
    transition: bool = True,
    intext: bool = True,
) -> np.ndarray:
    """MSPA of a 0/1/2-coded uint8 array; returns GTB byte codes (uint8).

    Calls pyguidos' compiled miallib binding in memory (no temporary files).
    """
    from pyguidos._mspa import _mspa  # compiled; imported lazily so the package imports without it

    if connectivity not in (4, 8):
        raise ValueError("connectivity must be 4 or 8")
    if int(edge_width_px) < 1:
        raise ValueError("edge_width_px must be >= 1")
    values = np.unique(binary)
    if not set(values.tolist()) <= {0, 1, 2}:
        raise ValueError(f"MSPA input must be coded 0 missing / 1 background / 2 foreground, found {values.tolist()}")
    arr = np.ascontiguousarray(binary, dtype=np.uint8)
    out, _ = _mspa.mspa(arr, float(int(edge_width_px)), int(connectivity), int(bool(transition)), int(bool(intext)))
    out = np.asarray(out, dtype=np.uint8)
    # pyguidos documents that miallib can leave stray 2s, which GTB shows as background.
    out[out == 2] = 0
    return out


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


def mspa_colormap(transition: bool = True) -> dict[int, tuple[int, int, int, int]]:
    """GuidosToolbox's MSPA palette, read from pyguidos' own template."""
    from importlib.resources import files

    name = "mspa_colormap_trans1.txt" if transition else "mspa_colormap_trans0.txt"
    text = files("pyguidos").joinpath("templates", name).read_text()
    cmap = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 4:
            cmap[int(parts[0])] = (int(parts[1]), int(parts[2]), int(parts[3]), 255)
    return cmap
