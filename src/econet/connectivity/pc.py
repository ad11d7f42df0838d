"""The original PC entry points, kept for callers: a thin layer over :mod:`indices`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from econet.connectivity.distances import edge_distances
from econet.connectivity.indices import pc_indices


def probability_of_connectivity(
    attr: np.ndarray, distances, distance_m: float, probability: float, landscape_area: float
) -> tuple[dict, pd.DataFrame]:
    """Overall PCnum, PC, ECA and per-node dPC, dPCintra, dPCflux, dPCconnector (%), exact.

    ``distances``: ``n x n`` matrix or :class:`~econet.connectivity.indices.Links`; p = ``probability``
    at ``distance_m``; PC = PCnum / ``landscape_area``² (Saura & Pascual-Hortal 2007).
    """
    overall, nodes = pc_indices(attr, distances, distance_m, probability, landscape_area)
    out = {"PCnum": overall["PCnum"], "PC": overall["PC"], "ECA": overall["EC(PC)"]}
    if not overall["PCnum"] > 0:
        out["PC"] = 0.0
    return out, nodes[["dPC", "dPCintra", "dPCflux", "dPCconnector"]]


__all__ = ["edge_distances", "probability_of_connectivity"]
