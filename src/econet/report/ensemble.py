"""The report of ``econet sensitivity``: what was drawn, how far the measures spread, which
parameter moves each of them most, and the source and corridor frequency maps."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from econet.io.atomic import draws_figure
from econet.report.html import ReportSection, write_report
from econet.report.tables import html_table, number

# Plain names of the measures (``econet.scenarios.validation.network_measures`` columns).
LABELS = {
    "ECA_km2": "ECA (km²)",
    "PC": "PC",
    "IIC": "IIC",
    "sources": "sources",
    "corridors": "corridors",
    "corridor_length_km": "corridor length (km)",
    "carbon_total_t_a": "carbon sink of sources and corridors (t/a)",
    "node_random_S_slope": "random node attack: slope of S",
    "node_targeted_S_slope": "targeted node attack: slope of S",
    "edge_random_S_slope": "random corridor attack: slope of S",
    "edge_targeted_S_slope": "targeted corridor attack: slope of S",
}


@draws_figure
def correlation_figure(correlations: pd.DataFrame, path) -> None:
    """Spearman's ρ of each measure (rows) with each parameter (columns), -1 blue to +1 red."""
    import matplotlib.pyplot as plt

    from econet.io.atomic import write_png
    from econet.report import figures  # noqa: F401  (sets matplotlib's Agg backend)

    rho = correlations.astype(float)
    fig, ax = plt.subplots(figsize=(1.2 + 0.9 * max(len(rho.columns), 1), 0.9 + 0.45 * max(len(rho), 1)))
    im = ax.imshow(np.ma.masked_invalid(rho.to_numpy()), cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
    ax.set_xticks(range(len(rho.columns)), rho.columns, rotation=40, ha="right")
    ax.set_yticks(range(len(rho)), [LABELS.get(m, m) for m in rho.index])
    for (i, j), v in np.ndenumerate(rho.to_numpy()):
        if np.isfinite(v):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8, color="white" if abs(v) > 0.6 else "black")
    fig.colorbar(im, ax=ax, label="Spearman's ρ")
    ax.set_title("Rank correlation of each measure with each drawn parameter")
    write_png(path, fig, dpi=130, bbox_inches="tight")
    plt.close(fig)


def ensemble_sections(out: Path, grid, result, seed: int) -> list[ReportSection]:
    """The ensemble's report sections; figures written to ``out/figures/``."""
    from econet.report.maps import raster_map

    out = Path(out)
    n = len(result.measures)
    params = result.parameters
    drawn = pd.DataFrame(
        [
            {"parameter": p, "min": params[p].min(), "mean": params[p].mean(), "max": params[p].max()}
            for p in params.columns
        ],
        columns=["parameter", "min", "mean", "max"],
    )
    what = (
        f"<p>{n} sample(s) drawn with seed {seed}: each is the study with the values below written over its "
        "keys (weights <code>w_&lt;factor&gt;</code>, thresholds by their <code>[sensitivity]</code> name), run "
        "into <code>samples/&lt;i&gt;/</code>, reusing every stage of the baseline the draw does not reach.</p>"
    )
    parts = [what, html_table(drawn) if len(drawn) else "<p>Nothing was drawn: every range is one value.</p>"]
    sections = [ReportSection("Ensemble", parts, headline={"samples": n})]

    view = result.spread.copy()
    view["measure"] = [LABELS.get(m, m) for m in view["measure"]]
    eca = result.spread.set_index("measure")["cv"].get("ECA_km2", np.nan)
    sections.append(
        ReportSection(
            "Spread of the measures",
            [
                "<p class='muted'>Over the samples: mean, standard deviation, coefficient of variation (sd / "
                "mean), range and 5th to 95th percentile; the baseline is the study as given. Every sample's "
                "values are in <a href='samples.csv'>samples.csv</a>.</p>",
                html_table(view),
            ],
            headline={"CV of ECA": number(eca)},
        )
    )

    strongest = result.strongest.copy()
    strongest["measure"] = [LABELS.get(m, m) for m in strongest["measure"]]
    rel = "figures/rank_correlations.png"
    parts = [
        "<p class='muted'>Spearman's rank correlation ρ of each measure with each drawn parameter over the samples: "
        "the parameter with the largest |ρ| moves the measure most (a monotone effect of any shape gives |ρ| "
        "near 1; with few samples, |ρ| below about 0.6 can be chance). –: the measure or the parameter did "
        "not vary.</p>",
        html_table(strongest),
    ]
    figs = []
    if result.correlations.size:
        correlation_figure(result.correlations, out / rel)
        parts.append(f"<img src='{rel}' alt='rank correlations'>")
        figs.append(rel)
    sections.append(ReportSection("Which parameter moves each measure", parts, figs))

    maps, figs = [], []
    for name, data, title in (
        ("source_frequency", result.source_frequency, "Share of samples in which a cell is a source"),
        ("corridor_frequency", result.corridor_frequency, "Share of samples in which a cell is on a corridor"),
    ):
        rel = f"figures/{name}.png"
        raster_map(grid, np.where(data > 0, data, np.nan), out / rel, title, cmap="viridis", label="share of samples")
        stable = float(np.nanmean(data[data > 0] == 1.0)) if np.any(data > 0) else np.nan
        maps += [
            f"<img src='{rel}' alt='{html.escape(title)}'>",
            f"<p class='muted'>{html.escape(name)}.tif; of the cells that are {name.split('_')[0]} cells in any "
            f"sample, {number(100 * stable)} % are in every sample.</p>",
        ]
        figs.append(rel)
    sections.append(ReportSection("Frequency maps", maps, figs))
    return sections


PRODUCTS = {
    "samples.csv": "one row per sample: the drawn parameters and the run's measures (as optimise's validation.csv)",
    "spread.csv": "per measure: baseline, mean, sd, CV, min, 5th percentile, median, 95th percentile, max",
    "rank_correlations.csv": "Spearman's rho of every measure with every drawn parameter",
    "strongest.csv": "per measure: the parameter with the largest |rho|",
    "source_frequency.tif": "share of samples in which each cell is a source (0-1)",
    "corridor_frequency.tif": "share of samples in which each cell is on a corridor (0-1)",
    "baseline/report.html": "the study as given (its own report)",
}


def write_ensemble_report(out: Path, title: str, grid, result, seed: int) -> Path:
    """``out/report.html`` of an ensemble (:func:`ensemble_sections`)."""
    out = Path(out)
    timings = pd.DataFrame([{"run": k, "seconds": v} for k, v in result.seconds.items()])
    path = out / "report.html"
    sections = ensemble_sections(out, grid, result, seed)
    products = dict(PRODUCTS)
    samples = sorted((out / "samples").glob("*/report.html")) if (out / "samples").is_dir() else []
    products.update({f"samples/{p.parent.name}/report.html": "the run of one sample" for p in samples})
    products = {k: v for k, v in products.items() if (out / k).exists()}  # links that resolve
    write_report(
        path,
        f"{title}: sensitivity",
        f"{len(result.measures)} sample(s), seed {seed}",
        sections,
        products,
        [html_table(timings)],
    )
    return path


__all__ = ["LABELS", "correlation_figure", "ensemble_sections", "write_ensemble_report"]
