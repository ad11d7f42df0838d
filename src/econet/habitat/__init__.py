"""Ecological sources: MSPA, the patch table and source selection (METHODS.md §2)."""

from econet.habitat.mspa import (
    MSPA_CLASSES,
    format_gwb_statistics,
    gwb_statistics,
    mspa,
    mspa_binary,
    mspa_colormap,
    mspa_statistics,
)
from econet.habitat.selection import (
    connectivity_importance,
    islet_candidates,
    merge_within,
    select_sources,
    sensitivity_mask,
    service_importance,
    size_classes,
    stepping_stone_islets,
)
from econet.habitat.sources import Sources, core_sources, label_patches, patch_table, relabel

__all__ = [
    "MSPA_CLASSES",
    "Sources",
    "connectivity_importance",
    "core_sources",
    "format_gwb_statistics",
    "gwb_statistics",
    "islet_candidates",
    "label_patches",
    "merge_within",
    "mspa",
    "mspa_binary",
    "mspa_colormap",
    "mspa_statistics",
    "patch_table",
    "relabel",
    "select_sources",
    "sensitivity_mask",
    "service_importance",
    "size_classes",
    "stepping_stone_islets",
]
