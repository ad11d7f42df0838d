"""Pipeline stage of the corridors package: cost distance, pairs, paths, corridors, gravity,
width tiers and breakpoints (METHODS.md §5)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from econet.corridors.breakpoints import breakpoints, fracture_surfaces
from econet.corridors.costdistance import cost_distance
from econet.corridors.gravity import gravity, gravity_matrix, source_mean_resistance
from econet.corridors.paths import link_sources
from econet.corridors.widths import tier_polygons, width_tiers
from econet.io import write_csv, write_raster, write_vector
from econet.report.tables import html_table, section
from econet.stage import Context, Stage


def corridor_network(surface, sources, grid, cfg, roads=None, mines=None) -> dict:
    """Everything the corridors stage computes, from a resistance surface and the sources
    (``Sources``: labels and table) with a ``CorridorsSection``."""
    cd = cost_distance(surface, sources.labels, grid.cell_size_m)
    link = link_sources(
        surface,
        sources.labels,
        sources.table,
        grid,
        pairs=cfg.pairs,
        allocation=cd.allocation,
        max_euclid_m=cfg.max_euclid_m,
        max_cost=cfg.max_cost,
        n_nearest=cfg.n_nearest,
        drop_through_sources=cfg.drop_through_sources,
        width_cost=cfg.width_cost,
    )
    ids = sources.table["id"].to_numpy().astype(int)
    area = pd.Series(sources.table["area_km2"].to_numpy() * 1e6, index=ids)
    mean_res = pd.Series(source_mean_resistance(surface, sources.labels, ids), index=ids)
    lines = link.paths
    grav = gravity(lines, area, mean_res, cfg.gravity_area_unit)
    lines["gravity"] = grav["gravity"].to_numpy()
    lines["class"] = grav["class"].to_numpy()
    lines["tier"] = width_tiers(grav)
    widths = {"regional": cfg.regional_width_m, "sub-regional": cfg.subregional_width_m, "local": cfg.local_width_m}
    tiers = tier_polygons(lines, lines["tier"], widths)
    points = breakpoints(
        lines, roads, mines, cfg.breakpoint_road_classes, cfg.road_class_field, merge_within_m=3 * grid.cell_size_m
    )
    fractures = fracture_surfaces(tiers, mines, cfg.mine_method_field, cfg.open_pit) if mines is not None else None
    lines["breakpoints"] = lines["id"].map(points["corridor_id"].value_counts()).fillna(0).astype(int)
    cost = np.where(np.isfinite(cd.cost), cd.cost, np.nan).astype(np.float32)
    return {
        "corridors": lines,
        "cost": cost,
        "allocation": cd.allocation,
        "nlcc": link.nlcc,
        "dropped": link.dropped,
        "gravity_matrix": gravity_matrix(grav, ids),
        "tiers": tiers,
        "breakpoints": points,
        "fractures": fractures,
        "searches": link.searches,  # per-source bounded searches, for the circuit stage
    }


def _corridors(ctx: Context):
    cfg = ctx.study.corridors
    roads = ctx.landscape.vector(cfg.roads) if cfg.roads else None
    mines = ctx.landscape.vector(cfg.mines) if cfg.mines else None
    return corridor_network(
        ctx.results["resistance"].surface, ctx.results["sources"], ctx.landscape.grid, cfg, roads, mines
    )


def _vector_layers(study) -> list[str]:
    cfg = study.corridors
    return [f"vectors.{v}" for v in (cfg.roads, cfg.mines) if v]


def _write_corridors(ctx: Context, res) -> list[str]:
    grid = ctx.landscape.grid
    write_raster(
        ctx.run.product("cost_distance.tif"),
        res["cost"],
        grid,
        nodata=float("nan"),
        description="cumulative cost to the nearest source (resistance x m)",
    )
    write_raster(
        ctx.run.product("allocation.tif"), res["allocation"], grid, nodata=0, description="id of the cheapest source"
    )
    layers = {"corridors": res["corridors"], "corridor_tiers": res["tiers"], "breakpoints": res["breakpoints"]}
    if res["fractures"] is not None:
        layers["fracture_surfaces"] = res["fractures"]
    write_vector(ctx.run.product("corridors.gpkg"), layers)
    write_csv(ctx.run.product("corridors.csv"), res["corridors"].drop(columns="geometry"))
    write_csv(ctx.run.product("gravity_matrix.csv"), res["gravity_matrix"], index=True)
    write_csv(ctx.run.product("corridors_dropped.csv"), res["dropped"])
    out = ["cost_distance.tif", "allocation.tif", "corridors.gpkg", "corridors.csv", "gravity_matrix.csv"]
    out.append("corridors_dropped.csv")
    if res["nlcc"] is not None:
        write_raster(
            ctx.run.product("nlcc.tif"),
            res["nlcc"],
            grid,
            nodata=float("nan"),
            description="normalised least-cost corridors: min over pairs of cwd_a + cwd_b - LCD (resistance x m)",
        )
        out.append("nlcc.tif")
    return out


def _report_corridors(ctx: Context, res) -> tuple[str, list[str]]:
    c = res["corridors"]
    n = len(c)
    stats = pd.DataFrame(
        [
            {
                "corridors": n,
                "important": int((c["class"] == "important").sum()) if n else 0,
                "total_length_km": c["length_m"].sum() / 1e3 if n else 0.0,
                "mean_length_km": c["length_m"].mean() / 1e3 if n else 0.0,
                "mean_cost": c["cost"].mean() if n else 0.0,
                "mean_cwd_to_euclid": c["cwd_to_euclid"].mean() if n else 0.0,
                "breakpoints": len(res["breakpoints"]),
                "fracture_surfaces": 0 if res["fractures"] is None else len(res["fractures"]),
                "pairs_dropped": len(res["dropped"]),
            }
        ]
    )
    return section("Corridors", html_table(stats)), []


CORRIDORS_STAGE = Stage(
    "corridors",
    "Least-cost corridors",
    ("sources", "resistance"),
    ("corridors",),
    _vector_layers,
    _corridors,
    _write_corridors,
    _report_corridors,
    {
        "cost_distance.tif": "cumulative cost to the cheapest source (resistance x m)",
        "allocation.tif": "id of the cheapest source per cell",
        "corridors.gpkg": "layers corridors (least-cost paths: from_id, to_id, length_m, cost, euclid_m, "
        "cwd_to_euclid, gravity, class, tier, breakpoints), corridor_tiers (paths buffered by their tier width), "
        "breakpoints (road and mine crossings), fracture_surfaces (corridors inside open pits)",
        "corridors.csv": "the corridor table without geometry",
        "gravity_matrix.csv": "gravity model G between sources joined by a corridor (seed 001)",
        "corridors_dropped.csv": "candidate pairs left without a corridor, with the reason",
        "nlcc.tif": "normalised least-cost corridors truncated at corridors.width_cost (when set)",
    },
)

__all__ = ["CORRIDORS_STAGE", "corridor_network"]
