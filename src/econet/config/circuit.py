"""``[circuit]``: circuit theory, on the corridors (pinch points, barriers, centrality) or over
the whole landscape by Omniscape's moving windows (docs/methods/circuit.md)."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field

from econet.config.base import PositiveFloat, Ref, Section
from econet.errors import Problem

# source_strength values that are not layer names
SOURCE_KEYWORDS = ("inverse_resistance", "sources")


class CircuitSection(Section):
    """Circuit theory. Present = the circuit stage runs.

    ``mode = "corridors"`` (default): on the least-cost corridors cut at ``corridors.width_cost``
    (Linkage Mapper's Pinchpoint, Barrier and Centrality Mappers; Yang et al., §2.4).
    ``mode = "omniscape"``: omnidirectional current over the whole landscape by moving windows
    (McRae et al. 2016; Omniscape.jl): ``radius_m`` (window radius, metres, rounded to cells),
    ``block_size`` (odd, cells: one target per block), ``buffer_m``, ``source_strength`` and
    ``source_threshold``. Province-size studies use it (docs/methods/circuit.md#province-size)."""

    mode: Literal["corridors", "omniscape"] = "corridors"
    pinchpoint_mode: Literal["pairwise", "all_to_one"] = "pairwise"
    classes: int = Field(4, ge=2, le=10)  # natural-breaks classes; the top one is kept (Yang et al.: 4)
    # what the classes grade: the current, or the current x resistance overlay (Yang et al.)
    pinchpoint_by: Literal["current", "current_x_resistance"] = "current"
    barrier_radii_m: list[PositiveFloat] = [90.0, 180.0]  # empty: no Barrier Mapper
    barrier_combine: Literal["max", "sum"] = "max"
    four_neighbours: bool = False  # Circuitscape default: 8 neighbours
    average_resistance: bool = False  # Circuitscape default: average conductance
    solver: Literal["auto", "direct", "amg"] = "auto"
    # classes of corridors by natural breaks of their current-flow centrality (Yang et al.: 3)
    corridor_classes: int | None = Field(None, ge=2, le=9)
    # Omniscape (mode = "omniscape")
    radius_m: PositiveFloat | None = None
    block_size: int = Field(1, ge=1, le=101)
    buffer_m: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 0.0
    # "inverse_resistance" (1/R, Omniscape's source_from_resistance), "sources" (1 in every cell
    # of the selected ecological sources) or a raster layer (an input or a derived layer)
    source_strength: str = "inverse_resistance"
    source_threshold: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 0.0  # weaker cells are no source
    correct_artifacts: bool = True  # Omniscape's block-artifact correction
    # solve on a coarser grid (m): resistance averaged and strengths summed over blocks of cells,
    # the maps repeated back onto the study grid (province-size studies; None: the study grid)
    cell_size_m: PositiveFloat | None = None

    moved = {
        "corridor_width_cwd": "moved to corridors.width_cost: one cutoff (resistance x m) for the least-cost "
        "corridors and the pinch points (Yang et al.: 2000)"
    }

    def refs(self, at: str) -> list[Ref]:
        if self.mode == "omniscape" and self.source_strength not in SOURCE_KEYWORDS:
            return [Ref(f"{at}.source_strength", "layer", self.source_strength)]
        return []

    def problems(self, at: str) -> list[Problem]:
        out = []
        if self.mode == "omniscape":
            if self.radius_m is None:
                out.append(
                    Problem(
                        f"{at}.radius_m",
                        'mode = "omniscape" needs the moving window\'s radius in metres, e.g. radius_m = 3000',
                    )
                )
            if self.block_size % 2 == 0:
                out.append(
                    Problem(f"{at}.block_size", f"must be odd (blocks centre on a cell): use {self.block_size + 1}")
                )
        else:
            set_keys = self.model_fields_set & {
                "radius_m",
                "block_size",
                "buffer_m",
                "source_strength",
                "source_threshold",
                "correct_artifacts",
                "cell_size_m",
            }
            for key in sorted(set_keys):
                out.append(Problem(f"{at}.{key}", 'is an Omniscape key: set mode = "omniscape" or remove it'))
        return out

    def coarsening(self, cell_size_m: float) -> int:
        """Study cells per side of an Omniscape cell (1: the study grid)."""
        if self.cell_size_m is None:
            return 1
        return max(1, math.floor(self.cell_size_m / cell_size_m + 0.5))

    def radius_cells(self, cell_size_m: float) -> int:
        """The window radius in cells (at least 1)."""
        return max(1, math.floor(self.radius_m / cell_size_m + 0.5))  # half up, as edge widths

    def buffer_cells(self, cell_size_m: float) -> int:
        return math.floor(self.buffer_m / cell_size_m + 0.5)


__all__ = ["CircuitSection", "SOURCE_KEYWORDS"]
