"""Runs the stages of a study in order, caches them, writes products and the manifest.

Stages exchange the objects of DESIGN.md "Data that flows": Landscape -> MSPA -> Sources ->
Resistance -> Corridors -> connectivity -> EcoNetwork -> robustness -> report. Each stage is a
``compute`` over the study and its upstream results (calling the pure functions of the stage
packages) plus a ``write`` that turns the result into files. Later issues replace a stage's
inside without touching the others.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from econet import __version__
from econet.config import Study
from econet.connectivity import edge_distances, probability_of_connectivity
from econet.corridors import cost_distance, least_cost_paths
from econet.errors import EconetError
from econet.habitat import core_sources, mspa, mspa_binary, mspa_colormap, mspa_statistics
from econet.io import atomic_path, write_csv, write_raster, write_vector
from econet.io.landscape import Landscape, describe, open_landscape
from econet.io.run import RunFolder, digest, file_sha256, package_versions
from econet.network import attack_curves, build_network, edge_table, network_summary, node_metrics, node_table
from econet.resistance import Resistance, grade_by_breaks, landcover_values, slope_deg, weighted_surface


@dataclass
class Context:
    study: Study
    landscape: Landscape
    run: RunFolder
    results: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Stage:
    name: str
    title: str
    needs: tuple[str, ...]
    sections: tuple[str, ...]  # study sections hashed into the key
    layers: Callable[[Study], list[str]]  # inputs ("layers.x", "vectors.y") whose checksums are hashed
    compute: Callable[[Context], Any]
    write: Callable[[Context, Any], list[str]]  # returns product paths relative to the run


# --- stage bodies -------------------------------------------------------------------------


def _mspa(ctx: Context):
    L, cfg = ctx.landscape, ctx.study.sources.mspa
    L.check_classes()
    habitat = [c.code for c in L.classes if c.habitat]
    binary = mspa_binary(L.landcover(), habitat, missing=~L.valid_mask())
    width = cfg.edge_width_pixels(L.grid.cell_size_m)
    result = mspa(binary, cfg.connectivity, width, cfg.transition, cfg.intext)
    return {"mspa": result, "edge_width_px": width, "stats": mspa_statistics(result, L.grid.cell_area_m2)}


def _write_mspa(ctx: Context, res) -> list[str]:
    cfg = ctx.study.sources.mspa
    desc = f"GTB_MSPA, <{cfg.connectivity},{res['edge_width_px']},{int(cfg.transition)},{int(cfg.intext)}>"
    write_raster(
        ctx.run.product("mspa.tif"),
        res["mspa"],
        ctx.landscape.grid,
        colormap=mspa_colormap(cfg.transition),
        description=desc,
    )
    write_csv(ctx.run.product("mspa_stats.csv"), res["stats"])
    return ["mspa.tif", "mspa_stats.csv"]


def _sources(ctx: Context):
    L, cfg = ctx.landscape, ctx.study.sources
    src = core_sources(
        ctx.results["mspa"]["mspa"], L.landcover(), L.grid, L.classes, cfg.min_area_km2, cfg.patch_connectivity
    )
    if len(src) == 0:
        raise EconetError(
            f"no MSPA core patch reaches sources.min_area_km2 = {cfg.min_area_km2}; lower it or check the habitat classes "
            "(landcover table 'habitat' column)"
        )
    return src


def _write_sources(ctx: Context, src) -> list[str]:
    grid = ctx.landscape.grid
    write_vector(ctx.run.product("sources.gpkg"), {"sources": src.table})
    write_raster(ctx.run.product("sources.tif"), src.labels, grid, nodata=0, description="source id (0 = none)")
    write_csv(ctx.run.product("sources.csv"), src.table.drop(columns="geometry"))
    return ["sources.gpkg", "sources.tif", "sources.csv"]


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


def _connectivity(ctx: Context):
    cfg = ctx.study.connectivity
    table = ctx.results["sources"].table
    area_m2 = (cfg.landscape_area_km2 or ctx.landscape.grid.area_km2) * 1e6
    dist = edge_distances(table.geometry.to_numpy())
    overall, nodes = probability_of_connectivity(
        table["area_km2"].to_numpy() * 1e6, dist, cfg.distance_m, cfg.probability, area_m2
    )
    nodes.insert(0, "id", table["id"].to_numpy())
    overall = {
        "PC": overall["PC"],
        "ECA_km2": overall["ECA"] / 1e6,
        "distance_m": cfg.distance_m,
        "probability": cfg.probability,
        "landscape_area_km2": area_m2 / 1e6,
    }
    return {"overall": overall, "nodes": nodes}


def _write_connectivity(ctx: Context, res) -> list[str]:
    write_csv(ctx.run.product("connectivity_nodes.csv"), res["nodes"])
    write_csv(ctx.run.product("connectivity_overall.csv"), pd.DataFrame([res["overall"]]))
    return ["connectivity_nodes.csv", "connectivity_overall.csv"]


def _network(ctx: Context):
    src = ctx.results["sources"].table.merge(ctx.results["connectivity"]["nodes"], on="id")
    g = build_network(src, ctx.results["corridors"]["corridors"])
    metrics = node_metrics(g)
    nx.set_node_attributes(g, metrics.set_index("id").to_dict("index"))
    return {"graph": g, "summary": network_summary(g)}


def _write_network(ctx: Context, res) -> list[str]:
    g = res["graph"]
    nodes = node_table(g)
    write_csv(ctx.run.product("network_nodes.csv"), nodes)
    write_csv(ctx.run.product("network_edges.csv"), edge_table(g))
    write_csv(ctx.run.product("network_summary.csv"), pd.DataFrame([res["summary"]]))
    points = gpd.GeoDataFrame(nodes, geometry=gpd.points_from_xy(nodes["x"], nodes["y"]), crs=ctx.landscape.grid.crs)
    write_vector(ctx.run.product("network.gpkg"), {"nodes": points, "edges": ctx.results["corridors"]["corridors"]})
    with atomic_path(ctx.run.product("network.graphml")) as tmp:
        nx.write_graphml(g, tmp)
    return ["network_nodes.csv", "network_edges.csv", "network_summary.csv", "network.gpkg", "network.graphml"]


def _robustness(ctx: Context):
    cfg = ctx.study.robustness
    return attack_curves(
        ctx.results["network"]["graph"], cfg.random_repeats, cfg.seed, cfg.targeted_by, cfg.recalculate
    )


def _write_robustness(ctx: Context, curves) -> list[str]:
    from econet.report.figures import robustness_figure

    write_csv(ctx.run.product("robustness.csv"), curves)
    robustness_figure(curves, ctx.run.product("robustness.png"))
    return ["robustness.csv", "robustness.png"]


def _report(ctx: Context):
    return {"made": True}


def _write_report(ctx: Context, _res) -> list[str]:
    from econet.report import write_report

    return write_report(ctx)


def _landcover_layers(s: Study) -> list[str]:
    return [f"layers.{s.landcover.layer}"]


def _resistance_layers(s: Study) -> list[str]:
    slope = [f"layers.{s.resistance.slope.layer}"] if s.resistance.weights.get("slope", 0) > 0 else []
    return _landcover_layers(s) + slope


def _report_layers(s: Study) -> list[str]:
    return _landcover_layers(s) + [f"vectors.{k}" for k in ("roads", "mines") if k in s.vectors]


STAGES: tuple[Stage, ...] = (
    Stage("mspa", "MSPA", (), ("landcover", "sources.mspa"), _landcover_layers, _mspa, _write_mspa),
    Stage("sources", "Ecological sources", ("mspa",), ("sources",), _landcover_layers, _sources, _write_sources),
    Stage(
        "resistance",
        "Resistance surface",
        (),
        ("landcover", "resistance"),
        _resistance_layers,
        _resistance,
        _write_resistance,
    ),
    Stage(
        "corridors",
        "Least-cost corridors",
        ("sources", "resistance"),
        ("corridors",),
        lambda s: [],
        _corridors,
        _write_corridors,
    ),
    Stage(
        "connectivity",
        "Connectivity (PC, dPC)",
        ("sources",),
        ("connectivity",),
        lambda s: [],
        _connectivity,
        _write_connectivity,
    ),
    Stage(
        "network",
        "Network topology",
        ("sources", "corridors", "connectivity"),
        (),
        lambda s: [],
        _network,
        _write_network,
    ),
    Stage("robustness", "Robustness", ("network",), ("robustness",), lambda s: [], _robustness, _write_robustness),
    Stage(
        "report",
        "Report",
        ("mspa", "sources", "resistance", "corridors", "connectivity", "network", "robustness"),
        ("study",),
        _report_layers,
        _report,
        _write_report,
    ),
)


def _section(study: Study, dotted: str):
    node: Any = study
    for part in dotted.split("."):
        node = getattr(node, part)
    return node.model_dump(mode="json")


def run_study(study: Study, out_dir, quiet: bool = False, study_path: str | None = None) -> RunFolder:
    """Run every stage, reusing cached stages whose inputs did not change. Returns the run."""
    from econet.report.progress import StageProgress

    landscape = open_landscape(study)  # checks every layer before any heavy work
    run = RunFolder(out_dir)
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    inputs = {}
    for group in ("layers", "vectors"):
        for name, spec in getattr(study, group).items():
            p = Path(spec.path)
            inputs[f"{group}.{name}"] = {"path": str(p), "sha256": file_sha256(p), "bytes": p.stat().st_size}
    # Every product sits on the template grid, which the study meta and template file define.
    base = {
        "study": study.study.model_dump(mode="json"),
        "template": inputs[f"layers.{study.study.template}"]["sha256"],
        "version": __version__,
    }
    ctx = Context(study, landscape, run)
    keys: dict[str, str] = {}
    stages_log: dict[str, dict] = {}
    with StageProgress(quiet=quiet) as progress:
        for stage in STAGES:
            key = digest(
                {
                    "base": base,
                    "sections": {s: _section(study, s) for s in stage.sections},
                    "inputs": {n: inputs[n]["sha256"] for n in stage.layers(study)},
                    "needs": {n: keys[n] for n in stage.needs},
                }
            )
            keys[stage.name] = key
            t0 = time.perf_counter()
            cached = run.cached(stage.name, key)
            if cached is not None:
                ctx.results[stage.name] = cached
                entry = dict(run.previous["stages"][stage.name])
                entry.update(cached=True)
                progress.done(stage.title, 0.0, cached=True)
            else:
                progress.start(stage.title)
                result = stage.compute(ctx)
                ctx.results[stage.name] = result
                products = stage.write(ctx, result)
                run.store(stage.name, key, result)
                seconds = time.perf_counter() - t0
                entry = {"key": key, "seconds": round(seconds, 3), "products": products, "cached": False}
                progress.done(stage.title, seconds)
            stages_log[stage.name] = entry
            # Save after every stage so an interrupted run still reuses what it finished.
            run.save_manifest(_manifest(study, study_path, landscape, inputs, started, stages_log, finished=False))
    run.save_manifest(_manifest(study, study_path, landscape, inputs, started, stages_log, finished=True))
    return run


def _manifest(study, study_path, landscape, inputs, started, stages, finished: bool) -> dict:
    return {
        "econet": __version__,
        "study_file": study_path,
        "started": started,
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds") if finished else None,
        "grid": describe(landscape),
        "inputs": inputs,
        "study": study.model_dump(mode="json"),
        "versions": package_versions(),
        "stages": stages,
        "total_seconds": round(sum(s.get("seconds", 0.0) for s in stages.values() if not s.get("cached")), 3),
    }


__all__ = ["STAGES", "run_study"]
