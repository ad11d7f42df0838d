"""``[sensitivity]``: how ``econet sensitivity`` draws the weights and thresholds of its samples
(docs/methods/sensitivity.md). No stage reads this section: each sample is the study with the
drawn values written over its keys, run as an ordinary study."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from econet.config.base import PositiveFloat, Section

Range = Annotated[list[Annotated[float, Field(gt=0, allow_inf_nan=False)]], Field(min_length=2, max_length=2)]

# [sensitivity] key -> the study key whose value it draws (the thresholds of issue 17).
THRESHOLDS = {
    "min_area_km2": "sources.min_area_km2",
    "edge_width_m": "sources.mspa.edge_width_m",
    "max_cost": "corridors.max_cost",
    "distance_m": "connectivity.distance_m",
}


class SensitivitySection(Section):
    """The ensemble's draws. ``weights``: each table of ``weight_tables`` (the resistance
    weights, the weights of the services and sensitivity source rules) from a Dirichlet
    distribution centred on the study's (``concentration`` c: α_i = c · w_i, so each weight's
    standard deviation is √(w_i (1 - w_i) / (c + 1)) of their total), from the AHP matrix with
    every judgement moved up to ``ahp_steps`` steps along Saaty's 1/9..9 scale (matrices with CR
    >= the table's max_cr are drawn again), ``fixed``, or ``auto`` (AHP for a table weighted by
    AHP, Dirichlet for given weights; entropy and PCA weights come from the data and stay fixed). Each threshold is drawn uniformly
    in its ``[low, high]`` range; one not given varies by ± ``relative_range`` of the study's own
    value (``max_cost`` only when the study sets corridors.max_cost; the MSPA edge width, counted
    in whole cells, by ± one cell, at least one). A range whose ends are equal, or
    ``relative_range = 0``, keeps that key as the study has it."""

    samples: int = Field(20, ge=1, le=10_000)  # `--samples` overrides it
    seed: int = Field(0, ge=0)  # `--seed` overrides it
    weights: Literal["auto", "dirichlet", "ahp", "fixed"] = "auto"
    # the weight tables drawn, those of them the study has (given or AHP weights)
    weight_tables: list[Literal["resistance", "sources.services", "sources.sensitivity"]] = [
        "resistance",
        "sources.services",
        "sources.sensitivity",
    ]
    concentration: PositiveFloat = 100.0
    ahp_steps: int = Field(1, ge=0, le=8)
    relative_range: Annotated[float, Field(ge=0, lt=1)] = 0.25
    min_area_km2: Range | None = None  # sources.min_area_km2 (km²)
    edge_width_m: Range | None = None  # sources.mspa.edge_width_m (m; MSPA rounds it to whole cells)
    max_cost: Range | None = None  # corridors.max_cost (resistance x m)
    distance_m: Range | None = None  # connectivity.distance_m (m, or resistance x m with least-cost distances)

    @field_validator("min_area_km2", "edge_width_m", "max_cost", "distance_m")
    @classmethod
    def _ordered(cls, v: list[float] | None) -> list[float] | None:
        if v is not None and v[0] > v[1]:
            raise ValueError(f"give the range as [low, high]; got low {v[0]:g} > high {v[1]:g}")
        return v


__all__ = ["THRESHOLDS", "SensitivitySection"]
