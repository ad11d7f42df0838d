"""``[landcover]``: which layer is land cover and its class table (docs/methods/grid.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from econet.config.base import PositiveFloat, Ref, Section
from econet.errors import Problem
from econet.landcover import CLASS_TABLES, LandCoverClass


class ClassEntry(Section):
    """One land-cover class: whether it is habitat (MSPA foreground), the type of a source it
    dominates, its resistance grade, its carbon-sink coefficient (t/(ha·a)) and map colour."""

    code: int
    name: str
    habitat: bool
    source_type: Literal["forest", "shrub-grass", "wetland-water"] | None = None
    resistance: PositiveFloat
    carbon_t_ha_a: float = Field(0.0, ge=0)
    colour: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$")


class LandCoverSection(Section):
    """Which layer is land cover and its class table: exactly what the study says, a built-in
    table only when ``table`` names it (with ``[[landcover.classes]]`` replacing or adding
    codes), or the inline classes alone. A code in the data that the table lacks is an error."""

    layer: str = "landcover"
    table: Literal["globeland30", "nc_landclass96"] | None = None
    classes: list[ClassEntry] = []

    def problems(self, at: str) -> list[Problem]:
        if self.table is None and not self.classes:
            return [
                Problem(
                    f"{at}.table",
                    'no class table: name a built-in one (table = "globeland30" or "nc_landclass96") or list '
                    "your classes as [[landcover.classes]]; no table is assumed",
                )
            ]
        return []

    @model_validator(mode="after")
    def _unique_codes(self):
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

    def refs(self, at: str) -> list[Ref]:
        return [Ref(f"{at}.layer", "layer", self.layer)]


__all__ = ["ClassEntry", "LandCoverSection"]
