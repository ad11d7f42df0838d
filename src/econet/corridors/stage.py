"""Pipeline stage of the corridors package."""

from __future__ import annotations

import numpy as np
import pandas as pd

from econet.corridors.costdistance import cost_distance
from econet.corridors.paths import least_cost_paths
from econet.io import write_csv, write_raster, write_vector
from econet.report.tables import html_table, section
from econet.stage import Context, Stage, no_layers


def _corridors(ctx: Context):
    grid, cfg = ctx.landscape.grid, ctx.study.corridors
    surface = ctx.results["resistance"].surface
    src = ctx.results["sources"]
    cd = cost_distance(surface, src.labels, grid.cell_size_m)
    lines = least_cost_paths(cd, surface, src.table, grid, max_cost=cfg.max_cost)
    cost = np.where(np.isfinite(cd.cost), cd.cost, np.nan).astype(np.float32)
    return {"corridors": lines, "cost": cost, "allocation": cd.allocation}


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
    write_vector(ctx.run.product("corridors.gpkg"), {"corridors": res["corridors"]})
    write_csv(ctx.run.product("corridors.csv"), res["corridors"].drop(columns="geometry"))
    return ["cost_distance.tif", "allocation.tif", "corridors.gpkg", "corridors.csv"]


def _report_corridors(ctx: Context, res) -> tuple[str, list[str]]:
    c = res["corridors"]
    n = len(c)
    stats = pd.DataFrame(
        [
            {
                "corridors": n,
                "total_length_km": c["length_m"].sum() / 1e3 if n else 0.0,
                "mean_length_km": c["length_m"].mean() / 1e3 if n else 0.0,
                "mean_cost": c["cost"].mean() if n else 0.0,
                "mean_cwd_to_euclid": c["cwd_to_euclid"].mean() if n else 0.0,
            }
        ]
    )
    return section("Corridors", html_table(stats)), []


CORRIDORS_STAGE = Stage(
    "corridors",
    "Least-cost corridors",
    ("sources", "resistance"),
    ("corridors",),
    no_layers,
    _corridors,
    _write_corridors,
    _report_corridors,
    {
        "cost_distance.tif": "cumulative cost to the cheapest source (resistance x m)",
        "allocation.tif": "id of the cheapest source per cell",
        "corridors.gpkg": "least-cost paths (from_id, to_id, length_m, cost, euclid_m, cwd_to_euclid)",
        "corridors.csv": "the corridor table without geometry",
    },
)

__all__ = ["CORRIDORS_STAGE"]
