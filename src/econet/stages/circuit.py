"""The circuit stage: pinch points, barriers and current-flow centrality of the corridors
(Linkage Mapper's Pinchpoint, Barrier and Centrality Mappers), or with ``mode = "omniscape"``
omnidirectional current over the whole landscape by moving windows (Omniscape). Optional: runs
only when the study has a ``[circuit]`` section."""

from __future__ import annotations

import numpy as np

from econet.circuit.classes import centrality_classes
from econet.circuit.corridors import CorridorCircuits, corridor_circuits
from econet.circuit.omniscape import OmniscapeResult, omniscape, source_from_resistance
from econet.corridors.network import Corridors
from econet.habitat.sources import Sources
from econet.io import write_csv, write_raster, write_vector
from econet.rasterops import coarsen, refine
from econet.report import ReportSection
from econet.report.tables import html_record, html_table
from econet.resistance.surface import Resistance
from econet.stages.base import Context, Stage


def compute(ctx: Context, sources: Sources, resistance: Resistance, corridors: Corridors) -> CorridorCircuits:
    cfg, L = ctx.study.circuit, ctx.landscape
    if cfg.mode == "omniscape":
        return CorridorCircuits(pairs=[], omniscape=_omniscape(cfg, L, sources, resistance))
    res = _circuits(ctx, cfg, L, sources, resistance, corridors)
    edges = res.centrality_edges
    if cfg.corridor_classes and edges is not None and len(edges):
        level, name = centrality_classes(edges["current_flow_centrality"].to_numpy(), cfg.corridor_classes)
        edges["centrality_level"], edges["centrality_class"] = level, name
    return res


def source_strength(cfg, L, sources: Sources, surface: np.ndarray) -> np.ndarray:
    """Omniscape's source strength per cell (0: no source) from ``circuit.source_strength``."""
    if cfg.source_strength == "inverse_resistance":
        strength = source_from_resistance(surface)
    elif cfg.source_strength == "sources":
        strength = (sources.labels > 0).astype(np.float64)
    else:
        strength = np.nan_to_num(np.asarray(L.raster(cfg.source_strength), dtype=np.float64), nan=0.0)
    return np.where(strength >= cfg.source_threshold, strength, 0.0)


def _omniscape(cfg, L, sources: Sources, resistance: Resistance) -> OmniscapeResult:
    surface = np.asarray(resistance.surface, dtype=np.float64)
    strength = source_strength(cfg, L, sources, surface)
    k = cfg.coarsening(L.grid.cell_size_m)
    if k > 1:  # resistance averaged, strengths summed: the same amperes on fewer, larger cells
        surface, strength = coarsen(surface, k, "mean"), coarsen(strength, k, "sum")
    cell = L.grid.cell_size_m * k
    res = omniscape(
        surface,
        strength,
        radius=cfg.radius_cells(cell),
        block_size=cfg.block_size,
        buffer=cfg.buffer_cells(cell),
        correct_artifacts=cfg.correct_artifacts,
        four_neighbours=cfg.four_neighbours,
        method=cfg.solver,
    )
    if k == 1:
        return res
    nodata = ~np.isfinite(resistance.surface)
    # float32 on the study grid, as written: three float64 province grids would take 4.7 GB
    maps = [refine(m.astype(np.float32), k, L.grid.shape) for m in (res.cumulative, res.flow_potential, res.normalized)]
    for m in maps:
        m[nodata] = np.nan
    return OmniscapeResult(*maps, res.targets)


def _circuits(ctx, cfg, L, sources, resistance, corridors) -> CorridorCircuits:
    return corridor_circuits(
        resistance.surface,
        sources.labels,
        L.grid,
        corridors.pairs,
        corridors.paths["cost"].to_numpy(),
        corridors.width_cost,
        searches=corridors.searches,
        landcover=L.landcover(),
        mode=cfg.pinchpoint_mode,
        classes=cfg.classes,
        pinchpoint_by=cfg.pinchpoint_by,
        barrier_radii_m=cfg.barrier_radii_m,
        barrier_combine=cfg.barrier_combine,
        four_neighbours=cfg.four_neighbours,
        average_resistance=cfg.average_resistance,
        solver=cfg.solver,
    )


OMNISCAPE_MAPS = {
    "omniscape_current.tif": ("cumulative", "cumulative current of the moving windows (A; Omniscape)"),
    "omniscape_flow_potential.tif": ("flow_potential", "the same with every resistance 1 (A)"),
    "omniscape_normalized_current.tif": ("normalized", "cumulative current / flow potential"),
}


def write(ctx: Context, res: CorridorCircuits) -> list[str]:
    grid = ctx.landscape.grid
    if res.omniscape is not None:
        for name, (field, what) in OMNISCAPE_MAPS.items():
            data = getattr(res.omniscape, field).astype(np.float32)
            write_raster(ctx.run.product(name), data, grid, nodata=float("nan"), description=what)
        return list(OMNISCAPE_MAPS)
    if res.current is None:
        return []
    write_raster(
        ctx.run.product("pinchpoint_current.tif"),
        res.current,
        grid,
        nodata=float("nan"),
        description="current inside the corridors, outside the sources (A, 1 A per corridor pair)",
    )
    write_raster(
        ctx.run.product("pinchpoint_current_x_resistance.tif"),
        res.current_x_resistance,
        grid,
        nodata=float("nan"),
        description="current x resistance inside the corridors, outside the sources (Yang et al.)",
    )
    write_vector(ctx.run.product("pinchpoints.gpkg"), {"pinchpoints": res.pinchpoints})
    written = ["pinchpoint_current.tif", "pinchpoint_current_x_resistance.tif", "pinchpoints.gpkg"]
    if res.barrier_score is not None:
        write_raster(
            ctx.run.product("barrier_score.tif"),
            res.barrier_score,
            grid,
            description="least-cost reduction per metre restored (Barrier Mapper)",
        )
        write_raster(
            ctx.run.product("barrier_percent.tif"),
            res.barrier_percent,
            grid,
            description="least-cost reduction as a percent of the corridor's cost",
        )
        write_vector(ctx.run.product("barriers.gpkg"), {"barriers": res.barriers})
        written += ["barrier_score.tif", "barrier_percent.tif", "barriers.gpkg"]
    write_csv(ctx.run.product("centrality_edges.csv"), res.centrality_edges)
    write_csv(ctx.run.product("centrality_nodes.csv"), res.centrality_nodes)
    return written + ["centrality_edges.csv", "centrality_nodes.csv"]


