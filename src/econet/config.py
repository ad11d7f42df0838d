"""The study file: a TOML document validated by a typed schema (DESIGN.md principle 4).

Every problem in a study (unknown keys, wrong types, missing files, impossible values) is
collected and reported together as a :class:`~econet.errors.StudyError`, each with its dotted
key path and what to do. Units are in key names (``min_area_km2``, ``edge_width_m``).
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from econet.errors import Problem, StudyError
from econet.landcover import CLASS_TABLES, SOURCE_TYPES, LandCoverClass

PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class _Section(BaseModel):
    """Strict section: unknown keys are errors (a typo must not silently fall back to a default)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _resolve(path: str, info: ValidationInfo) -> str:
    base = Path((info.context or {}).get("base_dir", "."))
    full = Path(path).expanduser()
    if not full.is_absolute():
        full = base / full
    if (info.context or {}).get("check_files", True) and not full.exists():
        raise ValueError(f"file not found: {full}. Fix the path (relative paths are read from the study file's folder)")
    return str(full.resolve()) if full.exists() else str(full)


class _FileInput(_Section):
    """An input file; a relative path is read from the study file's folder."""

    path: str

    @field_validator("path")
    @classmethod
    def _exists(cls, v: str, info: ValidationInfo) -> str:
        return _resolve(v, info)


class RasterLayer(_FileInput):
    """A raster input. ``kind`` decides resampling (METHODS.md §1)."""

    kind: Literal["categorical", "continuous"] = "continuous"
    band: int = Field(1, ge=1)
    nodata: float | None = None  # overrides the file's own nodata value


class VectorLayer(_FileInput):
    """A vector input (any OGR format); ``layer`` picks one layer of a multi-layer file."""

    layer: str | None = None


class ClassEntry(_Section):
    code: int
    name: str
    habitat: bool
    source_type: Literal["forest", "shrub-grass", "wetland-water"] | None = None
    resistance: PositiveFloat
    carbon_t_ha_a: float = Field(0.0, ge=0)
    colour: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$")


class LandCoverSection(_Section):
    """Which layer is land cover and its class table (a named table, and/or classes inline)."""

    layer: str = "landcover"
    table: Literal["globeland30", "nc_landclass96"] | None = "globeland30"
    classes: list[ClassEntry] = []

    @model_validator(mode="after")
    def _some_classes(self):
        if self.table is None and not self.classes:
            raise ValueError('no classes: set table = "globeland30" or list [[landcover.classes]]')
        codes = [c.code for c in self.classes]
        if len(codes) != len(set(codes)):
            raise ValueError("a class code is listed twice in [[landcover.classes]]; list each code once")
        return self

    def resolved(self) -> tuple[LandCoverClass, ...]:
        """The named table with inline classes replacing or adding codes."""
        merged = {c.code: c for c in (CLASS_TABLES[self.table] if self.table else ())}
        for c in self.classes:
            merged[c.code] = LandCoverClass(**c.model_dump())
        return tuple(merged[k] for k in sorted(merged))


class MSPASection(_Section):
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


Weight = Annotated[float, Field(ge=0, allow_inf_nan=False)]


def _some_weight(v: dict[str, float]) -> dict[str, float]:
    if not v or sum(v.values()) <= 0:
        raise ValueError("give at least one layer with a positive weight, e.g. {habitat_quality = 1.0}")
    return v


class ServicesRule(_Section):
    """Ecosystem-service sources (seed 001): range-normalised services, weighted, averaged on
    ``block_m`` blocks, five natural-breaks levels; the top ``keep_levels`` levels are candidates."""

    weights: dict[str, Weight]  # raster layer -> weight (001: HQ 0.45, SR 0.24, WY 0.21, CS 0.10)
    block_m: PositiveFloat | None = 3000.0  # averaging grid; omit for per-cell scores
    levels: int = Field(5, ge=2, le=9)
    keep_levels: int = Field(2, ge=1)  # 001: "very important" and "important"

    @field_validator("weights")
    @classmethod
    def _positive(cls, v: dict[str, float]) -> dict[str, float]:
        return _some_weight(v)

    @model_validator(mode="after")
    def _keep_fewer(self):
        if self.keep_levels > self.levels:
            raise ValueError(f"keep_levels ({self.keep_levels}) cannot exceed levels ({self.levels})")
        return self


