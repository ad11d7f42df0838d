"""Pipeline stage of the connectivity package: PC and IIC over the ecological sources."""

from __future__ import annotations

import pandas as pd

from econet.connectivity.distances import source_distances
from econet.connectivity.indices import iic_indices, pc_indices
from econet.io import write_csv
from econet.report.tables import html_table, section
from econet.stage import Context, Stage, no_layers

_DISTANCES = {
    "edge": "edge-to-edge distances",
    "centroid": "centroid distances",
    "least_cost": "least-cost distances of the corridors",
}


def _connectivity(ctx: Context):
    cfg = ctx.study.connectivity
    table = ctx.results["sources"].table
    area_m2 = (cfg.landscape_area_km2 or ctx.landscape.grid.area_km2) * 1e6
    corridors = ctx.results["corridors"]["corridors"] if cfg.distance == "least_cost" else None
    dist = source_distances(table, cfg.distance, corridors)
    attr = table["area_km2"].to_numpy() * 1e6
    threshold = cfg.iic_threshold_m or cfg.distance_m
    pc, pc_nodes = pc_indices(attr, dist, cfg.distance_m, cfg.probability, area_m2, min_probability=cfg.min_probability)
    iic, iic_nodes = iic_indices(attr, dist, threshold, area_m2, strict=cfg.iic_strict)
    keep = ["dPC", "dPCintra", "dPCflux", "dPCconnector", "dIIC", "dIICintra", "dIICflux", "dIICconnector"]
    nodes = pd.concat([pc_nodes, iic_nodes], axis=1)[keep]
    nodes.insert(0, "id", table["id"].to_numpy())
    overall = {
        "PC": pc["PC"],
        "ECA_km2": pc["EC(PC)"] / 1e6,
        "PCintra_pct": pc["PCintra(%)"],
        "PCdirect_pct": pc["PCdirect(%)"],
        "PCstep_pct": pc["PCstep(%)"],
        "IIC": iic["IIC"],
        "EC_IIC_km2": iic["EC(IIC)"] / 1e6,
        "IICintra_pct": iic["IICintra(%)"],
        "IICdirect_pct": iic["IICdirect(%)"],
        "IICstep_pct": iic["IICstep(%)"],
        "distance": cfg.distance,
        "distance_m": cfg.distance_m,
        "probability": cfg.probability,
        "iic_threshold_m": threshold,
        "landscape_area_km2": area_m2 / 1e6,
    }
    return {"overall": overall, "nodes": nodes}


def _write_connectivity(ctx: Context, res) -> list[str]:
    write_csv(ctx.run.product("connectivity_nodes.csv"), res["nodes"])
    write_csv(ctx.run.product("connectivity_overall.csv"), pd.DataFrame([res["overall"]]))
    return ["connectivity_nodes.csv", "connectivity_overall.csv"]


def _report_connectivity(ctx: Context, res) -> tuple[str, list[str]]:
    conn = res["overall"]
    src = ctx.results["sources"].table[["id", "source_type", "area_km2"]]
    top = src.merge(res["nodes"], on="id").sort_values("dPC", ascending=False).head(10)
    rule = "<" if ctx.study.connectivity.iic_strict else "≤"
    html = section(
        "Connectivity",
        f"<p>Probability of connectivity with p = {conn['probability']:g} at {conn['distance_m']:g}; integral index "
        f"of connectivity with links where d {rule} {conn['iic_threshold_m']:g}; {_DISTANCES[conn['distance']]}, "
        f"A<sub>L</sub> = {conn['landscape_area_km2']:,.1f} km². Exact (Conefor conventions).</p>",
        html_table(pd.DataFrame([conn]), "{:.6g}"),
        "<h3>Most important sources (dPC, %)</h3>",
        html_table(top),
    )
    return html, []


CONNECTIVITY_STAGE = Stage(
    "connectivity",
    "Connectivity (PC, IIC, dPC, dIIC)",
    ("sources", "corridors"),
    ("connectivity",),
    no_layers,
    _connectivity,
    _write_connectivity,
    _report_connectivity,
    {
        "connectivity_nodes.csv": "dPC and dIIC per source (%) with their intra, flux and connector fractions",
        "connectivity_overall.csv": "PC, ECA, IIC, EC(IIC) and their intra/direct/step shares (%)",
    },
)

__all__ = ["CONNECTIVITY_STAGE"]
