"""Corridors by least cost (docs/methods/corridors.md): cost distance, pair selection, least-cost paths and
corridors, the gravity model, width tiers, breakpoints and fracture surfaces."""

from econet._lazy import lazy_package

# public name -> the submodule defining it; loaded on first use, so importing one submodule
# (or the package for one name) does not import the others.
__all__ = lazy_package(
    __name__,
    {
        "breakpoints": "breakpoints",
        "fracture_surfaces": "breakpoints",
        "Corridors": "network",
        "corridor_network": "network",
        "CostDistance": "costdistance",
        "SourceCost": "costdistance",
        "cost_distance": "costdistance",
        "source_costs": "costdistance",
        "trace_path": "costdistance",
        "gravity": "gravity",
        "gravity_matrix": "gravity",
        "source_mean_resistance": "gravity",
        "candidate_pairs": "pairs",
        "euclidean_zones": "pairs",
        "keep_nearest": "pairs",
        "zone_adjacency": "pairs",
        "Linkage": "paths",
        "link_sources": "paths",
        "cwd_surface": "paths",
        "pair_corridor": "paths",
        "pair_lcd": "paths",
        "pair_searches": "paths",
        "nlcc_mosaic": "paths",
        "tier_polygons": "widths",
        "width_tiers": "widths",
    },
)