class SensitivityRule(_Section):
    """Ecological-sensitivity sources (seed 003): S = Σ wᵢ xᵢ of graded factor layers, five
    natural-breaks classes, the top ``keep_classes`` minus developed land, patches ≥ ``min_area_km2``."""

    weights: dict[str, Weight]  # graded factor layer -> weight (AHP)
    classes: int = Field(5, ge=2, le=9)
    keep_classes: int = Field(3, ge=1)
    exclude_classes: list[int] = [80]  # land-cover codes of developed land (GlobeLand30 80 artificial)
    min_area_km2: PositiveFloat = 1.0  # 003: 100 ha

    @field_validator("weights")
    @classmethod
    def _positive(cls, v: dict[str, float]) -> dict[str, float]:
        return _some_weight(v)

    @model_validator(mode="after")
    def _keep_fewer(self):
        if self.keep_classes > self.classes:
            raise ValueError(f"keep_classes ({self.keep_classes}) cannot exceed classes ({self.classes})")
        return self


class ConnectivityRule(_Section):
    """Keep patches whose importance for connectivity exceeds ``min_importance_pct`` (002: dPC > 1
    at 5000 m, p = 0.5; 001: 2500 m, p = 0.5; 003: dIIC)."""

    index: Literal["dPC", "dIIC"] = "dPC"
    min_importance_pct: float = Field(1.0, ge=0)
    distance_m: PositiveFloat = 5000.0
    probability: Annotated[float, Field(gt=0, lt=1)] = 0.5  # dPC only
    landscape_area_km2: PositiveFloat | None = None  # A_L; default the study extent


class IsletsRule(_Section):
    """MSPA islets as stepping-stone candidates (seed 000), with their shape index."""

    min_area_km2: Annotated[float, Field(ge=0)] = 0.0
    max_lsi: PositiveFloat | None = None  # keep compact ones: LSI = E / (2√(πA)), 1 for a circle


class SourcesSection(_Section):
    """Ecological sources, composed in this order: candidate cells (``candidates``: MSPA cores at
    least ``min_core_area_km2``, service importance, sensitivity), union with ``protected``
    polygons, patches (``patch_connectivity``), merging within ``merge_within_m``, at least
    ``min_area_km2`` (seed 000: > 4 km²), size classes (``size_classes_km2``, kept if listed in
    ``keep_size_classes``), connectivity importance. Seed 004: min_core_area_km2 = 0.5 and
    min_area_km2 = 4."""

    mspa: MSPASection = MSPASection()
    candidates: list[Literal["mspa_core", "services", "sensitivity"]] = Field(["mspa_core"], min_length=1)
    min_core_area_km2: PositiveFloat | None = None
    min_area_km2: PositiveFloat = 1.0
    patch_connectivity: Literal[4, 8] = 8
    protected: list[str] = []  # vector layers (redline, reserves) whose polygons become source cells
    merge_within_m: Annotated[float, Field(ge=0)] = 0.0
    size_classes_km2: list[PositiveFloat] = [7.0, 4.0, 1.0]  # super-large / large / medium / small
    keep_size_classes: list[Literal["super-large", "large", "medium", "small"]] | None = None
    mean_of: list[str] = []  # raster layers averaged over each source in the patch table
    services: ServicesRule | None = None
    sensitivity: SensitivityRule | None = None
    connectivity: ConnectivityRule | None = None
    islets: IsletsRule | None = None

    @model_validator(mode="after")
    def _rules_present(self):
        for rule in ("services", "sensitivity"):
            if rule in self.candidates and getattr(self, rule) is None:
                raise ValueError(f'candidates lists "{rule}" but [sources.{rule}] is missing; add it with its weights')
        if len(set(self.size_classes_km2)) != 3:
            raise ValueError("size_classes_km2 needs three different thresholds, e.g. [7, 4, 1]")
        return self


class SlopeFactor(_Section):
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


FactorKind = Literal["landcover", "categorical", "raster", "slope", "distance", "density", "mines"]
Grading = Literal["table", "manual", "natural_breaks", "quantiles", "equal_interval", "none"]


class MineBand(_Section):
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


