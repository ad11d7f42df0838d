"""Actions on the landscape and scenarios made of them (docs/methods/scenarios.md).

An action has a footprint (cells of the template grid) and an effect: restore the footprint to a
land-cover class, lower its resistance, make it a source (a new source or a stepping stone), or
link two sources with a corridor. A scenario is a named list of actions. Its effects become the
inputs of an ordinary run (``edits``): an edited land-cover raster, a raster of lowered
resistances, a raster of forced sources and a layer of links, so every stage sees them through
its usual inputs and the cache reruns only what they reach.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

# kind -> what it stands for. The effect comes from the action's fields; the kind names it for the
# tables and sets its defaults (see ``action``).
KINDS = {
    "restore": "restore cells to a land-cover class",
    "source": "a new ecological source",
    "stepping_stone": "a stepping-stone patch added as a source",
    "corridor": "a corridor added or upgraded: resistance lowered along a path, its two sources linked",
    "crossing": "a crossing structure that fixes a breakpoint: resistance lowered over its footprint",
    "barrier": "a barrier restored: resistance lowered over its footprint",
    "pinchpoint": "a pinch point protected and widened: resistance lowered over its footprint",
}
_LOWERS = ("corridor", "crossing", "barrier", "pinchpoint")


@dataclass(frozen=True, eq=False)
class Action:
    """One action. ``cells``: its footprint, flat (row-major) indices into the template grid;
    ``to_class``: land-cover code the footprint is restored to (None: unchanged);
    ``resistance``: resistance the footprint is lowered to (None: unchanged; a cell already
    below keeps its value); ``source``: the footprint becomes a source; ``link``: the two points
    (x, y in the grid's CRS) whose sources a corridor joins, whatever the pair rule;
    ``cost``: in the study's currency (None: not costed); ``label``: what and where, for tables."""

    kind: str
    cells: np.ndarray
    to_class: int | None = None
    resistance: float | None = None
    source: bool = False
    link: tuple[tuple[float, float], tuple[float, float]] | None = None
    cost: float | None = None
    label: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown action kind {self.kind!r}; use one of {sorted(KINDS)}")
        cells = np.unique(np.asarray(self.cells, dtype=np.int64).ravel())
        object.__setattr__(self, "cells", cells)

    def area_ha(self, cell_area_m2: float) -> float:
        return len(self.cells) * cell_area_m2 / 1e4


def action(kind: str, cells, *, lowest_resistance: float | None = None, **fields) -> Action:
    """An action of ``kind`` with that kind's defaults: sources and stepping stones are sources,
    and corridors, crossings, barriers and pinch points lower resistance to
    ``lowest_resistance`` (the lowest resistance of the landscape) unless ``resistance`` is given."""
    if kind in ("source", "stepping_stone"):
        fields.setdefault("source", True)
    if kind in _LOWERS and fields.get("resistance") is None and fields.get("to_class") is None:
        fields["resistance"] = lowest_resistance
    return Action(kind, cells, **fields)


@dataclass(frozen=True, eq=False)
class Scenario:
    """A named list of actions. ``generator`` names the procedure that made it ("study" when
    written in the study file); ``params`` records its parameters; ``details`` holds the tables
    it reasoned with (e.g. the weak nodes it found), written beside the scenario's run."""

    name: str
    actions: tuple[Action, ...] = ()
    generator: str = "study"
    note: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    def cost(self) -> float | None:
        costs = [a.cost for a in self.actions if a.cost is not None]
        return float(sum(costs)) if costs else None


@dataclass
class Edits:
    """A scenario's effects as inputs of a run, each None when no action has that effect:
    ``landcover`` (int32, the edited land-cover raster), ``lower_to`` (float32, the resistance
    each edited cell is lowered to, NaN elsewhere), ``include`` (uint8, 1 where cells are forced
    into the sources, 2 for stepping stones) and ``links`` (pairs of points whose sources are
    linked)."""

    landcover: np.ndarray | None = None
    lower_to: np.ndarray | None = None
    include: np.ndarray | None = None
    links: list[tuple[tuple[float, float], tuple[float, float]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.landcover is None and self.lower_to is None and self.include is None and not self.links


def edits(actions, landcover: np.ndarray, habitat_codes=(), nodata: int = -1) -> Edits:
    """The combined effect of ``actions`` (applied in order, so a later action wins where two
    restore the same cell) on a ``landcover`` raster. Restoring changes degraded cells only:
    cells already of a habitat class (``habitat_codes``) keep it, so restoring a zone does not
    turn its lake into forest. Cells with no land cover (``nodata``) are never edited."""
    shape = landcover.shape
    valid = (landcover != nodata).ravel()
    degraded = valid & ~np.isin(landcover.ravel(), np.asarray(list(habitat_codes), dtype=landcover.dtype))
    out = Edits()
    for a in actions:
        cells = a.cells[(a.cells >= 0) & (a.cells < landcover.size)]
        cells = cells[valid[cells]]
        if a.to_class is not None:
            restored = cells[degraded[cells]]
            if len(restored):
                if out.landcover is None:
                    out.landcover = landcover.copy()
                out.landcover.ravel()[restored] = a.to_class
        if a.resistance is not None:
            if out.lower_to is None:
                out.lower_to = np.full(shape, np.nan, dtype=np.float32)
            flat = out.lower_to.ravel()
            flat[cells] = np.fmin(flat[cells], np.float32(a.resistance))
        if a.source:
            if out.include is None:
                out.include = np.zeros(shape, dtype=np.uint8)
            out.include.ravel()[cells] = 2 if a.kind == "stepping_stone" else 1
        if a.link is not None:
            out.links.append(a.link)
    return out


def cells_of(mask: np.ndarray) -> np.ndarray:
    """Flat indices of the true cells of a boolean raster."""
    return np.flatnonzero(np.asarray(mask, dtype=bool).ravel())


def footprint(geometries, grid, *, buffer_m: float = 0.0, all_touched: bool = True) -> np.ndarray:
    """Flat indices of the cells under ``geometries`` (shapely, in the grid's CRS), each buffered
    by ``buffer_m`` (half a corridor's width); every touched cell counts, so a thin line still
    has a footprint."""
    from econet.rasterops import rasterize

    geoms = [g.buffer(buffer_m) if buffer_m > 0 else g for g in geometries if g is not None and not g.is_empty]
    if not geoms:
        return np.zeros(0, dtype=np.int64)
    return cells_of(rasterize([(g, 1) for g in geoms], grid, all_touched=all_touched))


__all__ = ["KINDS", "Action", "Edits", "Scenario", "action", "cells_of", "edits", "footprint"]
