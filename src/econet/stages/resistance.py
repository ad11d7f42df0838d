"""The resistance stage: the weighted sum of graded factors, with its corrections."""

from __future__ import annotations

from econet.io import write_csv, write_raster
from econet.report import ReportSection
from econet.report.tables import html_table
from econet.resistance.build import build_resistance
from econet.resistance.surface import Resistance
from econet.stages.base import Context, Stage


def compute(ctx: Context) -> Resistance:
    L = ctx.landscape
    return build_resistance(
        ctx.study.resistance,
        L.raster,
        L.vector,
        L.grid,
        L.valid_mask(),
        L.classes,
        L.landcover_layer,
        window=ctx.window,
        read=L.read,
    )


def write(ctx: Context, res: Resistance) -> list[str]:
    grid = ctx.landscape.grid
    out = ["resistance.tif", "resistance_factors.csv", "resistance_weights.csv"]
    write_raster(
        ctx.run.product("resistance.tif"),
        res.surface,
        grid,
        nodata=float("nan"),
        description="resistance (weighted grade)",
    )
    write_csv(ctx.run.product("resistance_factors.csv"), res.factors)
    write_csv(ctx.run.product("resistance_weights.csv"), res.weights)
    for name, g in res.grades.items():
        rel = f"resistance_grades/{name}.tif"
        write_raster(ctx.run.product(rel), g, grid, nodata=float("nan"), description=f"{name} grade")
        out.append(rel)
    return out


def report(ctx: Context, res: Resistance) -> ReportSection:
    from econet.report.maps import raster_map

    raster_map(
        ctx.landscape.grid,
        res.surface,
        ctx.run.product("map_resistance.png"),
        "Resistance surface",
        cmap="magma_r",
        label="resistance (weighted grade)",
    )
    return ReportSection(
        "Resistance",
        [html_table(res.factors), html_table(res.weights), "<img src='map_resistance.png' alt='resistance map'>"],
        ["map_resistance.png"],
    )


STAGE = Stage(
    name="resistance",
    title="Resistance surface",
    reads=("landcover", "resistance"),
    compute=compute,
    write=write,
    report=report,
    products={
        "resistance.tif": "resistance surface (weighted sum of factor grades)",
        "resistance_factors.csv": "factors: source, grading (breaks, levels, direction), weight, missing cells",
        "resistance_weights.csv": "weights and how they were obtained (given, AHP with CR, entropy, PCA)",
        "resistance_grades/": "one grade raster per factor",
    },
)
