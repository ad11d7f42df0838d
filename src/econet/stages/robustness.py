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


_RECOVERY = {
    "neighbour": "a removed source counts as recovered while at least one of its neighbours in the intact network "
    "survives (recolonisation along a corridor)",
    "largest-component": "a removed source counts as recovered while one of its neighbours lies in the largest "
    "surviving component",
}


def reading(recovery: str) -> str:
    """How to read the attack curves (what they are, and the two shapes that surprise readers),
    as the definitions in ``econet.network.robustness`` make them."""
    return (
        "<p class='explain'><b>How to read the curves.</b> S = C / N is the largest connected group of "
        "sources (C) as a share of all N sources of the intact network: it only falls, and it is the curve "
        "to compare between attacks. R = C / (N − N<sub>r</sub>) is the same group as a share of the sources "
        "still standing after N<sub>r</sub> removals (Xuzhou SEEC preprint, eq. 6; Tong et al. 2025). R "
        "rises back to 1 at the end because the last source standing is, alone, the largest group of what "
        "is left; with no source left R is undefined and not drawn. D and E are the shares of the sources "
        f"and corridors present after one round of recovery: {_RECOVERY[recovery]}; a corridor is back "
        "when both its ends are (Xuzhou SEEC preprint, eqs. 4-5). An attack on the best-connected sources "
        "splits the network fastest (S and R fall sooner than under random removal), yet its D and E can "
        "lie above the random curves: the sources it removes have many neighbours, which survive and "
        "recover them, while random removal also takes poorly connected sources whose only neighbour is "
        "gone. The band around a random curve is ± 1 standard deviation over the repetitions.</p>"
    )


def report(ctx: Context, res: Robustness) -> ReportSection:
    cfg = ctx.study.robustness
    ranking = "ranked again after each removal" if cfg.recalculate else "ranked once, on the intact network"
    return ReportSection(
        "Robustness",
        [
            f"<p>Sources removed one at a time: in random order ({cfg.random_repeats} repetitions, random seed "
            f"{cfg.seed}; mean ± 1 standard deviation) and by {cfg.targeted_by}, highest first ({ranking}).</p>",
            "<img src='robustness.png' alt='robustness curves under node attack'>",
            reading(cfg.recovery),
            *(
                [
                    "<p>Corridors removed one at a time, at random and by edge betweenness (highest first): S as "
                    "above.</p>",
                    "<img src='robustness_edges.png' alt='robustness curves under corridor attack'>",
                ]
                if res.edges is not None
                else []
            ),
            "<p>Area under each curve, a straight line fitted against the removed fraction (slope, R²), and "
            "the first removal at which the measure falls below 1 and below 0.1:</p>",
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
