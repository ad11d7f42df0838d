"""The corridors stage: cost distance, pairs, least-cost paths and corridors, the gravity model,
width tiers, breakpoints and fracture surfaces. It owns the per-source cost distances that every
later consumer (pinch points, barriers, summaries) takes from its result."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from econet.corridors.network import Corridors, corridor_network, per_source_costs
from econet.errors import LayerError
from econet.habitat.sources import Sources
from econet.io import write_csv, write_raster, write_vector
from econet.report import ReportSection
from econet.report.tables import html_record, number
from econet.resistance.mcr import energy_factors, index_r, modified_mcr
from econet.resistance.surface import Resistance
from econet.stages.base import Context, Stage


def dispersal_cap(cfg, connectivity, surface: np.ndarray) -> tuple[float | None, str | None]:
    """The default corridor cost cap (resistance x m) and a note saying where it comes from: the
    dispersal distance of PC (``connectivity.distance_m``) times the median resistance of the
    study area, that is, the cost of going that far over a typical cell (with least-cost
    distances, ``distance_m`` is a cost already). None when the study caps corridors itself."""
    if cfg.max_cost is not None or cfg.max_euclid_m is not None or not cfg.cap_by_dispersal:
        return None, None
    d = connectivity.distance_m
    if connectivity.distance == "least_cost":
        return d, f"corridors costlier than connectivity.distance_m = {number(d)} (resistance x m) are not linked"
    finite = surface[np.isfinite(surface)]
    if finite.size == 0:
        return None, None
    median = float(np.median(finite))
    cap = d * median
    return cap, (
        f"corridors costlier than {cap:,.0f} (resistance x m: the dispersal distance connectivity.distance_m = "
        f"{number(d)} m times the median resistance {number(median, 3)}) are not linked; set corridors.max_cost, or "
        "cap_by_dispersal = false for none"
    )


def compute(ctx: Context, sources: Sources, resistance: Resistance) -> Corridors:
    cfg, L, conn = ctx.study.corridors, ctx.landscape, ctx.study.connectivity
    roads = L.vector(cfg.roads) if cfg.roads else None
    mines = L.vector(cfg.mines) if cfg.mines else None
    cap, note = dispersal_cap(cfg, conn, resistance.surface)
    run_cfg = cfg if cap is None else cfg.model_copy(update={"max_cost": cap})
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
    res = corridor_network(resistance.surface, sources, L.grid, run_cfg, roads, mines, links, cost_allocation)
    if cost_allocation is not None:
        res.energy_factors = factors
    if note:
        res.notes.append(note)
    paths = res.paths
    if conn.distance != "least_cost" and len(paths):
        long = paths[paths["length_m"] > conn.distance_m]
        if len(long):
            res.notes.append(
                f"{len(long)} of {len(paths)} corridors are longer than the dispersal distance used for PC "
                f"(connectivity.distance_m = {number(conn.distance_m)} m; the longest {long['length_m'].max() / 1e3:.1f} km): "
                "few individuals cross them"
            )
    side_m = min(L.grid.shape) * L.grid.cell_size_m
    if cfg.regional_width_m > 0.1 * side_m:
        res.notes.append(
            f"the regional corridors are {number(cfg.regional_width_m)} m wide, more than a tenth of the study's "
            f"{side_m / 1e3:.1f} km side: set corridors.regional_width_m (and the other widths) for its scale"
        )
    crossings = int((paths["class"] == "crossing").sum()) if len(paths) else 0
    if crossings:
        res.notes.append(
            f"{crossings} link(s) shorter than corridors.crossing_max_m = {number(cfg.crossing_max_m)} m cross a road or a "
            "strip between two pieces of one habitat block: class 'crossing', left out of the gravity classes"
        )
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


def _maps(ctx: Context, res: Corridors) -> list[str]:
    """The corridors by class and tier with the breakpoints, the cost distance and the NLCC."""
    from econet.report.maps import corridors_map, raster_map

    L, name = ctx.landscape, ctx.study.study.name
    corridors_map(
        L.grid,
        L.landcover(),
        L.classes,
        res.cost == 0,  # the source cells: where the cost distance starts
        res.paths,
        res.breakpoints,
        res.fractures,
        ctx.run.product("map_corridors.png"),
        f"{name}: corridors by class and width tier, breakpoints",
    )
    figures = ["map_corridors.png"]
    raster_map(
        L.grid,
        res.cost,
        ctx.run.product("map_cost_distance.png"),
        f"{name}: cost distance to the cheapest source",
        cmap="cividis",
        label="cumulative cost (resistance x m)",
    )
    figures.append("map_cost_distance.png")
    if res.nlcc is not None:
        raster_map(
            L.grid,
            res.nlcc,
            ctx.run.product("map_nlcc.png"),
            f"{name}: normalised least-cost corridors",
            cmap="viridis_r",
            label="cost above the least-cost path (resistance x m)",
        )
        figures.append("map_nlcc.png")
    return figures


def report(ctx: Context, res: Corridors) -> ReportSection:
    c = res.paths
    n = len(c)
    stats = pd.DataFrame(
        [
            {
                "corridors": n,
                "important": int((c["class"] == "important").sum()) if n else 0,
                "crossings": int((c["class"] == "crossing").sum()) if n else 0,
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
    parts = [html_record(stats.iloc[0].to_dict())] + [f"<p>{html.escape(n)}</p>" for n in res.notes]
    if n == 0:
        why = (
            "there is only one source"
            if int(np.count_nonzero(np.unique(res.allocation))) <= 1
            else f"every candidate pair was dropped ({len(res.dropped)} in corridors_dropped.csv, with the reason)"
        )
        parts.insert(0, f"<p>No corridor: {why}. The network has no links; its tables are empty.</p>")
    figures = _maps(ctx, res)
    alts = {
        "map_corridors.png": "corridors by class and tier with breakpoints",
        "map_cost_distance.png": "cost distance to the cheapest source",
        "map_nlcc.png": "normalised least-cost corridors",
    }
    parts += [f"<img src='{f}' alt='{alts[f]}'>" for f in figures]
    return ReportSection("Corridors", parts, figures, headline={"corridors": n})


STAGE = Stage(
    name="corridors",
    title="Least-cost corridors",
    reads=("corridors", "connectivity"),  # connectivity: the dispersal distance caps the corridors
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
        "map_corridors.png": "corridors by gravity class and width tier, breakpoints and fracture surfaces",
        "map_cost_distance.png": "cost distance to the cheapest source",
        "map_nlcc.png": "normalised least-cost corridors (when corridors.width_cost is set)",
    },
)
