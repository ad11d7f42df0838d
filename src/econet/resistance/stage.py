"""Pipeline stage of the resistance package."""

from __future__ import annotations

import numpy as np
import pandas as pd

from econet.io import write_csv, write_raster
from econet.report.tables import html_table, section
from econet.resistance.factors import grade_by_breaks, landcover_values, slope_deg
from econet.resistance.surface import Resistance, weighted_surface
from econet.stage import Context, Stage, landcover_layers


def _resistance(ctx: Context) -> Resistance:
    L, cfg = ctx.landscape, ctx.study.resistance
    valid = L.valid_mask()
    grades: dict[str, np.ndarray] = {}
    rows = []
    if cfg.weights.get("landcover", 0) > 0:
        table = {c.code: c.resistance for c in L.classes}
        grades["landcover"] = landcover_values(L.landcover(), table)
        rows.append({"factor": "landcover", "method": "class table", "parameters": str(table)})
    if cfg.weights.get("slope", 0) > 0:
        slope = slope_deg(L.raster(cfg.slope.layer), L.grid.cell_size_m)
        grades["slope"] = grade_by_breaks(slope, cfg.slope.breaks_deg, cfg.slope.grades)
        rows.append(
            {
                "factor": "slope",
                "method": "manual breaks (deg)",
                "parameters": f"breaks {cfg.slope.breaks_deg} -> grades {cfg.slope.grades}",
            }
        )
    weights = {k: v for k, v in cfg.weights.items() if v > 0}
    surface = weighted_surface(grades, weights)
    surface[~valid] = np.nan
    table = pd.DataFrame(rows)
    table.insert(1, "weight", table["factor"].map(weights))
    return Resistance(surface=surface, factors=table, grades=grades)


def _write_resistance(ctx: Context, res: Resistance) -> list[str]:
    grid = ctx.landscape.grid
    out = ["resistance.tif", "resistance_factors.csv"]
    write_raster(
        ctx.run.product("resistance.tif"),
        res.surface,
        grid,
        nodata=float("nan"),
        description="resistance (weighted grade)",
    )
    write_csv(ctx.run.product("resistance_factors.csv"), res.factors)
    for name, g in res.grades.items():
        rel = f"resistance_grades/{name}.tif"
        write_raster(ctx.run.product(rel), g, grid, nodata=float("nan"), description=f"{name} grade")
        out.append(rel)
    return out


def _report_resistance(ctx: Context, res: Resistance) -> tuple[str, list[str]]:
    from econet.report.figures import raster_map

    raster_map(
        ctx.landscape.grid,
        res.surface,
        ctx.run.product("map_resistance.png"),
        "Resistance surface",
        cmap="magma_r",
        label="resistance (weighted grade)",
    )
    html = section("Resistance", html_table(res.factors), "<img src='map_resistance.png' alt='resistance map'>")
    return html, ["map_resistance.png"]


def _resistance_layers(s) -> list[str]:
    slope = [f"layers.{s.resistance.slope.layer}"] if s.resistance.weights.get("slope", 0) > 0 else []
    return landcover_layers(s) + slope


RESISTANCE_STAGE = Stage(
    "resistance",
    "Resistance surface",
    (),
    ("landcover", "resistance"),
    _resistance_layers,
    _resistance,
    _write_resistance,
    _report_resistance,
    {
        "resistance.tif": "resistance surface (weighted sum of factor grades)",
        "resistance_factors.csv": "factors, weights and grading used",
        "resistance_grades/": "one grade raster per factor",
    },
)

__all__ = ["RESISTANCE_STAGE"]
