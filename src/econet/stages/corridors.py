"""The corridors stage: cost distance, pairs, least-cost paths and corridors, the gravity model,
width tiers, breakpoints and fracture surfaces. It owns the per-source cost distances that every
later consumer (pinch points, barriers, summaries) takes from its result."""

from __future__ import annotations

import numpy as np
import pandas as pd

from econet.corridors.network import Corridors, corridor_network
from econet.habitat.sources import Sources
from econet.io import write_csv, write_raster, write_vector
from econet.report import ReportSection
from econet.report.tables import html_table
from econet.resistance.surface import Resistance
from econet.stages.base import Context, Stage


def compute(ctx: Context, sources: Sources, resistance: Resistance) -> Corridors:
    cfg, L = ctx.study.corridors, ctx.landscape
    roads = L.vector(cfg.roads) if cfg.roads else None
    mines = L.vector(cfg.mines) if cfg.mines else None
    return corridor_network(resistance.surface, sources, L.grid, cfg, roads, mines)


def write(ctx: Context, res: Corridors) -> list[str]:
    grid = ctx.landscape.grid
    write_raster(
        ctx.run.product("cost_distance.tif"),
        res.cost,
        grid,
        nodata=float("nan"),
        description="cumulative cost to the nearest source (resistance x m)",
    )
    write_raster(
        ctx.run.product("allocation.tif"), res.allocation, grid, nodata=0, description="id of the cheapest source"
    )
    layers = {"corridors": res.paths, "corridor_tiers": res.tiers, "breakpoints": res.breakpoints}
    if res.fractures is not None:
        layers["fracture_surfaces"] = res.fractures
    write_vector(ctx.run.product("corridors.gpkg"), layers)
    write_csv(ctx.run.product("corridors.csv"), res.paths.drop(columns="geometry"))
    write_csv(ctx.run.product("gravity_matrix.csv"), res.gravity_matrix, index=True)
    write_csv(ctx.run.product("corridors_dropped.csv"), res.dropped)
    out = ["cost_distance.tif", "allocation.tif", "corridors.gpkg", "corridors.csv", "gravity_matrix.csv"]
    out.append("corridors_dropped.csv")
    if res.nlcc is not None:
        write_raster(
            ctx.run.product("nlcc.tif"),
            res.nlcc,
            grid,
            nodata=float("nan"),
            description="normalised least-cost corridors: min over pairs of cwd_a + cwd_b - LCD (resistance x m)",
        )
        out.append("nlcc.tif")
    return out


def report(ctx: Context, res: Corridors) -> ReportSection:
    c = res.paths
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
                "breakpoints": len(res.breakpoints),
                "fracture_surfaces": 0 if res.fractures is None else len(res.fractures),
                "pairs_dropped": len(res.dropped),
            }
        ]
    )
    parts = [html_table(stats)]
    if n == 0:
        why = (
            "there is only one source"
            if int(np.count_nonzero(np.unique(res.allocation))) <= 1
            else f"every candidate pair was dropped ({len(res.dropped)} in corridors_dropped.csv, with the reason)"
        )
        parts.insert(0, f"<p>No corridor: {why}. The network has no links; its tables are empty.</p>")
    return ReportSection("Corridors", parts, headline={"corridors": n})


STAGE = Stage(
    name="corridors",
    title="Least-cost corridors",
    reads=("corridors",),
    consumes={"sources": ("labels", "table"), "resistance": ("surface",)},
    compute=compute,
    write=write,
    report=report,
    products={
        "cost_distance.tif": "cumulative cost to the cheapest source (resistance x m)",
        "allocation.tif": "id of the cheapest source per cell",
        "corridors.gpkg": "layers corridors (least-cost paths: from_id, to_id, length_m, cost, euclid_m, "
        "cwd_to_euclid, gravity, class, tier, breakpoints), corridor_tiers (paths buffered by their tier width), "
        "breakpoints (road and mine crossings), fracture_surfaces (corridors inside open pits)",
        "corridors.csv": "the corridor table without geometry",
        "gravity_matrix.csv": "gravity model G between sources joined by a corridor (Feng et al. 2024)",
        "corridors_dropped.csv": "candidate pairs left without a corridor, with the reason",
        "nlcc.tif": "normalised least-cost corridors truncated at corridors.width_cost (when set)",
    },
)