class FactorSpec(_Section):
    """One resistance factor (METHODS.md §4): where its values come from and how they are graded.

    kinds: ``landcover`` (class table or ``table``), ``categorical`` (any class layer by
    ``table``), ``raster`` (a continuous layer as is: night lights, population density, NDVI,
    DEM...), ``slope`` (degrees from the DEM ``layer``), ``distance`` (Euclidean distance in m
    to the features of ``vector``, optionally filtered by ``where``), ``density`` (kernel density
    of the lines of ``vector`` in km/km² within ``radius_m``), ``mines`` (seed 001 Table 2 mine
    surface from ``vector``'s mineral, method and status).
    """

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    kind: FactorKind
    layer: str | None = None
    vector: str | None = None
    where: dict[str, list[str | int | float]] = {}  # keep features whose attribute is in the list
    radius_m: PositiveFloat | None = None  # density search radius
    kernel: Literal["quartic", "uniform"] = "quartic"  # ArcGIS Kernel Density / Line Density
    transform: Literal["none", "abs"] = "none"  # grade |value| (seed 001's DEM bands)
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
        if k in ("distance", "density", "mines") and not self.vector:
            raise ValueError(f"a {k} factor needs vector = the name of a layer in [vectors]")
        if k == "density" and self.radius_m is None:
            raise ValueError("a density factor needs radius_m (the kernel's search radius in metres)")
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


class AHPSpec(_Section):
    """AHP pairwise comparison matrix: ``matrix[i][j]`` = importance of ``factors[i]`` over ``factors[j]``
    on Saaty's 1/9..9 scale (numbers or strings such as "1/3")."""

    factors: list[str]
    matrix: list[list[float | str]]
    max_cr: Annotated[float, Field(gt=0, le=1)] = 0.1

    @model_validator(mode="after")
    def _consistent(self):
        from econet.resistance.weights import ahp_checked

        if len(set(self.factors)) != len(self.factors):
            raise ValueError("a factor is listed twice in ahp.factors")
        ahp_checked(self.matrix, self.factors, self.max_cr)  # CR >= max_cr: the worst judgements
        return self


class CorrectionSpec(_Section):
    """A correction index (seed 002): R' = R · c (``multiply``) or R + weight · c (``add``)."""

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    layer: str
    mode: Literal["multiply", "add"] = "multiply"
    normalize: Literal["mean", "minmax", "none"] = "mean"
    weight: PositiveFloat = 1.0


