"""Connectivity indices (Conefor conventions, METHODS.md §3): PC, IIC, ECA, dPC and dIIC with
their intra, flux and connector fractions, over a distance matrix or a sparse link list."""

from econet.connectivity.distances import (
    centroid_distances,
    centroid_points,
    edge_distances,
    source_distances,
    table_links,
)
from econet.connectivity.indices import Links, best_probabilities, iic_indices, links_from_matrix, pc_indices

__all__ = [
    "Links",
    "best_probabilities",
    "centroid_distances",
    "centroid_points",
    "edge_distances",
    "iic_indices",
    "links_from_matrix",
    "pc_indices",
    "source_distances",
    "table_links",
]