def report(ctx: Context, res: CorridorCircuits) -> ReportSection:
    from econet.report.maps import corridor_map

    if res.omniscape is not None:
        return _omniscape_report(ctx, res.omniscape)
    title = "Circuit theory: pinch points, barriers, centrality"
    rows = {"corridor pairs": len(res.pairs)}
    if res.current is None:
        return ReportSection(title, ["<p>No corridor links two sources, so there is no current to map.</p>"])
    if res.pinchpoints is not None:
        rows["pinch-point patches"] = len(res.pinchpoints)
        rows["pinch-point area (ha)"] = float(res.pinchpoints["area_ha"].sum()) if len(res.pinchpoints) else 0.0
    if res.barriers is not None:
        rows["barrier patches"] = len(res.barriers)
        rows["barrier area (ha)"] = float(res.barriers["area_ha"].sum()) if len(res.barriers) else 0.0
    grid = ctx.landscape.grid
    maps = [
        (
            "map_pinchpoint_current.png",
            res.current,
            "Current in the corridors (A)",
            "inferno",
            res.pinchpoints,
            "pinch points",
        ),
        (
            "map_pinchpoint_current_x_resistance.png",
            res.current_x_resistance,
            "Current x resistance",
            "magma",
            res.pinchpoints,
            "pinch points",
        ),
    ]
    if res.barrier_score is not None:
        maps.append(
            (
                "map_barriers.png",
                res.barrier_score,
                "Barrier score (least-cost reduction per m restored)",
                "viridis",
                res.barriers,
                "barriers",
            )
        )
    figures, parts = [], [html_record(rows)]
    for path, data, what, cmap, patches, label in maps:
        corridor_map(grid, data, ctx.run.product(path), what, cmap=cmap, outlines=patches, outline_label=label)
        figures.append(path)
        parts.append(f"<img src='{path}' alt='{what}'>")
    edges = res.centrality_edges
    if edges is not None and "centrality_class" in edges.columns:
        by = edges.groupby(["centrality_level", "centrality_class"]).size().reset_index(name="corridors")
        parts += ["<h3>Corridors by current-flow centrality (natural breaks)</h3>", html_table(by)]
    return ReportSection(title, parts, figures)


def _omniscape_report(ctx: Context, res: OmniscapeResult) -> ReportSection:
    from econet.report.maps import corridor_map

    cfg, grid = ctx.study.circuit, ctx.landscape.grid
    rows = {
        "moving windows": res.targets,
        "cell (m)": grid.cell_size_m * cfg.coarsening(grid.cell_size_m),
        "radius (cells)": cfg.radius_cells(grid.cell_size_m * cfg.coarsening(grid.cell_size_m)),
        "block size (cells)": cfg.block_size,
        "source strength": cfg.source_strength,
    }
    path = "map_omniscape_normalized_current.png"
    corridor_map(grid, res.normalized, ctx.run.product(path), "Normalized current (Omniscape)", cmap="RdYlBu_r")
    parts = [html_record(rows), f"<img src='{path}' alt='normalized current'>"]
    return ReportSection("Circuit theory: omnidirectional current (Omniscape)", parts, [path])


STAGE = Stage(
    name="circuit",
    title="Pinch points, barriers, centrality",
    reads=("landcover", "circuit"),
    consumes={
        "sources": ("labels",),
        "resistance": ("surface",),
        "corridors": ("paths", "searches", "width_cost"),
    },
    compute=compute,
    write=write,
    report=report,
    enabled=lambda study: study.circuit is not None,
    products={
        "pinchpoint_current.tif": "current in the least-cost corridors cut at corridors.width_cost (Pinchpoint Mapper)",
        "pinchpoint_current_x_resistance.tif": "current x resistance in the corridors (Yang et al.'s overlay)",
        "pinchpoints.gpkg": "top natural-breaks class of current (or current x resistance) outside the sources: "
        "patches with area_ha and majority landcover",
        "barrier_score.tif": "Barrier Mapper improvement score per metre restored (max over radii and pairs)",
        "barrier_percent.tif": "Barrier Mapper percent reduction of the least cost",
        "barriers.gpkg": "top natural-breaks class of the barrier score: patches with area_ha and landcover",
        "centrality_edges.csv": "per corridor: cost, effective resistance, current-flow centrality (and its "
        "natural-breaks class with circuit.corridor_classes)",
        "centrality_nodes.csv": "per source: current-flow centrality (Centrality Mapper)",
        "map_pinchpoint_current.png": "current in the corridors with the pinch points outlined",
        "map_pinchpoint_current_x_resistance.png": "current x resistance with the pinch points outlined",
        "map_barriers.png": "barrier score with the barriers outlined",
        **{name: f"mode = omniscape: {what}" for name, (_, what) in OMNISCAPE_MAPS.items()},
        "map_omniscape_normalized_current.png": "mode = omniscape: the normalized current",
    },
)
