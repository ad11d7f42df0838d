"""``[[scenarios]]`` and ``[optimise]``: actions on the landscape and the procedures that propose
them (docs/methods/scenarios.md). No stage reads these sections: ``econet optimise`` turns each
scenario into the inputs of an ordinary run."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from econet.config.base import PositiveFloat, Ref, Section

ActionKind = Literal["restore", "source", "stepping_stone", "corridor", "crossing", "barrier", "pinchpoint"]
Generator = Literal["seec", "pfo", "ppo", "random", "fushun", "priority"]
Point = Annotated[list[float], Field(min_length=2, max_length=2)]
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
RESERVED = ("baseline",)


class ActionSpec(Section):
    """One action, with exactly one footprint: the polygons (or lines) of a vector layer
    (``vector``, filtered by ``where``), a disc (``at`` [x, y] in the template's CRS, radius
    ``radius_m``; 0 = the one cell) or a line (``line``, a list of [x, y], buffered to
    ``width_m``). Its effect: ``to_class`` (land-cover code or class name) restores the
    footprint; ``resistance`` (a value, or "lowest": the lowest resistance of the landscape)
    lowers it; sources and stepping stones become sources; a corridor drawn as a line also links
    the sources under its two ends. ``cost`` in the study's currency overrides the cost table."""

    kind: ActionKind
    vector: str | None = None
    where: dict[str, list[str | int | float]] = {}
    at: Point | None = None
    radius_m: Annotated[float, Field(ge=0)] = 0.0
    line: Annotated[list[Point], Field(min_length=2)] | None = None
    width_m: PositiveFloat = 100.0
    to_class: int | str | None = None
    resistance: PositiveFloat | Literal["lowest"] | None = None
    cost: Annotated[float, Field(ge=0)] | None = None
    label: str = ""

    @model_validator(mode="after")
    def _one_footprint(self):
        given = [k for k in ("vector", "at", "line") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                f'give exactly one footprint: vector = "layer", at = [x, y] (with radius_m) or line = [[x, y], ...]'
                f" (got {given or 'none'})"
            )
        if self.kind == "restore" and self.to_class is None:
            raise ValueError('kind = "restore" needs to_class (a land-cover code or class name)')
        return self

    def refs(self, at: str) -> list[Ref]:
        return [Ref(f"{at}.vector", "vector", self.vector)] if self.vector else []


class ScenarioSpec(Section):
    """A named list of actions, run by ``econet optimise`` into ``scenarios/<name>/``."""

    name: str
    note: str = ""
    actions: list[ActionSpec] = []

    @field_validator("name")
    @classmethod
    def _folder_name(cls, v: str) -> str:
        if not _NAME.match(v):
            raise ValueError(f"scenario name {v!r} must be letters, digits, '_', '-' or '.' (it names a folder)")
        if v in RESERVED:
            raise ValueError(f"{v!r} is the name of the run without actions; pick another")
        return v

    def refs(self, at: str) -> list[Ref]:
        return [r for i, a in enumerate(self.actions) for r in a.refs(f"{at}.actions.{i}")]


class CostTable(Section):
    """Costs of actions by kind, in the study's currency: per hectare of footprint and per
    action (a crossing structure has a price of its own)."""

    per_ha: dict[ActionKind, Annotated[float, Field(ge=0)]] = {}
    each: dict[ActionKind, Annotated[float, Field(ge=0)]] = {}
    # Per hectare of a land-cover change, keyed "FROM->TO" by class name or code (e.g.
    # "mine->forest"): a restoration is priced by what each of its cells turns from; cells the
    # table does not name fall back on ``per_ha`` of the action's kind.
    transition_per_ha: dict[str, Annotated[float, Field(ge=0)]] = {}

    @field_validator("transition_per_ha")
    @classmethod
    def _arrows(cls, v: dict[str, float]) -> dict[str, float]:
        bad = [k for k in v if len(k.split("->")) != 2 or not all(p.strip() for p in k.split("->"))]
        if bad:
            raise ValueError(f"keys {bad} are not 'FROM->TO' land-cover classes, e.g. \"mine->forest\"")
        return v

    def transitions(self) -> list[tuple[int | str, int | str, float]]:
        """The transition table as (from, to, cost per ha): classes as codes (int) or names."""

        def cls(part: str) -> int | str:
            part = part.strip()
            return int(part) if part.isdigit() else part

        return [(*(cls(p) for p in k.split("->")), c) for k, c in self.transition_per_ha.items()]


class OptimiseSection(Section):
    """The procedures ``econet optimise`` runs besides the study's own ``[[scenarios]]``, and
    their parameters (defaults: the published values)."""

    generators: list[Generator] = []
    # Xuzhou SEEC preprint: the bottom 10 % in function (RSEI x dIIC) and in carbon sink are weak.
    weak_pct: Annotated[float, Field(gt=0, lt=100)] = 10.0
    # Tong et al. 2025: zones in the top 10 % of the indicators positively related to centrality.
    top_pct: Annotated[float, Field(gt=0, le=100)] = 10.0
    # PFO and PPO: weight of a zone's restoration potential (current density, Barrier Mapper's
    # improvement score) against its indicators; 0 = the indicators alone.
    potential_weight: Annotated[float, Field(ge=0, le=1)] = 0.75
    # The "conventional" optimisation of Tong et al. 2025: as many zones chosen at random.
    random_repeats: int = Field(20, ge=1, le=1000)
    random_seed: int = 0
    random_like: Literal["pfo", "ppo"] = "pfo"
    # Restoration priority (Chang et al. 2018): degraded patches ranked by their dIIC gain.
    priority_candidates: list[str] = []  # vector layers of degraded or subsidence patches
    priority_top: int = Field(3, ge=1)  # patches the "priority" scenario restores
    # IIC link threshold (m) of the ranking; default the connectivity's (required with least-cost distances)
    priority_distance_m: PositiveFloat | None = None
    restore_to: int | str = "forest"  # land-cover class restored patches become
    costs: CostTable = CostTable()

    @model_validator(mode="after")
    def _needs(self):
        if "random" in self.generators and self.random_like not in self.generators:
            raise ValueError(
                f'"random" repeats the zones of "{self.random_like}"; add "{self.random_like}" to generators'
            )
        if "priority" in self.generators and not self.priority_candidates:
            raise ValueError('"priority" needs priority_candidates, the vector layers of degraded patches')
        return self

    def refs(self, at: str) -> list[Ref]:
        return [Ref(f"{at}.priority_candidates", "vector", v) for v in self.priority_candidates]


__all__ = ["RESERVED", "ActionSpec", "CostTable", "OptimiseSection", "ScenarioSpec"]
