"""Pipeline stage of the resistance package."""

from __future__ import annotations

from econet.io import write_csv, write_raster
from econet.report.tables import html_table, section
from econet.resistance.build import build_resistance
from econet.resistance.surface import Resistance
from econet.stage import Context, Stage, landcover_layers


def _resistance(ctx: Context) -> Resistance:
    L = ctx.landscape
    return build_resistance(
        ctx.study.resistance,
        L.raster,
        L.vector,
        L.grid,
        L.valid_mask(),
        L.classes,
        ctx.study.landcover.layer,
    )


def _write_resistance(ctx: Context, res: Resistance) -> list[str]:
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
    html = section(
        "Resistance",
        html_table(res.factors),
        html_table(res.weights),
        "<img src='map_resistance.png' alt='resistance map'>",
    )
    return html, ["map_resistance.png"]


def _resistance_layers(s) -> list[str]:
    out = landcover_layers(s)
    for f in s.resistance.resolved_factors():
        if f.kind == "slope" or f.layer:
            out.append(f"layers.{f.layer or 'dem'}")
        if f.vector:
            out.append(f"vectors.{f.vector}")
    out += [f"layers.{c.layer}" for c in s.resistance.corrections]
    return sorted(set(out), key=out.index)


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
        "resistance_factors.csv": "factors: source, grading (breaks, levels, direction), weight, missing cells",
        "resistance_weights.csv": "weights and how they were obtained (given, AHP with CR, entropy, PCA)",
        "resistance_grades/": "one grade raster per factor",
    },
)

__all__ = ["RESISTANCE_STAGE"]
