"""The stage contract: what a stage reads, consumes, computes, writes and reports.

A stage is declared once, with keyword arguments. ``reads`` names the study sections whose
values it uses; the layers those sections name (``Section.refs``) are its inputs. ``consumes``
names the upstream stages whose results it takes, each with the fields of the result it reads
(None: the whole result); a consumed stage that the study leaves out is passed as None. From this
one declaration the pipeline derives the stage's order, its cache key and the layers it waits
for (a raster that another stage computes, such as an indicator named by a source rule), so a
change reruns exactly the stages it reaches (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from econet.config import Study
    from econet.io.landscape import Landscape
    from econet.io.run import RunFolder
    from econet.report import ReportSection


@dataclass
class Context:
    """What a stage sees besides its upstream results: the study, the aligned landscape (with
    the derived layers computed so far), the run folder, the stages that run, in order, and the
    side of the windows raster stages compute on (None: the whole grid; ``[run]`` sets it and it
    changes no product, so no stage's key holds it)."""

    study: Study
    landscape: Landscape
    run: RunFolder
    plan: tuple[Stage, ...] = ()
    window: int | None = None  # ``[run]``: the side of the windows raster stages compute on
    max_memory_mb: float | None = None  # ``[run]``: a stage's working memory; changes no product


@dataclass(frozen=True, kw_only=True)
class Stage:
    """One stage of the pipeline (see the module docstring).

    ``compute(ctx, **consumed)`` returns the stage's result (a dataclass); ``write(ctx, result)``
    writes its products and returns their paths relative to the run folder; ``report(ctx,
    result)`` draws its figures and returns its :class:`~econet.report.ReportSection`.
    ``provides(study)`` names the derived layers the stage makes and ``layers_of(result)``
    returns them. ``enabled(study)`` says whether the study asks for an optional stage.
    ``consumes_all`` marks the report, which takes every stage that ran."""

    name: str
    title: str
    compute: Callable[..., Any]
    write: Callable[[Context, Any], list[str]]
    reads: tuple[str, ...] = ()
    consumes: Mapping[str, tuple[str, ...] | None] = field(default_factory=dict)
    report: Callable[[Context, Any], ReportSection] | None = None
    products: Mapping[str, str] = field(default_factory=dict)
    enabled: Callable[[Study], bool] | None = None
    provides: Callable[[Study], list[str]] | None = None
    layers_of: Callable[[Any], Mapping[str, np.ndarray]] | None = None
    consumes_all: bool = False

    def runs_for(self, study: Study) -> bool:
        return self.enabled is None or bool(self.enabled(study))


__all__ = ["Context", "Stage"]
