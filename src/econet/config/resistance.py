"""``[resistance]``: factors, their grading, weights and corrections (docs/methods/resistance.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from econet.config.base import PositiveFloat, Ref, Section
from econet.presets import with_preset
from econet.resistance.weights import aggregate_judgements, ahp, ahp_checked


class SlopeFactor(Section):
    """Slope (degrees, from the DEM) graded by manual thresholds into levels.

    The short form of a slope factor used when ``[[resistance.factors]]`` is not given."""

    layer: str = "dem"
    breaks_deg: list[float] = [2.0, 6.0, 15.0, 25.0]
    grades: list[PositiveFloat] = [1.0, 3.0, 5.0, 7.0, 9.0]

    @model_validator(mode="after")
    def _consistent(self):
        if any(b2 <= b1 for b1, b2 in zip(self.breaks_deg, self.breaks_deg[1:])):
            raise ValueError("breaks_deg must increase strictly")
        if any(b < 0 for b in self.breaks_deg):
            raise ValueError("breaks_deg must be >= 0 degrees")
        if len(self.grades) != len(self.breaks_deg) + 1:
            raise ValueError(
                f"grades needs one more entry than breaks_deg ({len(self.breaks_deg) + 1}), got {len(self.grades)}"
            )
        return self


FactorKind = Literal["landcover", "categorical", "raster", "slope", "distance", "density", "point_density", "mines"]
Grading = Literal["table", "manual", "natural_breaks", "quantiles", "equal_interval", "none"]


class MineBand(Section):
    """Distance bands of one mine type: ``values`` in bands whose upper bounds are ``breaks_m``."""

    mineral: str
    method: str
    status: str
    breaks_m: list[PositiveFloat]
    values: list[PositiveFloat]

    @model_validator(mode="after")
    def _consistent(self):
        if any(b2 <= b1 for b1, b2 in zip(self.breaks_m, self.breaks_m[1:])):
            raise ValueError("breaks_m must increase strictly")
        if len(self.values) != len(self.breaks_m) + 1:
            raise ValueError(f"values needs one more entry than breaks_m ({len(self.breaks_m) + 1})")
        return self


class FactorSpec(Section):
    """One resistance factor (docs/methods/resistance.md): where its values come from and how they are graded.

    kinds: ``landcover`` (class table or ``table``), ``categorical`` (any class layer by
    ``table``), ``raster`` (a continuous layer as is: night lights, population density, NDVI,
    DEM...), ``slope`` (degrees from the DEM ``layer``), ``distance`` (Euclidean distance in m
    to the features of ``vector``, optionally filtered by ``where``), ``density`` (kernel density
    of the lines of ``vector`` in km/km² within ``radius_m``), ``point_density`` (kernel density
    of the points of ``vector`` in points/km² within ``radius_m``: geohazard sites, Yang et al.), ``mines`` (the mine surface of
    Feng et al. (2024), Table 2, from ``vector``'s mineral, method and status).
    """

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    kind: FactorKind
    layer: str | None = None
    vector: str | None = None
    where: dict[str, list[str | int | float]] = {}  # keep features whose attribute is in the list
    radius_m: PositiveFloat | None = None  # density search radius
    kernel: Literal["quartic", "uniform"] = "quartic"  # ArcGIS Kernel Density / Line Density
    transform: Literal["none", "abs"] = "none"  # grade |value| (the DEM bands of Feng et al. 2024)
    grading: Grading | None = None  # default: table (class kinds), none (mines), natural_breaks
    breaks: list[float] | None = None  # manual upper bounds, right-closed
    levels: list[PositiveFloat] = [1.0, 3.0, 5.0, 7.0, 9.0]  # low to high values of the factor
    direction: Literal["increasing", "decreasing"] = "increasing"  # more value = more resistance?
    table: dict[str, PositiveFloat] | None = None  # class code -> level
    sample_size: int = Field(10_000, ge=100)  # natural breaks: cells sampled (ArcGIS default 10 000)
    seed: int = 0
    missing: Literal["error", "impassable", "highest", "lowest"] = "error"  # valid cells without a value
    combine: Literal["weight", "max"] = "weight"  # in the weighted sum, or max(base, factor)
    mine_fields: list[str] = Field(["mineral", "method", "status"], min_length=3, max_length=3)
    mine_bands: Literal["seed001"] | list[MineBand] = "seed001"
    note: str | None = None

    @property
    def method(self) -> str:
        if self.grading is not None:
            return self.grading
        if self.kind in ("landcover", "categorical"):
            return "table"
        return "none" if self.kind == "mines" else "natural_breaks"

    @model_validator(mode="after")
    def _consistent(self):
        k, m = self.kind, self.method
        if k in ("categorical", "raster") and not self.layer:
            raise ValueError(f"a {k} factor needs layer = the name of a raster in [layers]")
        if k in ("distance", "density", "point_density", "mines") and not self.vector:
            raise ValueError(f"a {k} factor needs vector = the name of a layer in [vectors]")
        if k in ("density", "point_density") and self.radius_m is None:
            raise ValueError(f"a {k} factor needs radius_m (the kernel's search radius in metres)")
        if k == "categorical" and not self.table:
            raise ValueError("a categorical factor needs table = {code = level, ...}")
        if m == "table" and k not in ("landcover", "categorical"):
            raise ValueError(f"grading = 'table' is for class layers; a {k} factor needs breaks")
        if k in ("landcover", "categorical") and m != "table":
            raise ValueError(f"a {k} factor is graded by table")
        if k == "mines" and m != "none":
            raise ValueError("a mines factor takes its values from mine_bands; remove grading")
        if self.table is not None:
            bad = [c for c in self.table if not c.lstrip("-").isdigit()]
            if bad:
                raise ValueError(f"table keys must be integer class codes, got {bad}")
        if m == "manual":
            if not self.breaks:
                raise ValueError("grading = 'manual' needs breaks = [upper bounds of all but the last level]")
            if any(b2 <= b1 for b1, b2 in zip(self.breaks, self.breaks[1:])):
                raise ValueError("breaks must increase strictly")
            if len(self.levels) != len(self.breaks) + 1:
                raise ValueError(
                    f"levels needs one more entry than breaks ({len(self.breaks) + 1}), got {len(self.levels)}"
                )
        elif self.breaks is not None:
            raise ValueError("breaks are only used with grading = 'manual'")
        if m in ("natural_breaks", "quantiles", "equal_interval") and len(self.levels) < 2:
            raise ValueError("levels needs at least two entries (one per class)")
        return self


class AHPSpec(Section):
    """AHP pairwise comparison matrix: ``matrix[i][j]`` = importance of ``factors[i]`` over ``factors[j]``
    on Saaty's 1/9..9 scale (numbers or strings such as "1/3"). Or ``experts``: several experts'
    matrices, combined by the element-wise geometric mean (Aczél & Saaty 1983) before the weights
    are computed; the combined matrix's CR is checked."""

    factors: list[str]
    matrix: list[list[float | str]] | None = None
    experts: list[list[list[float | str]]] | None = None
    max_cr: Annotated[float, Field(gt=0, le=1)] = 0.1

    @model_validator(mode="after")
    def _consistent(self):
        if len(set(self.factors)) != len(self.factors):
            raise ValueError("a factor is listed twice in ahp.factors")
        if (self.matrix is None) == (self.experts is None):
            raise ValueError("give matrix (one judgement matrix) or experts (a list of matrices), not both")
        ahp_checked(self.judgements(), self.factors, self.max_cr)  # CR >= max_cr: the worst judgements
        return self

    def judgements(self):
        """The matrix the weights come from: ``matrix``, or the experts' geometric mean."""
        if self.matrix is not None:
            return self.matrix
        return aggregate_judgements(self.experts).tolist()


class CorrectionSpec(Section):
    """A correction index (Yang et al.): R' = R · c (``multiply``) or R + weight · c (``add``).

    The index c is a raster ``layer``, or the kernel density (points/km²) of the points of
    ``vector`` within ``radius_m`` (Yang et al.'s geohazard-site density)."""

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    layer: str | None = None
    vector: str | None = None
    radius_m: PositiveFloat | None = None
    kernel: Literal["quartic", "uniform"] = "quartic"
    mode: Literal["multiply", "add"] = "multiply"
    normalize: Literal["mean", "minmax", "none"] = "mean"
    weight: PositiveFloat = 1.0

    @model_validator(mode="after")
    def _one_source(self):
        if (self.layer is None) == (self.vector is None):
            raise ValueError("a correction needs layer = a raster, or vector = a point layer with radius_m; give one")
        if self.vector is not None and self.radius_m is None:
            raise ValueError("a point-density correction needs radius_m (the kernel's search radius in metres)")
        return self


class ResistanceSection(Section):
    """Weighted sum of graded factors, optional max-combined factors and corrections (docs/methods/resistance.md).

    Without ``[[resistance.factors]]`` the factors are land cover (class table grade) and slope
    (``[resistance.slope]``). ``preset`` loads a published study's factors and weights
    (``seed000``, ``seed001``, ``seed002``, ``seed004``...; docs/references.md says which study
    each holds); keys given here replace the preset's.
    """

    preset: str | None = None
    factors: list[FactorSpec] = []
    weighting: Literal["given", "ahp", "entropy", "pca"] = "given"
    normalize_weights: bool = False  # rescale given weights that do not sum to 1 (reported)
    weights: dict[str, Annotated[float, Field(ge=0, le=1)]] = {
        "landcover": 0.7,
        "slope": 0.3,
    }
    ahp: AHPSpec | None = None
    weights_sample_size: int = Field(100_000, ge=10)  # cells sampled for entropy / PCA weights
    weights_seed: int = 0
    slope: SlopeFactor | None = None
    corrections: list[CorrectionSpec] = []
    # A raster of resistances (same scale as the surface): where it holds a finite value lower
    # than the surface's, the surface takes it. Restoration scenarios use it for restored
    # barriers, crossing structures and upgraded corridors (docs/methods/scenarios.md).
    lower_to: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _apply_preset(cls, data):
        return with_preset(data) if isinstance(data, dict) else data

    @field_validator("weights")
    @classmethod
    def _sum_to_one(cls, v: dict[str, float], info: ValidationInfo) -> dict[str, float]:
        if info.data.get("weighting", "given") != "given":
            return v
        total = sum(v.values())
        if not v:
            raise ValueError("at least one factor weight is needed, e.g. {landcover = 1.0}")
        if abs(total - 1.0) > 1e-6 and not info.data.get("normalize_weights", False):
            raise ValueError(
                f"weights must sum to 1, they sum to {total:.6g}; rescale them (or set normalize_weights = true)"
            )
        return v

    def resolved_factors(self) -> list[FactorSpec]:
        """The factors to compute (given ones, or the implicit land cover + slope)."""
        if self.factors:
            return list(self.factors)
        slope = self.slope or SlopeFactor()
        implicit = [
            FactorSpec(name="landcover", kind="landcover"),
            FactorSpec(
                name="slope",
                kind="slope",
                layer=slope.layer,
                grading="manual",
                breaks=slope.breaks_deg,
                levels=slope.grades,
            ),
        ]
        return [f for f in implicit if self.weights.get(f.name, 0) > 0]

    def weighted_names(self) -> list[str]:
        return [f.name for f in self.resolved_factors() if f.combine == "weight"]

    @model_validator(mode="after")
    def _factors_and_weights(self):
        names = [f.name for f in self.factors]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"factor name(s) {dup} are used twice; give each factor its own name")
        if self.factors and self.slope is not None:
            raise ValueError("[resistance.slope] is the short form; with [[resistance.factors]] list slope there")
        weighted = self.weighted_names()
        if self.weighting == "given":
            if self.factors:
                if "weights" not in self.model_fields_set:
                    raise ValueError(f"weighting = 'given' needs weights for {weighted}")
                unknown = sorted(set(self.weights) - set(weighted))
                if unknown:
                    raise ValueError(f"weights name {unknown}, which are not factors combined by weight {weighted}")
                lacking = sorted(set(weighted) - set(self.weights))
                if lacking:
                    raise ValueError(f"no weight for factor(s) {lacking}; add them to weights")
            else:
                unknown = sorted(set(self.weights) - {"landcover", "slope"})
                if unknown:
                    raise ValueError(
                        f"weights name {unknown}, which are not factors; without [[resistance.factors]] the "
                        "factors are 'landcover' and 'slope' (check the spelling, or list your factors)"
                    )
        elif self.weighting == "ahp":
            if self.ahp is None:
                raise ValueError("weighting = 'ahp' needs [resistance.ahp] with factors and matrix")
            if sorted(self.ahp.factors) != sorted(weighted):
                raise ValueError(f"ahp.factors {self.ahp.factors} must list the weighted factors {weighted}")
        elif len(weighted) < 2:
            raise ValueError(f"weighting = '{self.weighting}' needs at least two factors combined by weight")
        return self

    def resolved_weights(self) -> dict[str, float] | None:
        """Weights known before the data is read (given or AHP); None for entropy / PCA."""
        if self.weighting == "given":
            w = {k: v for k, v in self.weights.items() if v > 0}
            total = sum(w.values())
            return {k: v / total for k, v in w.items()} if self.normalize_weights else w
        if self.weighting == "ahp":
            res = ahp(self.ahp.judgements())
            return dict(zip(self.ahp.factors, res.weights.tolist()))
        return None

    def refs(self, at: str) -> list[Ref]:
        out = []
        for i, f in enumerate(self.factors) if self.factors else enumerate(self.resolved_factors()):
            where = f"{at}.factors.{i}" if self.factors else f"{at}.slope"
            if f.kind == "slope" or f.layer:
                out.append(Ref(f"{where}.layer", "layer", f.layer or "dem"))
            if f.vector:
                out.append(Ref(f"{where}.vector", "vector", f.vector))
        for i, c in enumerate(self.corrections):
            if c.layer:
                out.append(Ref(f"{at}.corrections.{i}.layer", "layer", c.layer))
            else:
                out.append(Ref(f"{at}.corrections.{i}.vector", "vector", c.vector))
        if self.lower_to:
            out.append(Ref(f"{at}.lower_to", "layer", self.lower_to))
        return out


__all__ = ["AHPSpec", "CorrectionSpec", "FactorSpec", "MineBand", "ResistanceSection", "SlopeFactor"]
