"""Connectivity indices (Conefor conventions, METHODS.md §3)."""

from econet.connectivity.pc import edge_distances, probability_of_connectivity

__all__ = ["edge_distances", "probability_of_connectivity"]