class ResistanceSection(_Section):
    """Weighted sum of graded factors, optional max-combined factors and corrections (METHODS.md §4).

    Without ``[[resistance.factors]]`` the factors are land cover (class table grade) and slope
    (``[resistance.slope]``). ``preset`` loads a seed's factors and weights (``seed000``,
    ``seed001``, ``seed002``, ``seed004``...); keys given here replace the preset's.
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

    @model_validator(mode="before")
    @classmethod
    def _apply_preset(cls, data):
        from econet.resistance.presets import with_preset

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
            from econet.resistance.weights import ahp

            res = ahp(self.ahp.matrix)
            return dict(zip(self.ahp.factors, res.weights.tolist()))
        return None


class CorridorsSection(_Section):
    """Least-cost paths and corridors between source pairs (Linkage Mapper; seeds 001, 003)."""

    # Candidate pairs: cheapest-source zones touch, nearest-source zones touch, or all pairs.
    pairs: Literal["allocation_adjacency", "euclidean_adjacency", "all"] = "allocation_adjacency"
    max_cost: PositiveFloat | None = None  # drop corridors costlier than this (cost units x m)
    max_euclid_m: PositiveFloat | None = None  # drop pairs whose edges are farther apart (m)
    n_nearest: int | None = Field(None, ge=1)  # keep each source's N cheapest neighbours
    drop_through_sources: bool = True  # drop a pair whose least-cost path crosses a third source
    width_cost: PositiveFloat | None = None  # NLCC corridors truncated at this CWD (cost units x m)
    regional_width_m: PositiveFloat = 400.0  # seed 003: 300-500 m
    subregional_width_m: PositiveFloat = 200.0  # seed 003: 100-300 m
    local_width_m: PositiveFloat = 100.0  # seed 003: 100 m
    gravity_area_unit: Literal["m2", "ha", "km2"] = "m2"  # unit of S in ln(S)
    roads: str | None = None  # vector layer for breakpoints (a LineString layer)
    road_class_field: str = "road_class"
    breakpoint_road_classes: list[str] = ["expressway", "highway"]
    mines: str | None = None  # vector layer for mine breakpoints and open-pit fracture surfaces
    mine_method_field: str = "method"
    open_pit: str = "open_pit"  # value of mine_method_field that marks open pits


class ConnectivitySection(_Section):
    """PC (p = ``probability`` at ``distance_m``) and IIC (links d <= ``iic_threshold_m``), Conefor rules."""

    distance_m: PositiveFloat = 5000.0  # with distance = "least_cost": a cumulative cost (resistance x m)
    probability: Annotated[float, Field(gt=0, le=1)] = 0.5
    landscape_area_km2: PositiveFloat | None = None  # A_L; default the study extent
    distance: Literal["edge", "centroid", "least_cost"] = "edge"  # least_cost: the corridor links' costs
    iic_threshold_m: PositiveFloat | None = None  # default: distance_m
    iic_strict: bool = False  # links where d < threshold (Makurhini) instead of d <= threshold (Conefor)
    min_probability: Annotated[float, Field(gt=0, le=1)] | None = None  # prune links below it; off = exact


class NetworkSection(_Section):
    """Topology, communities and correlations of the network (seed 000 §3.3, seed 004 §2.2.3)."""

    weight: str | None = "length_m"  # corridor attribute used as distance for weighted closeness/paths
    community_seed: int = 0  # Louvain is randomised; the seed makes it reproducible
    community_resolution: PositiveFloat = 1.0  # Gephi's default
    correlation: Literal["pearson", "spearman"] = "pearson"  # 000 Pearson, 004 Spearman
    correlation_by: str | None = "source_type"  # also per group of this node attribute


class RobustnessSection(_Section):
    """Random and targeted node attacks (seed 000 §3.6.1, seed 004 §2.2.4)."""

    random_repeats: int = Field(100, ge=1)
    targeted_by: Literal["degree", "betweenness"] = "degree"
    recalculate: bool = True  # recompute the ranking after each removal
    seed: int = 0
    # when a removed node counts as recovered in D and E (see econet.network.robustness)
    recovery: Literal["neighbour", "largest-component"] = "neighbour"
    edge_attacks: bool = True  # also attack corridors (random and by edge betweenness)


INDICATOR_MODELS = (
    "spectral",
    "rsei",
    "carbon_sink",
    "habitat_quality",
    "carbon_storage",
    "water_yield",
    "water_conservation",
    "sediment",
    "elasticity",
    "sensitivity",
)


class ThreatEntry(_Section):
    """A habitat-quality threat (InVEST threats table): a 0/1 raster layer and its reach."""

    layer: str
    max_distance_m: PositiveFloat
    weight: Annotated[float, Field(ge=0)] = 1.0
    decay: Literal["linear", "exponential"] = "linear"


class IndicatorsSection(_Section):
    """Ecological indicators and services (METHODS.md §8), computed only when [indicators] is
    given. ``models`` picks which; layers are named by the keys ending in ``_layer``."""

    models: list[Literal[INDICATOR_MODELS]] = ["spectral", "rsei", "carbon_sink"]
    backend: Literal["econet", "invest"] = "econet"  # "invest" runs natcap.invest (optional extra)
    biophysical_table: str | None = None  # InVEST-style CSV; default: bundled GlobeLand30 table
    # Spectral bands (surface reflectance) and the sensor that picks the wetness coefficients.
    sensor: Literal["landsat5", "landsat7", "landsat8"] = "landsat8"
    bands: dict[Literal["blue", "green", "red", "nir", "swir1", "swir2"], str] = {
        "blue": "blue",
        "green": "green",
        "red": "red",
        "nir": "nir",
        "swir1": "swir1",
        "swir2": "swir2",
    }
    lst_layer: str | None = None  # an LST raster, or the thermal band (see lst_kind)
    # celsius / kelvin: a given LST raster; brightness_k / radiance: the thermal band, corrected
    # with an emissivity from NDVI (Sobrino's thresholds) and the sensor's constants.
    lst_kind: Literal["celsius", "kelvin", "brightness_k", "radiance"] = "celsius"
    rsei_without_lst: bool = False  # three-indicator RSEI when no LST exists
    rsei_mask_water: bool = True  # leave out water (MNDWI > 0), as Xu 2013
    rsei_sample_cells: int = Field(1_000_000, ge=100)
    # Habitat quality.
    threats: dict[str, ThreatEntry] = {}
    half_saturation: PositiveFloat = 0.5
    # Water yield and conservation.
    precipitation_layer: str = "precipitation_mm"
    et0_layer: str = "pet_mm"
    restricting_depth_layer: str = "root_depth_mm"
    pawc_layer: str = "pawc"
    seasonality_z: Annotated[float, Field(ge=1, le=30)] = 5.0
    # Sediment (InVEST SDR).
    dem_layer: str = "dem"
    erosivity_layer: str = "erosivity"
    erodibility_layer: str = "erodibility"
    threshold_flow_accumulation: int = Field(1000, ge=1)
    sdr_k: PositiveFloat = 2.0
    sdr_ic0: float = 0.5
    sdr_max: Annotated[float, Field(gt=0, le=1)] = 0.8
    sdr_l_max: PositiveFloat = 122.0
    # Eco-elasticity and ecological sensitivity (seed 004).
    diversity_window_m: PositiveFloat = 990.0
    sensitivity_weights: dict[Literal["dem", "slope", "vegetation", "erosion", "landcover"], float] = {
        "dem": 0.15,
        "slope": 0.2,
        "vegetation": 0.2,
        "erosion": 0.2,
        "landcover": 0.25,
    }
    # Carbon sink per corridor: corridor lines buffered to this width (m).
    corridor_width_m: PositiveFloat = 100.0

    def layer_keys(self) -> dict[str, str]:
        """The layers the chosen models read: key (as in this section) -> layer name."""
        m = set(self.models)
        keys: dict[str, str] = {}
        if m & {"spectral", "rsei"}:
            keys.update({f"bands.{b}": name for b, name in self.bands.items()})
        elif "sensitivity" in m:  # vegetation cover needs NDVI only
            keys.update({f"bands.{b}": self.bands[b] for b in ("nir", "red")})
        if "rsei" in m and self.lst_layer and not self.rsei_without_lst:
            keys["lst_layer"] = self.lst_layer
        if "habitat_quality" in m:
            keys.update({f"threats.{n}.layer": t.layer for n, t in self.threats.items()})
        if m & {"water_yield", "water_conservation"}:
            for k in ("precipitation_layer", "et0_layer", "restricting_depth_layer", "pawc_layer"):
                keys[k] = getattr(self, k)
        if m & {"sediment", "sensitivity"}:
            for k in ("dem_layer", "erosivity_layer", "erodibility_layer"):
                keys[k] = getattr(self, k)
        return keys

    @field_validator("biophysical_table")
    @classmethod
    def _table_exists(cls, v, info: ValidationInfo):
        return None if v is None else _resolve(v, info)

    @model_validator(mode="after")
    def _consistent(self):
        if "habitat_quality" in self.models and not self.threats:
            raise ValueError(
                "habitat_quality needs [indicators.threats.<name>] entries (layer, max_distance_m, weight, decay)"
            )
        total = sum(self.sensitivity_weights.values())
        if "sensitivity" in self.models and abs(total - 1.0) > 1e-6:
            raise ValueError(f"sensitivity_weights must sum to 1, they sum to {total:.6g}; rescale them")
        return self


class CircuitSection(_Section):
    """Circuit theory on the corridors (Linkage Mapper's Pinchpoint, Barrier and Centrality
    Mappers; seed 002 §2.4, METHODS.md §6). Present = the circuit stage runs."""

    corridor_width_cwd: PositiveFloat = 2000.0  # NLCC cutoff, cost-weighted distance (resistance x m)
    pinchpoint_mode: Literal["pairwise", "all_to_one"] = "pairwise"
    classes: int = Field(4, ge=2, le=10)  # natural-breaks classes; the top one is kept (seed 002: 4)
    barrier_radii_m: list[PositiveFloat] = [90.0, 180.0]  # empty: no Barrier Mapper
    barrier_combine: Literal["max", "sum"] = "max"
    four_neighbours: bool = False  # Circuitscape default: 8 neighbours
    average_resistance: bool = False  # Circuitscape default: average conductance
    solver: Literal["auto", "direct", "amg"] = "auto"


class StudyMeta(_Section):
    name: str = "study"
    target_crs: str | None = None  # e.g. "EPSG:4548"; required when inputs are geographic
    template: str = "landcover"  # the raster layer whose grid every other layer is aligned to
    cell_size_m: PositiveFloat | None = None  # resample the template to this cell size


class Study(_Section):
    """A whole study: inputs, then one section per stage."""

    study: StudyMeta = StudyMeta()
    layers: dict[str, RasterLayer]
    vectors: dict[str, VectorLayer] = {}
    landcover: LandCoverSection = LandCoverSection()
    sources: SourcesSection = SourcesSection()
    resistance: ResistanceSection = ResistanceSection()
    corridors: CorridorsSection = CorridorsSection()
    connectivity: ConnectivitySection = ConnectivitySection()
    network: NetworkSection = NetworkSection()
    robustness: RobustnessSection = RobustnessSection()
    indicators: IndicatorsSection | None = None  # optional stage: runs only when given
    circuit: CircuitSection | None = None  # optional: pinch points, barriers, centrality


def _cross_checks(data: dict) -> list[Problem]:
    """Checks between sections, run on the raw document so they report alongside type errors."""

    def get(*keys, default=None):
        node = data
        for k in keys:
            if not isinstance(node, dict) or k not in node:
                return default
            node = node[k]
        return node

    layers = get("layers", default={})
    if not isinstance(layers, dict):
        return []
    problems = []
    template = get("study", "template", default="landcover")
    if isinstance(template, str) and template not in layers:
        problems.append(
            Problem(
                "study.template",
                f"names layer '{template}', which is not in [layers]; add [layers.{template}] or name another layer",
            )
        )
    lc = get("landcover", "layer", default="landcover")
    if isinstance(lc, str):
        if lc not in layers:
            problems.append(
                Problem(
                    "landcover.layer",
                    f"names layer '{lc}', which is not in [layers]; add [layers.{lc}] with kind = \"categorical\"",
                )
            )
        elif isinstance(layers[lc], dict) and layers[lc].get("kind", "continuous") != "categorical":
            problems.append(
                Problem(
                    f"layers.{lc}.kind",
                    'land cover must be kind = "categorical" (classes are resampled by nearest/mode)',
                )
            )
    problems += _sources_layer_checks(get("sources", default={}), layers, get("vectors", default={}))
    problems += _resistance_references(get("resistance", default={}), layers, get("vectors", default={}))
    problems += _indicator_problems(get("indicators"), layers)
    vectors = get("vectors", default={})
    for key in ("roads", "mines"):
        name = get("corridors", key)
        if isinstance(name, str) and isinstance(vectors, dict) and name not in vectors:
            problems.append(
                Problem(
                    f"corridors.{key}",
                    f"names vector layer '{name}', which is not in [vectors]; add it or remove the key",
                )
            )
    return problems


def _resistance_references(section, layers: dict, vectors) -> list[Problem]:
    """Every layer and vector a resistance factor or correction names must be in the study."""
    from econet.resistance.presets import with_preset

    if not isinstance(section, dict):
        return []
    try:
        section = with_preset(section)
    except ValueError:
        return []  # reported by the schema with its key
    vectors = vectors if isinstance(vectors, dict) else {}
    problems = []

    def need(where: str, name, kind: str, have: dict, hint: str):
        if isinstance(name, str) and name not in have:
            problems.append(Problem(where, f"names {kind} '{name}', which is not in [{kind}s]; {hint}"))

    factors = section.get("factors")
    if isinstance(factors, list) and factors:
        for i, f in enumerate(factors):
            if not isinstance(f, dict):
                continue
            where = f"resistance.factors.{i}"
            label = f.get("name", i)
            if f.get("layer") is not None or f.get("kind") == "slope":
                need(
                    f"{where}.layer",
                    f.get("layer", "dem"),
                    "layer",
                    layers,
                    f"add [layers.{f.get('layer', 'dem')}] or remove factor {label}",
                )
            if f.get("vector") is not None:
                need(
                    f"{where}.vector",
                    f["vector"],
                    "vector",
                    vectors,
                    f"add [vectors.{f['vector']}] or remove factor {label}",
                )
    else:
        weights = section.get("weights", {"slope": 0.3})
        slope = section.get("slope", {})
        slope_layer = slope.get("layer", "dem") if isinstance(slope, dict) else "dem"
        w = weights.get("slope", 0) if isinstance(weights, dict) else 0
        if isinstance(w, (int, float)) and w > 0:
            need("resistance.slope.layer", slope_layer, "layer", layers, "add a DEM layer or set the slope weight to 0")
    corrections = section.get("corrections", [])
    for i, c in enumerate(corrections if isinstance(corrections, list) else []):
        if isinstance(c, dict):
            need(
                f"resistance.corrections.{i}.layer", c.get("layer"), "layer", layers, "add it or remove the correction"
            )
    return problems


def _sources_layer_checks(sources, layers: dict, vectors) -> list[Problem]:
    """Layers named by the source rules must exist in [layers] / [vectors]."""
    if not isinstance(sources, dict):
        return []
    named: list[tuple[str, str]] = []
    for rule in ("services", "sensitivity"):
        weights = sources.get(rule, {}).get("weights", {}) if isinstance(sources.get(rule), dict) else {}
        named += [(f"sources.{rule}.weights.{k}", k) for k in (weights if isinstance(weights, dict) else {})]
    mean_of = sources.get("mean_of", [])
    named += [("sources.mean_of", k) for k in (mean_of if isinstance(mean_of, list) else []) if isinstance(k, str)]
    problems = [
        Problem(where, f"names layer '{k}', which is not in [layers]; add [layers.{k}] or remove it")
        for where, k in named
        if k not in layers
    ]
    protected = sources.get("protected", [])
    vectors = vectors if isinstance(vectors, dict) else {}
    for k in protected if isinstance(protected, list) else []:
        if isinstance(k, str) and k not in vectors:
            problems.append(
                Problem("sources.protected", f"names vector layer '{k}', which is not in [vectors]; add [vectors.{k}]")
            )
    return problems


def _indicator_problems(ind, layers: dict) -> list[Problem]:
    """[indicators]: every layer the chosen models read is in [layers]; RSEI has LST or says so."""
    if not isinstance(ind, dict):
        return []
    try:  # type errors in the section are reported by the main validation
        section = IndicatorsSection.model_validate(ind, context={"check_files": False})
    except ValidationError:
        return []
    problems = [
        Problem(f"indicators.{key}", f"names layer '{name}', which is not in [layers]; add [layers.{name}]")
        for key, name in section.layer_keys().items()
        if name not in layers
    ]
    if "rsei" in section.models and section.lst_layer is None and not section.rsei_without_lst:
        problems.append(
            Problem(
                "indicators.lst_layer",
                "RSEI needs land surface temperature: name an LST or thermal layer, or set rsei_without_lst = true "
                "for a three-indicator RSEI (NDVI, WET, NDBSI)",
            )
        )
    return problems


def _problem_from(err: dict) -> Problem:
    loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-")) or "(top level)"
    kind = err["type"]
    msg = err["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        msg = "unknown key; remove it or check its spelling against `econet init`'s example"
    elif kind == "missing":
        msg = "required key is missing; add it"
    elif kind != "value_error" and isinstance(err.get("input"), (str, int, float, bool)):
        msg = f"{msg} (got {err['input']!r})"
    return Problem(loc, msg)


def parse_study(data: dict, base_dir: str | Path = ".", check_files: bool = True, source: str = "study") -> Study:
    """Validate a study given as a dict; raise StudyError listing every problem."""
    problems = _cross_checks(data) if isinstance(data, dict) else []
    try:
        study = Study.model_validate(data, context={"base_dir": str(base_dir), "check_files": check_files})
    except ValidationError as exc:
        problems = [_problem_from(e) for e in exc.errors()] + problems
    if problems:
        raise StudyError(problems, source)
    return study


def load_study(path: str | Path, check_files: bool = True) -> Study:
    """Read and validate a study TOML file. Relative paths are taken from the file's folder."""
    path = Path(path)
    if not path.exists():
        raise StudyError([Problem(str(path), "study file not found; create one with `econet init`")], str(path))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise StudyError([Problem("(syntax)", f"not valid TOML: {exc}")], str(path)) from None
    return parse_study(data, base_dir=path.parent, check_files=check_files, source=str(path))


__all__ = ["Study", "load_study", "parse_study", "SOURCE_TYPES"]
