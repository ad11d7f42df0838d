"""The corridors stage: cost distance, pairs, least-cost paths and corridors, the gravity model,
width tiers, breakpoints and fracture surfaces. It owns the per-source cost distances that every
later consumer (pinch points, barriers, summaries) takes from its result."""

from __future__ import annotations

import pandas as pd

from econet.corridors.network import Corridors, corridor_network, per_source_costs
from econet.errors import LayerError
from econet.habitat.sources import Sources
from econet.io import write_csv, write_raster, write_vector
from econet.report import ReportSection
from econet.report.tables import html_table
from econet.resistance.mcr import energy_factors, index_r, modified_mcr
from econet.resistance.surface import Resistance
from econet.stages.base import Context, Stage


def compute(ctx: Context, sources: Sources, resistance: Resistance) -> Corridors:
    cfg, L = ctx.study.corridors, ctx.landscape
    roads = L.vector(cfg.roads) if cfg.roads else None
    mines = L.vector(cfg.mines) if cfg.mines else None
    links = L.vector(cfg.add_links) if cfg.add_links else None
    cost_allocation, table = None, sources.table
    if cfg.mcr == "energy":
        ids = table["id"].to_numpy().astype(int)
        try:
            k = energy_factors(
                sources.labels,
                ids,
                table["area_km2"].to_numpy(),
                L.raster(cfg.mcr_nightlight),
                {1: L.raster(cfg.mcr_ndvi), 2: L.raster(cfg.mcr_mndwi)},
                index_r(table["source_type"].fillna("")),
            )
        except ValueError as exc:
            raise LayerError("corridors.mcr", f"{exc}; use mcr = 'ordinary' or check the layers") from None
        factors = dict(zip(ids.tolist(), k.tolist()))
        costs = per_source_costs(resistance.surface, sources.labels, ids, L.grid.cell_size_m)
        cost_allocation = modified_mcr(costs, factors)
    res = corridor_network(resistance.surface, sources, L.grid, cfg, roads, mines, links, cost_allocation)
    if cost_allocation is not None:
        res.energy_factors = factors
    return res


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
    if res.energy_factors:
        k = pd.DataFrame({"source_id": list(res.energy_factors), "k_energy": list(res.energy_factors.values())})
        write_csv(ctx.run.product("mcr_energy_factors.csv"), k)
        out_k = ["mcr_energy_factors.csv"]
    else:
        out_k = []
    out = ["cost_distance.tif", "allocation.tif", "corridors.gpkg", "corridors.csv", "gravity_matrix.csv"]
    out.append("corridors_dropped.csv")
    out += out_k
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
    return ReportSection("Corridors", [html_table(stats)], headline={"corridors": n})


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
        "mcr_energy_factors.csv": "k_j = N_j A_j N_j(r) per source, scaled to mean 1 (mcr = 'energy')",
    },
)
