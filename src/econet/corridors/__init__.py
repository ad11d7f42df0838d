"""Corridors by least cost (METHODS.md §5): cost distance and least-cost paths."""

from econet.corridors.costdistance import CostDistance, cost_distance, trace_path
from econet.corridors.paths import adjacent_pairs, least_cost_paths

__all__ = ["CostDistance", "adjacent_pairs", "cost_distance", "least_cost_paths", "trace_path"]
