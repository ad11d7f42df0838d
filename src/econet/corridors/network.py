"""The corridor network of a set of sources: everything the least-cost corridor analysis makes
from one resistance surface (docs/methods/corridors.md).

Cost distance and allocation from all sources, candidate pairs, bounded per-source searches,
least-cost paths, the normalised least-cost corridor field, the gravity model, width tiers,
breakpoints at roads and mines and fracture surfaces in open pits. The per-source searches are
kept: they are the one source of cost-weighted distances for every later consumer (pinch points,
barriers, scenario re-scoring).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from econet.corridors.breakpoints import breakpoints, fracture_surfaces
from econet.corridors.costdistance import SourceCost, cost_distance
from econet.corridors.gravity import gravity, gravity_matrix, source_mean_resistance
from econet.corridors.pairs import link_pairs
from econet.corridors.paths import link_sources
from econet.corridors.widths import tier_polygons, width_tiers
from econet.steps import counter
from econet.tasks import DEFAULT_WORKERS, map_tasks


@dataclass
class Corridors:
    """The least-cost corridor network.

    ``paths``: one LineString per corridor (id, from_id, to_id, length_m, cost, euclid_m,
    cwd_to_euclid, gravity, class, tier, breakpoints); ``cost``: cumulative cost to the cheapest
    source (float32, resistance x m, NaN where unreachable); ``allocation``: id of that source
    (0 none); ``nlcc``: normalised least-cost corridors truncated at ``width_cost`` (NaN outside;
    None without a width); ``dropped``: candidate pairs left out and why; ``gravity_matrix``: G
    between linked sources; ``tiers``: each path buffered by its tier's width (corridor_id,
    from_id, to_id, tier, width_m); ``breakpoints``: road and mine crossings; ``fractures``:
    corridor parts inside open pits (None without mines); ``searches``: the bounded search from
    each linked source (``SourceCost``: the cells it reached with their cost), which cover the
    corridors up to ``width_cost``, the corridor cutoff."""

    paths: gpd.GeoDataFrame
    cost: np.ndarray
    allocation: np.ndarray
    nlcc: np.ndarray | None
    dropped: pd.DataFrame
    gravity_matrix: pd.DataFrame
    tiers: gpd.GeoDataFrame
    breakpoints: gpd.GeoDataFrame
    fractures: gpd.GeoDataFrame | None
    searches: dict[int, SourceCost]
    width_cost: float | None = None
    energy_factors: dict[int, float] | None = None  # modified MCR: k_j per source (mean 1)
    notes: list[str] = field(default_factory=list)  # what the run should say about its defaults

    @property
    def pairs(self) -> list[tuple[int, int]]:
        """The linked source pairs (from_id, to_id), in corridor order."""
        return [(int(a), int(b)) for a, b in zip(self.paths["from_id"], self.paths["to_id"])]


def per_source_costs(surface, labels, ids, cell_size_m, workers: int = DEFAULT_WORKERS):
    """(id, cost distance from that source alone) for each source id, in the order of ``ids``:
    one task per source (econet.tasks), ``workers`` at a time, so that no more than that many
    dense rasters are held."""
    ids = [int(s) for s in ids]
    shared = {"surface": surface, "labels": labels, "cell_size_m": cell_size_m}
    done = counter("cost distances (one per source)", len(ids))
    for i in range(0, len(ids), workers):
        batch = ids[i : i + workers]
        yield from zip(
            batch, map_tasks(_source_cost, batch, shared=shared, workers=workers, done=lambda n, i=i: done(i + n))
        )


def _source_cost(sid: int, *, surface, labels, cell_size_m) -> np.ndarray:
    one = np.where(labels == sid, sid, 0).astype(np.int32)
    return cost_distance(surface, one, cell_size_m, allocation=False).cost


def corridor_network(
    surface, sources, grid, cfg, roads=None, mines=None, links=None, cost_allocation=None
) -> Corridors:
    """The corridor network between ``sources`` (``Sources``: label raster and patch table) over a
    resistance ``surface`` on ``grid``. ``cfg`` holds the corridor parameters (a
    ``econet.config.CorridorsSection``); ``roads`` and ``mines`` (GeoDataFrames in the grid's
    CRS) give breakpoints and fracture surfaces; ``links`` (lines) name source pairs to link
    whatever the pair rule (``econet.corridors.pairs.link_pairs``). ``cost_allocation``
    (cumulative cost, allocation) replaces the ordinary multi-source cost distance: the Xuzhou
    SEEC preprint's modified MCR surface, whose allocation then decides the adjacent pairs."""
    extra, unusable = link_pairs([] if links is None else list(links.geometry), sources.labels, grid)
    if cost_allocation is None:
        cd = cost_distance(surface, sources.labels, grid.cell_size_m)
        cost, cd_alloc = _float32_nan(cd.cost), cd.allocation
        del cd  # the float64 costs and back-links: not needed by the searches that follow
    else:
        cost, cd_alloc = _float32_nan(cost_allocation[0]), cost_allocation[1]
    link = link_sources(
        surface,
        sources.labels,
        sources.table,
        grid,
        pairs=cfg.pairs,
        allocation=cd_alloc,
        max_euclid_m=cfg.max_euclid_m,
        max_cost=cfg.max_cost,
        n_nearest=cfg.n_nearest,
        drop_through_sources=cfg.drop_through_sources,
        width_cost=cfg.width_cost,
        extra_pairs=extra,
    )
    if unusable:
        link.dropped = pd.concat(
            [link.dropped, pd.DataFrame(unusable, columns=["from_id", "to_id", "reason"])], ignore_index=True
        )
    ids = sources.table["id"].to_numpy().astype(int)
    area = pd.Series(sources.table["area_km2"].to_numpy() * 1e6, index=ids)
    mean_res = pd.Series(source_mean_resistance(surface, sources.labels, ids), index=ids)
    lines = link.paths
    crossing = lines["length_m"].to_numpy(dtype=float) < getattr(cfg, "crossing_max_m", 0.0)
    grav = gravity(lines, area, mean_res, cfg.gravity_area_unit, crossing=crossing)
    lines["gravity"] = grav["gravity"].to_numpy()
    lines["class"] = grav["class"].to_numpy()
    lines["tier"] = width_tiers(grav)
    tiers = tier_polygons(lines, lines["tier"], cfg.tier_widths_m())
    points = breakpoints(
        lines, roads, mines, cfg.breakpoint_road_classes, cfg.road_class_field, merge_within_m=3 * grid.cell_size_m
    )
    fractures = fracture_surfaces(tiers, mines, cfg.mine_method_field, cfg.open_pit) if mines is not None else None
    lines["breakpoints"] = lines["id"].map(points["corridor_id"].value_counts()).fillna(0).astype(int)
    return Corridors(
        paths=lines,
        cost=cost,
        allocation=cd_alloc,
        nlcc=link.nlcc,
        dropped=link.dropped,
        gravity_matrix=gravity_matrix(grav, ids),
        tiers=tiers,
        breakpoints=points,
        fractures=fractures,
        searches=link.searches,
        width_cost=cfg.width_cost,
    )


def _float32_nan(cost: np.ndarray) -> np.ndarray:
    """Cumulative costs as float32 with NaN where unreachable (inf), without a float64 copy."""
    out = cost.astype(np.float32)
    out[np.isinf(out)] = np.nan
    return out


__all__ = ["Corridors", "corridor_network", "per_source_costs"]
