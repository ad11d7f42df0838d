"""Ecological sources: MSPA, the patch table and source selection (docs/methods/sources.md)."""

from econet._lazy import lazy_package

# public name -> the submodule defining it; loaded on first use, so importing one submodule
# (or the package for one name) does not import the others.
__all__ = lazy_package(
    __name__,
    {
        "MSPAResult": "mspa",
        "MSPA_CLASSES": "mspa",
        "landscape_mspa": "mspa",
        "format_gwb_statistics": "mspa",
        "gwb_statistics": "mspa",
        "mspa": "mspa",
        "mspa_binary": "mspa",
        "mspa_colormap": "mspa",
        "mspa_statistics": "mspa",
        "connectivity_importance": "selection",
        "islet_candidates": "selection",
        "merge_within": "selection",
        "select_sources": "selection",
        "sensitivity_mask": "selection",
        "service_importance": "selection",
        "size_classes": "selection",
        "stepping_stone_islets": "selection",
        "Sources": "sources",
        "core_sources": "sources",
        "label_patches": "sources",
        "patch_table": "sources",
        "relabel": "sources",
    },
)
