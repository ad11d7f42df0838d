"""``[connectivity]``: PC, ECA, IIC and node importances (docs/methods/connectivity.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from econet.config.base import PositiveFloat, Section


class ConnectivitySection(Section):
    """PC (p = ``probability`` at ``distance_m``) and IIC (links d <= ``iic_threshold_m``), Conefor rules."""

    distance_m: PositiveFloat = 5000.0  # with distance = "least_cost": a cumulative cost (resistance x m)
    probability: Annotated[float, Field(gt=0, le=1)] = 0.5
    landscape_area_km2: PositiveFloat | None = None  # A_L; default the study area's cells with land cover
    distance: Literal["edge", "centroid", "least_cost"] = "edge"  # least_cost: the corridor links' costs
    iic_threshold_m: PositiveFloat | None = None  # default: distance_m
    iic_strict: bool = False  # links where d < threshold (Makurhini) instead of d <= threshold (Conefor)
    min_probability: Annotated[float, Field(gt=0, le=1)] | None = None  # prune links below it; off = exact


__all__ = ["ConnectivitySection"]
