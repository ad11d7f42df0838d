"""``[sources]``: MSPA and the source-selection rules (docs/methods/sources.md)."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from econet.config.base import PositiveFloat, Ref, Section, Weight, some_weight


class MSPASection(Section):
    """MSPA parameters (GuidosToolbox conventions). Edge width in metres is converted to whole
    pixels by rounding to the nearest integer, at least 1 (GTB accepts integer pixels only)."""

    connectivity: Literal[4, 8] = 8
    edge_width_m: PositiveFloat | None = None
    edge_width_px: int | None = Field(None, ge=1)
    transition: bool = True
    intext: bool = True

    @model_validator(mode="after")
    def _one_width(self):
        if self.edge_width_m is not None and self.edge_width_px is not None:
            raise ValueError("give edge_width_m or edge_width_px, not both")
        return self

    def edge_width_pixels(self, cell_size_m: float) -> int:
        if self.edge_width_px is not None:
            return self.edge_width_px
        if self.edge_width_m is None:
            return 1
        return max(1, int(math.floor(self.edge_width_m / cell_size_m + 0.5)))


class _WeightedLayers(Section):
    """A rule that scores cells by a weighted sum of layers and keeps the top classes of it."""

    weights: dict[str, Weight]

    @field_validator("weights")
    @classmethod
    def _positive(cls, v: dict[str, float]) -> dict[str, float]:
        return some_weight(v)

    def _keep_at_most(self, keep: str, total: str):
        if getattr(self, keep) > getattr(self, total):
            raise ValueError(f"{keep} ({getattr(self, keep)}) cannot exceed {total} ({getattr(self, total)})")
        return self


class ServicesRule(_WeightedLayers):
    """Ecosystem-service sources (Feng et al. 2024): range-normalised services, weighted, averaged
    on ``block_m`` blocks, ``levels`` natural-breaks levels; the top ``keep_levels`` are candidates."""

    weights: dict[str, Weight]  # raster layer -> weight (Feng et al. 2024: HQ 0.45, SR 0.24, WY 0.21, CS 0.10)
    block_m: PositiveFloat | None = 3000.0  # averaging grid; omit for per-cell scores
    levels: int = Field(5, ge=2, le=9)
    keep_levels: int = Field(2, ge=1)  # "very important" and "important"

    @model_validator(mode="after")
    def _keep_fewer(self):
        return self._keep_at_most("keep_levels", "levels")


class SensitivityRule(_WeightedLayers):
    """Ecological-sensitivity sources (Chang et al. 2018): S = Σ wᵢ xᵢ of graded factor layers,
    ``classes`` natural-breaks classes, the top ``keep_classes`` minus developed land, patches
    ≥ ``min_area_km2``."""

    weights: dict[str, Weight]  # graded factor layer -> weight (AHP)
    classes: int = Field(5, ge=2, le=9)
    keep_classes: int = Field(3, ge=1)
    exclude_classes: list[int] = [80]  # land-cover codes of developed land (GlobeLand30 80 artificial)
    min_area_km2: PositiveFloat = 1.0  # 100 ha

    @model_validator(mode="after")
    def _keep_fewer(self):
        return self._keep_at_most("keep_classes", "classes")


class ConnectivityRule(Section):
    """Keep patches whose importance for connectivity exceeds ``min_importance_pct`` (Yang et al.:
    dPC > 1 at 5000 m, p = 0.5; Feng et al. 2024: 2500 m, p = 0.5; Chang et al. 2018: dIIC)."""

    index: Literal["dPC", "dIIC"] = "dPC"
    min_importance_pct: float = Field(1.0, ge=0)
    distance_m: PositiveFloat = 5000.0
    probability: Annotated[float, Field(gt=0, lt=1)] = 0.5  # dPC only
    landscape_area_km2: PositiveFloat | None = None  # A_L; default the study area (cells that may be habitat)


class IsletsRule(Section):
    """MSPA islets as stepping-stone candidates (the Xuzhou SEEC preprint), with their shape index."""

    min_area_km2: Annotated[float, Field(ge=0)] = 0.0
    max_lsi: PositiveFloat | None = None  # keep compact ones: LSI = E / (2√(πA)), 1 for a circle


class SourcesSection(Section):
    """Ecological sources, composed in this order: candidate cells (``candidates``: MSPA cores at
    least ``min_core_area_km2``, service importance, sensitivity), union with ``protected``
    polygons, patches (``patch_connectivity``), merging within ``merge_within_m``, at least
    ``min_area_km2``, size classes (``size_classes_km2``, kept if listed in
    ``keep_size_classes``), connectivity importance. Layers named here may be input layers or
    rasters that ``[indicators]`` computes (e.g. ``habitat_quality``)."""

    mspa: MSPASection = MSPASection()
    candidates: list[Literal["mspa_core", "services", "sensitivity"]] = Field(["mspa_core"], min_length=1)
    min_core_area_km2: PositiveFloat | None = None
    min_area_km2: PositiveFloat = 1.0
    patch_connectivity: Literal[4, 8] = 8
    protected: list[str] = []  # vector layers (redline, reserves) whose polygons become source cells
    merge_within_m: Annotated[float, Field(ge=0)] = 0.0
    # super-large / large / medium / small thresholds; default 7, 4 and 1 times min_area_km2 (Feng
    # et al. 2024: 7/4/1 km² with sources >= 1 km²), so that they follow the study's scale
    size_classes_km2: list[PositiveFloat] | None = None
    keep_size_classes: list[Literal["super-large", "large", "medium", "small"]] | None = None
    mean_of: list[str] = []  # raster layers averaged over each source in the patch table
    # A raster whose non-zero cells become sources whatever the rules (1 = a new source,
    # 2 = a stepping stone): patches added by a restoration scenario (docs/methods/scenarios.md).
    include: str | None = None
    # open sea: drop wetland-water sources of at least this area that touch the edge of the data
    exclude_edge_water_km2: PositiveFloat | None = None
    # a vector layer of mines: cells inside those whose mine_status_field is in producing_status
    # are not habitat (a producing pit or dump is not a source, whatever the land cover says)
    exclude_mines: str | None = None
    mine_status_field: str = "status"
    producing_status: list[str] = ["producing"]
    services: ServicesRule | None = None
    sensitivity: SensitivityRule | None = None
    connectivity: ConnectivityRule | None = None
    islets: IsletsRule | None = None

    @model_validator(mode="after")
    def _rules_present(self):
        for rule in ("services", "sensitivity"):
            if rule in self.candidates and getattr(self, rule) is None:
                raise ValueError(f'candidates lists "{rule}" but [sources.{rule}] is missing; add it with its weights')
        if self.size_classes_km2 is not None and len(set(self.size_classes_km2)) != 3:
            raise ValueError("size_classes_km2 needs three different thresholds, e.g. [7, 4, 1]")
        return self

    def size_thresholds_km2(self) -> list[float]:
        """The size-class thresholds: as given, or 7, 4 and 1 times ``min_area_km2``."""
        if self.size_classes_km2 is not None:
            return list(self.size_classes_km2)
        return [7.0 * self.min_area_km2, 4.0 * self.min_area_km2, self.min_area_km2]

    def refs(self, at: str) -> list[Ref]:
        out = []
        for rule in ("services", "sensitivity"):
            if getattr(self, rule) is not None:
                out += [Ref(f"{at}.{rule}.weights.{k}", "layer", k) for k in getattr(self, rule).weights]
        out += [Ref(f"{at}.mean_of", "layer", k) for k in self.mean_of]
        out += [Ref(f"{at}.protected", "vector", k) for k in self.protected]
        if self.include:
            out.append(Ref(f"{at}.include", "layer", self.include))
        if self.exclude_mines:
            out.append(Ref(f"{at}.exclude_mines", "vector", self.exclude_mines))
        return out


__all__ = [
    "ConnectivityRule",
    "IsletsRule",
    "MSPASection",
    "SensitivityRule",
    "ServicesRule",
    "SourcesSection",
]
