"""Connectivity indices (Conefor conventions, docs/methods/connectivity.md): PC, IIC, ECA, dPC and dIIC with
their intra, flux and connector fractions, over a distance matrix or a sparse link list."""

from econet._lazy import lazy_package

# public name -> the submodule defining it; loaded on first use, so importing one submodule
# (or the package for one name) does not import the others.
__all__ = lazy_package(
    __name__,
    {
        "centroid_distances": "distances",
        "centroid_points": "distances",
        "edge_distances": "distances",
        "source_distances": "distances",
        "table_links": "distances",
        "Links": "indices",
        "best_probabilities": "indices",
        "directed_best_probabilities": "indices",
        "iic_indices": "indices",
        "links_from_matrix": "indices",
        "pc_indices": "indices",
        "Connectivity": "summary",
        "source_connectivity": "summary",
    },
)
