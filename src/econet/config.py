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


class SourcesSection(_Section):
    """Ecological sources: MSPA core patches at least ``min_area_km2`` (seed 000: > 4 km²)."""

    mspa: MSPASection = MSPASection()
    min_area_km2: PositiveFloat = 1.0
    patch_connectivity: Literal[4, 8] = 8


class SlopeFactor(_Section):
    """Slope (degrees, from the DEM) graded by manual thresholds into levels."""

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


class ResistanceSection(_Section):
    """Weighted sum of graded factors: land cover (class table grade) and slope."""

    weights: dict[Literal["landcover", "slope"], Annotated[float, Field(ge=0, le=1)]] = {
        "landcover": 0.7,
        "slope": 0.3,
    }
    slope: SlopeFactor = SlopeFactor()

    @field_validator("weights")
    @classmethod
    def _sum_to_one(cls, v: dict[str, float]) -> dict[str, float]:
        total = sum(v.values())
        if not v:
            raise ValueError("at least one factor weight is needed, e.g. {landcover = 1.0}")
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"weights must sum to 1, they sum to {total:.6g}; rescale them")
        return v


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
    """Probability of connectivity (Conefor): p = ``probability`` at ``distance_m``."""

    distance_m: PositiveFloat = 5000.0
    probability: Annotated[float, Field(gt=0, le=1)] = 0.5
    landscape_area_km2: PositiveFloat | None = None  # A_L; default the study extent


class RobustnessSection(_Section):
    """Random and targeted node attacks (seed 000 §3.6.1, seed 004 §2.2.4)."""

    random_repeats: int = Field(100, ge=1)
    targeted_by: Literal["degree", "betweenness"] = "degree"
    recalculate: bool = True  # recompute the ranking after each removal
    seed: int = 0


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
    robustness: RobustnessSection = RobustnessSection()


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
    weights = get("resistance", "weights", default={"slope": 0.3})
    slope_layer = get("resistance", "slope", "layer", default="dem")
    if isinstance(weights, dict) and isinstance(slope_layer, str):
        w = weights.get("slope", 0)
        if isinstance(w, (int, float)) and w > 0 and slope_layer not in layers:
            problems.append(
                Problem(
                    "resistance.slope.layer",
                    f"names layer '{slope_layer}', which is not in [layers]; add a DEM layer or set the slope weight to 0",
                )
            )
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
