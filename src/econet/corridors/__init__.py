"""Corridors by least cost (METHODS.md §5): cost distance, pair selection, least-cost paths and
corridors, the gravity model, width tiers, breakpoints and fracture surfaces."""

from econet.corridors.breakpoints import breakpoints, fracture_surfaces
from econet.corridors.costdistance import CostDistance, SourceCost, cost_distance, source_costs, trace_path
from econet.corridors.gravity import gravity, gravity_matrix, source_mean_resistance
from econet.corridors.network import Corridors, corridor_network
from econet.corridors.pairs import candidate_pairs, euclidean_zones, keep_nearest, zone_adjacency
from econet.corridors.paths import (
    Linkage,
    cwd_surface,
    link_sources,
    nlcc_mosaic,
    pair_corridor,
    pair_lcd,
    pair_searches,
)
from econet.corridors.widths import tier_polygons, width_tiers

__all__ = [
    "CostDistance",
    "Corridors",
    "Linkage",
    "SourceCost",
    "breakpoints",
    "candidate_pairs",
    "corridor_network",
    "cost_distance",
    "cwd_surface",
    "euclidean_zones",
    "fracture_surfaces",
    "gravity",
    "gravity_matrix",
    "keep_nearest",
    "link_sources",
    "nlcc_mosaic",
    "pair_corridor",
    "pair_lcd",
    "pair_searches",
    "source_costs",
    "source_mean_resistance",
    "tier_polygons",
    "trace_path",
    "width_tiers",
    "zone_adjacency",
]
