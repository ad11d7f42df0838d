"""Ecological sources: MSPA and source selection (METHODS.md §2)."""

from econet.habitat.mspa import MSPA_CLASSES, mspa, mspa_binary, mspa_colormap, mspa_statistics
from econet.habitat.sources import Sources, core_sources, patch_table

__all__ = [
    "MSPA_CLASSES",
    "Sources",
    "core_sources",
    "mspa",
    "mspa_binary",
    "mspa_colormap",
    "mspa_statistics",
    "patch_table",
]
