"""``[circuit]``: pinch points, barriers and centrality on the corridors (docs/methods/circuit.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from econet.config.base import PositiveFloat, Section


class CircuitSection(Section):
    """Circuit theory on the corridors (Linkage Mapper's Pinchpoint, Barrier and Centrality
    Mappers; Yang et al., §2.4). Present = the circuit stage runs. The corridors are the least-cost
    corridors cut at ``corridors.width_cost``."""

    pinchpoint_mode: Literal["pairwise", "all_to_one"] = "pairwise"
    classes: int = Field(4, ge=2, le=10)  # natural-breaks classes; the top one is kept (Yang et al.: 4)
    barrier_radii_m: list[PositiveFloat] = [90.0, 180.0]  # empty: no Barrier Mapper
    barrier_combine: Literal["max", "sum"] = "max"
    four_neighbours: bool = False  # Circuitscape default: 8 neighbours
    average_resistance: bool = False  # Circuitscape default: average conductance
    solver: Literal["auto", "direct", "amg"] = "auto"
    # classes of corridors by natural breaks of their current-flow centrality (Yang et al.: 3)
    corridor_classes: int | None = Field(None, ge=2, le=9)

    moved = {
        "corridor_width_cwd": "moved to corridors.width_cost: one cutoff (resistance x m) for the least-cost "
        "corridors and the pinch points (Yang et al.: 2000)"
    }


__all__ = ["CircuitSection"]
