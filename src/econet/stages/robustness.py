"""The robustness stage: node and corridor attacks on the network."""

from __future__ import annotations

from econet.io import write_csv
from econet.network.analysis import NetworkAnalysis, Robustness, network_robustness
from econet.report import ReportSection
from econet.report.tables import html_table
from econet.stages.base import Context, Stage


def compute(ctx: Context, network: NetworkAnalysis) -> Robustness:
    cfg = ctx.study.robustness
    return network_robustness(
        network.graph,
        repeats=cfg.random_repeats,
        seed=cfg.seed,
        by=cfg.targeted_by,
        recalculate=cfg.recalculate,
        recovery=cfg.recovery,
        edge_attacks=cfg.edge_attacks,
    )


def write(ctx: Context, res: Robustness) -> list[str]:
    from econet.network.figures import robustness_figure

    write_csv(ctx.run.product("robustness.csv"), res.nodes)
    write_csv(ctx.run.product("robustness_summary.csv"), res.summary)
    robustness_figure(res.nodes, ctx.run.product("robustness.png"), ("D", "E", "R", "S"))
    out = ["robustness.csv", "robustness_summary.csv", "robustness.png"]
    if res.edges is not None:
        write_csv(ctx.run.product("robustness_edges.csv"), res.edges)
        robustness_figure(res.edges, ctx.run.product("robustness_edges.png"), ("S",))
        out += ["robustness_edges.csv", "robustness_edges.png"]
    return out


def report(ctx: Context, res: Robustness) -> ReportSection:
    cfg = ctx.study.robustness
    return ReportSection(
        "Robustness",
        [
            f"<p>Node attacks: random ({cfg.random_repeats} repetitions, seed {cfg.seed}; mean ± 1 sd) and by "
            f"{cfg.targeted_by} ({'recalculated after each removal' if cfg.recalculate else 'ranked once'}). "
            f"Removed nodes count as recovered in D and E by the '{cfg.recovery}' rule.</p>",
            "<img src='robustness.png' alt='robustness curves'>",
            *(["<img src='robustness_edges.png' alt='edge attack curves'>"] if res.edges is not None else []),
            "<p>Area under each curve, line fitted against the removed fraction (slope, R²), and the first "
            "removal at which the metric falls below 1 and below 0.1:</p>",
            html_table(res.summary, 3),
        ],
    )


STAGE = Stage(
    name="robustness",
    title="Robustness",
    reads=("robustness",),
    consumes={"network": ("network",)},
    compute=compute,
    write=write,
    report=report,
    products={
        "robustness.csv": "node attack curves (R, S, D, E) per strategy",
        "robustness_edges.csv": "edge attack curves (S) per strategy",
        "robustness_summary.csv": "area, slope, R² and thresholds of each curve",
        "robustness.png": "node attack curves",
        "robustness_edges.png": "edge attack curves",
    },
)
