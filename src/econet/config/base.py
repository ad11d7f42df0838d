"""Building blocks of the study schema: strict sections, input files and references to layers.

Every section of a study is a :class:`Section`. A section that names input layers says so in
:meth:`Section.refs`: the same list is checked when the study is read (each name must exist) and
hashed into the cache key of every stage that reads the section, so a changed layer reruns
exactly the stages that use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from econet.errors import Problem

PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Weight = Annotated[float, Field(ge=0, allow_inf_nan=False)]

RefKind = Literal["layer", "vector", "file"]


@dataclass(frozen=True)
class Ref:
    """A section's reference to an input: a raster layer (in ``[layers]``, or a raster that the
    ``[indicators]`` section computes), a vector layer (in ``[vectors]``) or a file path.
    ``key`` is the dotted study key that names it, used in error messages."""

    key: str
    kind: RefKind
    name: str


class Section(BaseModel):
    """A strict study section: unknown keys are errors (a typo must not fall back to a default)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Keys an earlier econet read in this section -> where they went (reported, not ignored).
    moved: ClassVar[dict[str, str]] = {}

    def refs(self, at: str) -> list[Ref]:
        """The inputs this section names; ``at`` is the section's dotted key in the study."""
        return []

    def problems(self, at: str) -> list[Problem]:
        """Problems between keys that are best reported at one key (``at`` as in :meth:`refs`)."""
        return []


def resolve_path(path: str, info: ValidationInfo) -> str:
    """An absolute path; a relative one is read from the study file's folder (``base_dir``)."""
    context = info.context or {}
    try:
        full = Path(path).expanduser()
    except RuntimeError:  # "~name" of a user this machine does not know
        raise ValueError(f"cannot find the home folder of {path.split('/')[0]!r}; give the path in full") from None
    if not full.is_absolute():
        full = Path(context.get("base_dir", ".")) / full
    if context.get("check_files", True) and not full.exists():
        raise ValueError(f"file not found: {full}. Fix the path (relative paths are read from the study file's folder)")
    return str(full.resolve()) if full.exists() else str(full)


class FileInput(Section):
    """An input file; a relative path is read from the study file's folder."""

    path: str

    @field_validator("path")
    @classmethod
    def _exists(cls, v: str, info: ValidationInfo) -> str:
        return resolve_path(v, info)


def some_weight(v: dict[str, float]) -> dict[str, float]:
    """A weights table needs at least one positive weight."""
    if not v or sum(v.values()) <= 0:
        raise ValueError("give at least one layer with a positive weight, e.g. {habitat_quality = 1.0}")
    return v


def strictly_increasing(values, name: str) -> None:
    if any(b <= a for a, b in zip(values, values[1:])):
        raise ValueError(f"{name} must increase strictly")


__all__ = [
    "FileInput",
    "PositiveFloat",
    "Ref",
    "RefKind",
    "Section",
    "Weight",
    "resolve_path",
    "some_weight",
    "strictly_increasing",
]
