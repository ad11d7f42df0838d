"""The connectivity stage: PC, ECA and IIC of the sources, and each source's dPC and dIIC."""

from __future__ import annotations

import pandas as pd

from econet.connectivity.distances import source_distances
from econet.connectivity.summary import Connectivity, source_connectivity
from econet.corridors.network import Corridors
from econet.habitat.sources import Sources
from econet.io import write_csv
from econet.report import ReportSection
from econet.report.tables import html_record, html_table, number
from econet.stages.base import Context, Stage

_DISTANCES = {
    "edge": "edge-to-edge distances",
    "centroid": "centroid distances",
    "least_cost": "least-cost distances of the corridors",
}


def compute(ctx: Context, sources: Sources, corridors: Corridors) -> Connectivity:
    cfg = ctx.study.connectivity
    table = sources.table
    dist = source_distances(table, cfg.distance, corridors.paths if cfg.distance == "least_cost" else None)
    return source_connectivity(
        table["id"].to_numpy(),
        table["area_km2"].to_numpy() * 1e6,
        dist,
        distance_m=cfg.distance_m,
        probability=cfg.probability,
        landscape_area_m2=(cfg.landscape_area_km2 or ctx.landscape.study_area_km2()) * 1e6,
        iic_threshold_m=cfg.iic_threshold_m,
        iic_strict=cfg.iic_strict,
        min_probability=cfg.min_probability,
        distance=cfg.distance,
    )


def write(ctx: Context, res: Connectivity) -> list[str]:
    write_csv(ctx.run.product("connectivity_nodes.csv"), res.nodes)
    write_csv(ctx.run.product("connectivity_overall.csv"), pd.DataFrame([res.overall]))
    return ["connectivity_nodes.csv", "connectivity_overall.csv"]


def report(ctx: Context, res: Connectivity) -> ReportSection:
    conn = res.overall
    top = res.nodes.sort_values("dPC", ascending=False).head(10)
    rule = "<" if ctx.study.connectivity.iic_strict else "≤"
    # With least-cost distances the dispersal distance is a cumulative cost, not metres.
    unit = "(resistance × m)" if conn["distance"] == "least_cost" else "m"
    return ReportSection(
        "Connectivity",
        [
            f"<p>Probability of connectivity (PC) with a dispersal probability p = {number(conn['probability'])} at "
            f"d = {number(conn['distance_m'])} {unit}; integral index of connectivity (IIC) with links where "
            f"d {rule} {number(conn['iic_threshold_m'])} {unit}; {_DISTANCES[conn['distance']]}; landscape area "
            f"A<sub>L</sub> = {number(conn['landscape_area_km2'])} km². Exact, with Conefor's conventions "
            "(Saura &amp; Torné 2009).</p>",
            html_record(conn),
            "<h3>Most important sources (dPC, %)</h3>",
            html_table(top),
        ],
        headline={"ECA (km²)": f"{conn['ECA_km2']:.1f}"},
    )


STAGE = Stage(
    name="connectivity",
    title="Connectivity (PC, IIC, dPC, dIIC)",
    reads=("landcover", "connectivity"),  # landcover: A_L is the study area's cells with land cover
    consumes={"sources": ("table",), "corridors": ("paths",)},
    compute=compute,
    write=write,
    report=report,
    products={
        "connectivity_nodes.csv": "dPC and dIIC per source (%) with their intra, flux and connector fractions",
        "connectivity_overall.csv": "PC, ECA, IIC, EC(IIC) and their intra/direct/step shares (%)",
    },
)
