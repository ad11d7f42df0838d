"""Connectivity of a set of sources: PC, ECA and IIC overall, and each source's dPC and dIIC with
their fractions (docs/methods/connectivity.md; Conefor 2.7.3 conventions)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from econet.connectivity.indices import iic_indices, pc_indices

NODE_COLUMNS = ["dPC", "dPCintra", "dPCflux", "dPCconnector", "dIIC", "dIICintra", "dIICflux", "dIICconnector"]


@dataclass
class Connectivity:
    """``overall``: PC, ECA_km2, IIC, EC_IIC_km2 and their intra/direct/step shares (%), with the
    parameters used; ``nodes``: id and the dPC and dIIC fractions (%) per source."""

    overall: dict
    nodes: pd.DataFrame


def source_connectivity(
    ids,
    area_m2,
    distances,
    *,
    distance_m: float,
    probability: float,
    landscape_area_m2: float,
    iic_threshold_m: float | None = None,
    iic_strict: bool = False,
    min_probability: float | None = None,
    distance: str = "edge",
) -> Connectivity:
    """PC with p = ``probability`` at ``distance_m`` and IIC with links where d <= ``iic_threshold_m``
    (default ``distance_m``; d < with ``iic_strict``) between sources of ``area_m2`` separated by
    ``distances`` (matrix or links, in the units of ``distance_m``); A_L = ``landscape_area_m2``.
    ``distance`` names the distance used ("edge", "centroid", "least_cost"), for the record."""
    threshold = iic_threshold_m or distance_m
    attr = np.asarray(area_m2, dtype=float)
    pc, pc_nodes = pc_indices(
        attr, distances, distance_m, probability, landscape_area_m2, min_probability=min_probability
    )
    iic, iic_nodes = iic_indices(attr, distances, threshold, landscape_area_m2, strict=iic_strict)
    nodes = pd.concat([pc_nodes, iic_nodes], axis=1)[NODE_COLUMNS]
    nodes.insert(0, "id", np.asarray(ids))
    overall = {
        "PC": pc["PC"],
        "ECA_km2": pc["EC(PC)"] / 1e6,
        "PCintra_pct": pc["PCintra(%)"],
        "PCdirect_pct": pc["PCdirect(%)"],
        "PCstep_pct": pc["PCstep(%)"],
        "IIC": iic["IIC"],
        "EC_IIC_km2": iic["EC(IIC)"] / 1e6,
        "IICintra_pct": iic["IICintra(%)"],
        "IICdirect_pct": iic["IICdirect(%)"],
        "IICstep_pct": iic["IICstep(%)"],
        "distance": distance,
        "distance_m": distance_m,
        "probability": probability,
        "iic_threshold_m": threshold,
        "landscape_area_km2": landscape_area_m2 / 1e6,
    }
    return Connectivity(overall, nodes)


__all__ = ["Connectivity", "NODE_COLUMNS", "source_connectivity"]
