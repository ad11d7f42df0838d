"""``[sources]``: MSPA and the source-selection rules (docs/methods/sources.md)."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from econet.config.base import PositiveFloat, Ref, Section, Weight, some_weight
from econet.config.resistance import AHPSpec, FactorSpec


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
    """A rule that scores cells by a weighted sum of layers and keeps the top classes of it.

    ``weighting``: ``given`` (``weights``), ``ahp`` (``[....ahp]``: factors are the layers, one
    matrix or several experts' matrices) or ``pca`` (``layers``; PCA of a sample of cells, with
    KMO and Bartlett's test reported, as Feng et al. 2024 computed the service weights in SPSS)."""

    weights: dict[str, Weight] = {}
    weighting: Literal["given", "ahp", "pca"] = "given"
    ahp: AHPSpec | None = None
    layers: list[str] = []  # pca: the layers to weight
    weights_sample_size: int = Field(100_000, ge=10)  # cells sampled for PCA
    weights_seed: int = 0

    @field_validator("weights")
    @classmethod
    def _positive(cls, v: dict[str, float]) -> dict[str, float]:
        return some_weight(v) if v else v

    @model_validator(mode="after")
    def _weighting(self):
        if self.weighting == "given" and not self.weights:
            raise ValueError("weighting = 'given' needs weights = {layer = weight, ...}")
        if self.weighting == "ahp" and self.ahp is None:
            raise ValueError("weighting = 'ahp' needs an ahp table with factors (the layers) and matrix or experts")
        if self.weighting == "pca" and len(self.layers) < 2:
            raise ValueError("weighting = 'pca' needs layers = [at least two raster names]")
        if self.weighting != "given" and self.weights:
            raise ValueError(f"weights are computed with weighting = '{self.weighting}'; remove weights")
        return self

    def layer_names(self) -> list[str]:
        """The rasters the rule weights."""
        if self.weighting == "ahp":
            return list(self.ahp.factors)
        if self.weighting == "pca":
            return list(self.layers)
        return list(self.weights)

    def _keep_at_most(self, keep: str, total: str):
        if getattr(self, keep) > getattr(self, total):
            raise ValueError(f"{keep} ({getattr(self, keep)}) cannot exceed {total} ({getattr(self, total)})")
        return self


class ServicesRule(_WeightedLayers):
    """Ecosystem-service sources (Feng et al. 2024): range-normalised services, weighted, averaged
    on ``block_m`` blocks, ``levels`` natural-breaks levels; the top ``keep_levels`` are candidates."""

    # raster layer -> weight (Feng et al. 2024: HQ 0.45, SR 0.24, WY 0.21, CS 0.10)
    block_m: PositiveFloat | None = 3000.0  # averaging grid; omit for per-cell scores
    levels: int = Field(5, ge=2, le=9)
    keep_levels: int = Field(2, ge=1)  # "very important" and "important"

    @model_validator(mode="after")
    def _keep_fewer(self):
        return self._keep_at_most("keep_levels", "levels")


class SensitivityRule(_WeightedLayers):
    """Ecological-sensitivity sources (Chang et al. 2018): S = Σ wᵢ xᵢ of graded factor layers,
    ``classes`` natural-breaks classes, the top ``keep_classes`` minus developed land, patches
    ≥ ``min_area_km2``. The graded factors are rasters named in the weights, or
    ``[[sources.sensitivity.factors]]`` graded here as resistance factors are (kinds, grading,
    breaks, levels: docs/methods/resistance.md), weighted by their names."""

    factors: list[FactorSpec] = []

    @model_validator(mode="after")
    def _factor_names(self):
        if self.factors:
            names = [f.name for f in self.factors]
            if sorted(names) != sorted(self.layer_names()):
                raise ValueError(f"the weighted names {self.layer_names()} must be the factors' names {names}")
        return self

    # graded factor layer -> weight (Chang et al. 2018, Tong et al. 2025: AHP)
    classes: int = Field(5, ge=2, le=9)
    keep_classes: int = Field(3, ge=1)
    exclude_classes: list[int] = [80]  # land-cover codes of developed land (GlobeLand30 80 artificial)
    min_area_km2: PositiveFloat = 1.0  # 100 ha

    @model_validator(mode="after")
    def _keep_fewer(self):
        return self._keep_at_most("keep_classes", "classes")


class ConnectivityRule(Section):
    """Keep patches whose importance for connectivity exceeds ``min_importance_pct`` (Yang et al.:
    dPC > 1 at 5000 m, p = 0.5; Feng et al. 2024: 2500 m, p = 0.5; Chang et al. 2018: dIIC).
    With ``levels``, the kept sources are graded by natural breaks of their importance into that
    many levels, 1 the most important (Yang et al. grade their sources by dPC: first, second and
    third level)."""

    index: Literal["dPC", "dIIC"] = "dPC"
    min_importance_pct: float = Field(1.0, ge=0)
    distance_m: PositiveFloat = 5000.0
    probability: Annotated[float, Field(gt=0, lt=1)] = 0.5  # dPC only
    landscape_area_km2: PositiveFloat | None = None  # A_L; default the study extent
    levels: int | None = Field(None, ge=2, le=9)  # grade the kept sources by importance


class CoreConnectivityRule(Section):
    """Candidate cells from the connectivity of MSPA core patches (Tong et al. 2025, §2.2.3): dPC
    (or dIIC) of every core patch of at least ``sources.min_core_area_km2``, graded into
    ``levels`` natural-breaks levels; the cores in the top ``keep_levels`` are candidates."""

    index: Literal["dPC", "dIIC"] = "dPC"
    distance_m: PositiveFloat = 5000.0
    probability: Annotated[float, Field(gt=0, lt=1)] = 0.5
    levels: int = Field(5, ge=2, le=9)
    keep_levels: int = Field(2, ge=1)

    @model_validator(mode="after")
    def _keep_fewer(self):
        if self.keep_levels > self.levels:
            raise ValueError(f"keep_levels ({self.keep_levels}) cannot exceed levels ({self.levels})")
        return self


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
    candidates: list[Literal["mspa_core", "core_connectivity", "services", "sensitivity"]] = Field(
        ["mspa_core"], min_length=1
    )
    # how the candidate rules combine: any of them (union) or all of them (intersection: Tong et
    # al. 2025 overlay the top connectivity and the top sensitivity levels)
    combine: Literal["union", "intersection"] = "union"
    min_core_area_km2: PositiveFloat | None = None
    min_area_km2: PositiveFloat = 1.0
    patch_connectivity: Literal[4, 8] = 8
    protected: list[str] = []  # vector layers (redline, reserves) whose polygons become source cells
    merge_within_m: Annotated[float, Field(ge=0)] = 0.0
    size_classes_km2: list[PositiveFloat] = [7.0, 4.0, 1.0]  # super-large / large / medium / small
    keep_size_classes: list[Literal["super-large", "large", "medium", "small"]] | None = None
    mean_of: list[str] = []  # raster layers averaged over each source in the patch table
    # A raster whose non-zero cells become sources whatever the rules (1 = a new source,
    # 2 = a stepping stone): patches added by a restoration scenario (docs/methods/scenarios.md).
    include: str | None = None
    services: ServicesRule | None = None
    sensitivity: SensitivityRule | None = None
    connectivity: ConnectivityRule | None = None
    core_connectivity: CoreConnectivityRule | None = None
    islets: IsletsRule | None = None

    @model_validator(mode="after")
    def _rules_present(self):
        for rule in ("services", "sensitivity", "core_connectivity"):
            if rule in self.candidates and getattr(self, rule) is None:
                raise ValueError(f'candidates lists "{rule}" but [sources.{rule}] is missing; add it')
        if len(set(self.size_classes_km2)) != 3:
            raise ValueError("size_classes_km2 needs three different thresholds, e.g. [7, 4, 1]")
        return self

    def refs(self, at: str) -> list[Ref]:
        out = []
        for rule in ("services", "sensitivity"):
            if getattr(self, rule) is not None:
                r = getattr(self, rule)
                if getattr(r, "factors", None):
                    for i, f in enumerate(r.factors):
                        where = f"{at}.{rule}.factors.{i}"
                        if f.kind == "slope" or f.layer:
                            out.append(Ref(f"{where}.layer", "layer", f.layer or "dem"))
                        if f.vector:
                            out.append(Ref(f"{where}.vector", "vector", f.vector))
                elif r.weighting == "given":
                    out += [Ref(f"{at}.{rule}.weights.{k}", "layer", k) for k in r.weights]
                else:
                    key = "ahp.factors" if r.weighting == "ahp" else "layers"
                    out += [Ref(f"{at}.{rule}.{key}", "layer", k) for k in r.layer_names()]
        out += [Ref(f"{at}.mean_of", "layer", k) for k in self.mean_of]
        out += [Ref(f"{at}.protected", "vector", k) for k in self.protected]
        if self.include:
            out.append(Ref(f"{at}.include", "layer", self.include))
        return out


__all__ = [
    "ConnectivityRule",
    "CoreConnectivityRule",
    "IsletsRule",
    "MSPASection",
    "SensitivityRule",
    "ServicesRule",
    "SourcesSection",
]
