"""Circuit theory on a least-cost corridor network: Linkage Mapper's Pinchpoint, Barrier and
Centrality Mappers together, with the top natural-breaks class of pinch points and barriers as
patches (docs/methods/circuit.md).

Sources are short-circuited focal regions: every source cell carries the whole current of its
corridors, so source cells are left out of the current maps, the current x resistance overlay,
the barrier scores and their natural-breaks classes; the classes and the map scales are taken
over the corridor cells outside the sources, as Linkage Mapper reports them."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from econet.circuit.linkage import barriers, centrality, classify_top, pinchpoints, top_class_polygons
from econet.circuit.omniscape import OmniscapeResult


@dataclass
class CorridorCircuits:
    """``pairs``: the corridors analysed (from_id, to_id). ``current``: current inside the
    corridors (float32 A, NaN outside); ``resistance``: effective resistance per pair;
    ``pinchpoints``/``barriers``: top-class patches (id, cells, area_ha, mean_value, landcover);
    ``barrier_score``: least-cost reduction per metre restored; ``barrier_percent``: reduction as
    a percent of the corridor's cost (float32; None without barrier radii); ``centrality_edges``
    and ``centrality_nodes``: current-flow centrality per corridor and per source. All but
    ``pairs`` are None when there is no corridor. ``omniscape``: the moving-window maps
    (cumulative current, flow potential, normalized current) when the study asks for Omniscape
    instead of the corridor tools."""

    pairs: list[tuple[int, int]]
    current: np.ndarray | None = None
    current_x_resistance: np.ndarray | None = None
    resistance: dict = field(default_factory=dict)
    pinchpoints: gpd.GeoDataFrame | None = None
    barrier_score: np.ndarray | None = None
    barrier_percent: np.ndarray | None = None
    barriers: gpd.GeoDataFrame | None = None
    centrality_edges: pd.DataFrame | None = None
    centrality_nodes: pd.DataFrame | None = None
    omniscape: OmniscapeResult | None = None


def corridor_circuits(
    surface: np.ndarray,
    labels: np.ndarray,
    grid,
    pairs: list[tuple[int, int]],
    corridor_costs,
    cutoff: float,
    *,
    searches=None,
    landcover: np.ndarray | None = None,
    mode: str = "pairwise",
    classes: int = 4,
    pinchpoint_by: str = "current",
    barrier_radii_m=(90.0, 180.0),
    barrier_combine: str = "max",
    four_neighbours: bool = False,
    average_resistance: bool = False,
    solver: str = "auto",
) -> CorridorCircuits:
    """Pinch points inside the least-cost corridors of ``pairs`` cut at ``cutoff`` (resistance
    x m), barriers for each radius of ``barrier_radii_m`` (none when empty) and current-flow
    centrality on the corridor graph (edge resistance = ``corridor_costs``, one per pair).
    ``searches`` are the corridors' per-source searches (``Corridors.searches``), made with a
    margin of at least ``cutoff``; without them they are made here. ``pinchpoint_by``:
    "current" classifies the current, "current_x_resistance" the current times the resistance
    (Yang et al.: the current superimposed on the resistance surface)."""
    if pinchpoint_by not in ("current", "current_x_resistance"):
        raise ValueError("pinchpoint_by must be 'current' or 'current_x_resistance'")
    out = CorridorCircuits(list(pairs))
    if not pairs:
        return out
    # Sources are short-circuited: their cells carry every corridor's full current and would be
    # the whole top class. Pinch points are looked for between them.
    off_source = np.asarray(labels) <= 0
    pin = pinchpoints(
        surface,
        labels,
        grid.cell_size_m,
        pairs,
        cutoff,
        mode=mode,
        four_neighbours=four_neighbours,
        average_resistance=average_resistance,
        method=solver,
        searches=searches,
    )
    corridor = pin.corridors & off_source
    out.current = np.where(corridor, pin.current, np.nan).astype(np.float32)
    with np.errstate(invalid="ignore"):
        overlay = np.where(corridor, pin.current * np.asarray(surface, dtype=np.float64), np.nan)
    out.current_x_resistance = overlay.astype(np.float32)
    out.resistance = pin.resistance
    score = pin.current if pinchpoint_by == "current" else overlay
    top = classify_top(np.where(corridor, score, 0.0), classes)
    out.pinchpoints = top_class_polygons(top, grid, landcover=landcover, values=pin.current)
    if barrier_radii_m:
        bar = barriers(
            surface, labels, grid.cell_size_m, pairs, list(barrier_radii_m), barrier_combine, searches=searches
        )
        # restoring a source does not shorten a corridor: scores on source cells are 0
        per_unit = np.where(off_source, bar.per_unit, 0.0)
        out.barrier_score = per_unit.astype(np.float32)
        out.barrier_percent = np.where(off_source, bar.percent, 0.0).astype(np.float32)
        out.barriers = top_class_polygons(classify_top(per_unit, classes), grid, landcover=landcover, values=per_unit)
    corridor_costs = np.asarray(corridor_costs, dtype=np.float64)
    cen = centrality(pairs, corridor_costs, method=solver)
    out.centrality_edges = pd.DataFrame(
        {
            "from_id": [a for a, _ in pairs],
            "to_id": [b for _, b in pairs],
            "cost": corridor_costs,
            "effective_resistance": [pin.resistance.get(p, -1.0) for p in pairs],
            "current_flow_centrality": cen.edge_current,
        }
    )
    out.centrality_nodes = pd.DataFrame({"id": cen.nodes, "current_flow_centrality": cen.node_current})
    return out


__all__ = ["CorridorCircuits", "corridor_circuits"]
