"""The indicator summaries stage: per-source means of every indicator and the carbon sink of each
corridor's width-tier polygon. Runs with ``[indicators]``, after sources and corridors."""

from __future__ import annotations

from econet.corridors.network import Corridors
from econet.habitat.sources import Sources
from econet.indicators.compute import Indicators, IndicatorSummaries, summarise_indicators
from econet.io import write_csv
from econet.report import ReportSection
from econet.report.tables import html_table
from econet.stages.base import Context, Stage


def compute(ctx: Context, indicators: Indicators, sources: Sources, corridors: Corridors) -> IndicatorSummaries:
    return summarise_indicators(
        indicators.rasters, sources.labels, sources.table["id"].to_numpy(), corridors.tiers, ctx.landscape.grid
    )


def write(ctx: Context, res: IndicatorSummaries) -> list[str]:
    write_csv(ctx.run.product("indicators_sources.csv"), res.sources)
    out = ["indicators_sources.csv"]
    if res.corridors is not None:
        write_csv(ctx.run.product("indicators_corridors.csv"), res.corridors)
        out.append("indicators_corridors.csv")
    return out


def report(ctx: Context, res: IndicatorSummaries) -> ReportSection:
    parts = ["<h3>Per source (first 15)</h3>", html_table(res.sources.head(15))]
    if res.corridors is not None and len(res.corridors):
        by_tier = (
            res.corridors.groupby("tier", sort=False)
            .agg(
                corridors=("corridor_id", "size"),
                area_ha=("area_ha", "sum"),
                carbon_sink_t_a=("carbon_sink_t_a", "sum"),
            )
            .reset_index()
        )
        parts += ["<h3>Corridor carbon sink by width tier</h3>", html_table(by_tier)]
    return ReportSection("Indicators per source and corridor", parts)


STAGE = Stage(
    name="summaries",
    title="Indicators per source and corridor",
    consumes={"indicators": ("rasters",), "sources": ("labels", "table"), "corridors": ("tiers",)},
    compute=compute,
    write=write,
    report=report,
    enabled=lambda study: study.indicators is not None,
    products={
        "indicators_sources.csv": "per-source means of every indicator; carbon sink summed (t/a)",
        "indicators_corridors.csv": "carbon sink (t/a) and area of each corridor's width-tier polygon, outside the sources",
    },
)
