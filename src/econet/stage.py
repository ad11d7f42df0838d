"""The stage contract shared by the pipeline and the stage packages.

A stage is a ``compute`` over the study and its upstream results (calling the pure functions of
its package), a ``write`` that turns the result into files, and optionally a ``report`` that
draws its figures and returns its HTML section. Each stage package defines its stages in its
own ``stage.py``; ``econet.pipeline`` only orders and runs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from econet.config import Study
    from econet.io.landscape import Landscape
    from econet.io.run import RunFolder


@dataclass
class Context:
    """What a stage sees: the study, the aligned landscape, the run folder and upstream results."""

    study: Study
    landscape: Landscape
    run: RunFolder
    results: dict[str, Any] = field(default_factory=dict)
    stages: tuple[Stage, ...] = ()


def no_layers(study: Study) -> list[str]:
    return []


@dataclass(frozen=True)
class Stage:
    name: str
    title: str
    needs: tuple[str, ...]
    sections: tuple[str, ...]  # study sections hashed into the key
    layers: Callable[[Study], list[str]]  # inputs ("layers.x", "vectors.y") whose checksums are hashed
    compute: Callable[[Context], Any]
    write: Callable[[Context, Any], list[str]]  # returns product paths relative to the run
    # Draws the stage's figures into the run and returns (HTML section, figure paths).
    report: Callable[[Context, Any], tuple[str, list[str]]] | None = None
    products: dict[str, str] = field(default_factory=dict)  # product path -> what it holds
    # Optional stages (circuit theory, indicators, ...) run only when the study asks for them.
    enabled: Callable[[Study], bool] | None = None

    def runs_for(self, study: Study) -> bool:
        return self.enabled is None or bool(self.enabled(study))


def landcover_layers(study: Study) -> list[str]:
    return [f"layers.{study.landcover.layer}"]


__all__ = ["Context", "Stage", "landcover_layers", "no_layers"]
