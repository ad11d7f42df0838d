"""The report of a series (``DIR/report.html``): trajectories, land-cover transitions, sources and
corridors gained and lost, topology per epoch and the correlations side by side with their
change (Tong et al. 2025, Figures 9-10), with a link to each epoch's own report."""

from __future__ import annotations

import numpy as np
import pandas as pd

from econet.io.atomic import draws_figure
from econet.report.figures import _save, plt
from econet.report.html import ReportSection, write_report
from econet.report.tables import html_table
from econet.series.correlations import square
from econet.series.matching import STATUSES, counts
from econet.series.transitions import long_form, unchanged_km2

# Trajectory panels: (column, label), shown when the column has a value in some epoch.
SHOWN = (
    ("sources", "sources"),
    ("corridors", "corridors"),
    ("corridor_length_km", "corridor length (km)"),
    ("ECA_km2", "ECA (km²)"),
    ("PC", "PC"),
    ("IIC", "IIC"),
    ("network_average_degree", "mean degree"),
    ("network_components", "components"),
    ("carbon_total_t_a", "carbon sink (t/a)"),
    ("rsei_sources", "RSEI of the sources"),
    ("rsei_mean", "RSEI (study area)"),
    ("habitat_quality_mean", "habitat quality"),
    ("water_conservation_mean", "water conservation"),
    ("sediment_retention_mean", "sediment retention"),
    ("node_random_S_slope", "slope, random node attack"),
    ("node_targeted_S_slope", "slope, targeted node attack"),
)
# Node indicators set against the topology in the correlation panels (services and processes,
# Tong et al. 2025 Figures 10-11), and the fallback without [indicators].
SERVICES = (
    "habitat_quality_mean",
    "water_conservation_mean",
    "sediment_retention_mean",
    "carbon_sink_t_a",
    "ndvi_mean",
    "mndwi_mean",
    "eco_elasticity_mean",
    "soil_loss_mean",
)
PATCH = ("area_km2", "dPC", "dIIC", "shape")
STATUS_COLOURS = {
    "kept": "#9e9e9e",
    "grown": "#1b7837",
    "shrunk": "#fdae61",
    "split": "#7b3294",
    "merged": "#2166ac",
    "regrouped": "#c2a5cf",
    "new": "#4dac26",
    "lost": "#d7191c",
}


@draws_figure
def trajectory_figure(table: pd.DataFrame, path) -> list[str]:
    """Small multiples, one measure per panel, against the year; returns the columns drawn."""
    cols = [(c, label) for c, label in SHOWN if c in table and np.isfinite(table[c].to_numpy(float)).any()]
    n = max(1, len(cols))
    ncol = 4
    nrow = -(-n // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(3.2 * ncol, 2.5 * nrow), squeeze=False)
    for ax, (c, label) in zip(axes.ravel(), cols):
        ax.plot(table["year"], table[c], marker="o", color="#2166ac")
        ax.set_title(label, fontsize=9)
        ax.set_xticks(table["year"])
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    for ax in axes.ravel()[len(cols) :]:
        ax.axis("off")
    fig.tight_layout()
    _save(fig, path)
    return [c for c, _ in cols]


@draws_figure
def source_change_map(grid, landcover, classes, layer, path, title: str) -> None:
    """The later epoch's land cover (faded), its sources coloured by status, the earlier
    epoch's lost sources outlined in red, and the corridors gained (green) and lost (red)."""
    from econet.cartography import LegendEntry, fonts_for, map_furniture
    from econet.report.maps import draw_landcover, draw_lines, draw_polygons, legend

    with fonts_for(title, *(c.name for c in classes)):
        fig, ax = plt.subplots(figsize=(9, 8))
        lc = draw_landcover(ax, grid, landcover, classes, alpha=0.35)
        sources, corridors = layer
        entries = []
        for status in STATUSES:
            part = sources[sources["status"] == status]
            colour = STATUS_COLOURS[status]
            if status == "lost":
                style = {"facecolor": "none", "edgecolor": colour, "hatch": "///"}
                draw_polygons(ax, part, "none", colour, 1.0, zorder=4, hatch="///")
            else:
                style = {"facecolor": colour, "edgecolor": "black", "lw": 0.4}
                draw_polygons(ax, part, colour, zorder=3)
            entries.append(LegendEntry(f"{status} ({len(part)})", "patch", len(part), style))
        for status, colour, ls in (("kept", "#555555", "-"), ("gained", "#1a9641", "-"), ("lost", "#d7191c", "--")):
            part = corridors[corridors["status"] == status]
            if len(part):
                draw_lines(ax, part, colour, 1.3, zorder=5, linestyle=ls)
            entries.append(
                LegendEntry(f"corridor {status} ({len(part)})", "line", len(part), {"color": colour, "ls": ls})
            )
        map_furniture(ax, grid, title)
        legend(ax, entries + lc)
        _save(fig, path)


@draws_figure
def topology_boxplots(nodes: pd.DataFrame, metrics, path) -> list[str]:
    """Box plots of each node metric per year (Tong et al. 2025, Figure 9: the box is the
    interquartile range, the line the median, whiskers to 1.5 IQR, points beyond)."""
    metrics = [m for m in metrics if m in nodes]
    years = sorted(nodes["year"].unique())
    fig, axes = plt.subplots(1, max(1, len(metrics)), figsize=(3.4 * max(1, len(metrics)), 3.2), squeeze=False)
    for ax, m in zip(axes.ravel(), metrics):
        data = [nodes.loc[nodes["year"] == y, m].dropna().to_numpy(float) for y in years]
        ax.boxplot(data, tick_labels=[str(y) for y in years], whis=1.5)
        ax.set_title(m.replace("_", " "), fontsize=9)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    _save(fig, path)
    return metrics


@draws_figure
def correlation_panels(change: pd.DataFrame, years, rows, cols, path) -> None:
    """Heat maps of r (rows x cols) for each year side by side, then the change from the
    first year to the last, each cell with its coefficient and significance marks."""
    fig, axes = plt.subplots(
        1, len(years) + 1, figsize=(0.55 * len(cols) * (len(years) + 1) + 2.5, 0.45 * len(rows) + 2)
    )
    panels = [(f"r_{y}", f"mark_{y}", str(y)) for y in years]
    last = f"r_{years[-1]}"
    change = change.assign(_total=change[last] - change[f"r_{years[0]}"])
    panels.append(("_total", None, f"change {years[0]}–{years[-1]}"))
    for i, (ax, (col, mark, title)) in enumerate(zip(np.atleast_1d(axes), panels)):
        m = square(change, col, rows, cols)
        marks = square(change, mark, rows, cols) if mark else None
        cmap = "RdBu_r" if mark else "PuOr_r"
        ax.imshow(m.to_numpy(float), cmap=cmap, vmin=-1, vmax=1)
        for r in range(len(rows)):
            for c in range(len(cols)):
                v = m.iat[r, c]
                if np.isfinite(v):
                    text = f"{v:.2f}" + (
                        str(marks.iat[r, c]) if marks is not None and isinstance(marks.iat[r, c], str) else ""
                    )
                    ax.text(c, r, text, ha="center", va="center", fontsize=6)
        ax.set_xticks(range(len(cols)), [c.replace("_", " ") for c in cols], rotation=60, ha="right", fontsize=7)
        ax.set_yticks(range(len(rows)), [r.replace("_", " ") for r in rows] if i == 0 else [""] * len(rows), fontsize=7)
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    _save(fig, path)


def _correlated(change: pd.DataFrame, topology) -> tuple[list[str], list[str]]:
    names = set(change["x"]) | set(change["y"])
    cols = [m for m in topology if m in names]
    rows = [s for s in SERVICES if s in names] or [p for p in PATCH if p in names]
    return rows, cols


def write_series_report(series, layers: dict, topology) -> str:
    """``series.path``/report.html, its figures in ``series.path``/series/figures/. ``layers``:
    interval name -> (sources, corridors) GeoDataFrames with their status."""
    out = series.path
    fig_dir = out / "series" / "figures"
    years = [e.year for e in series.epochs]
    table = series.trajectories
    drawn = trajectory_figure(table, fig_dir / "trajectories.png")
    view = table.set_index("year")[drawn].T.reset_index(names="measure")
    view.columns = [str(c) for c in view.columns]
    links = " · ".join(f"<a href='{y}/report.html'>{y}</a>" for y in years)
    sections = [
        ReportSection(
            "Trajectories",
            [
                f"<p>Each epoch's own report: {links}. Every measure of every epoch is in "
                "<a href='series/trajectories.csv'>series/trajectories.csv</a>, the change between consecutive "
                "epochs in <a href='series/changes.csv'>series/changes.csv</a>.</p>",
                "<img src='series/figures/trajectories.png' alt='trajectories'>",
                html_table(view),
            ],
            ["series/figures/trajectories.png"],
            headline={"epochs": len(years), "years": f"{years[0]}–{years[-1]}"},
        )
    ]
    rows, parts, figures, largest = [], [], [], []
    by_year = {e.year: e for e in series.epochs}
    names = {c.code: c.name for c in series.classes}
    for iv in series.intervals:
        moves = long_form(iv.transitions, names)
        moves = moves[moves["from"] != moves["to"]].head(5)
        largest.append(moves.assign(interval=f"{iv.before}–{iv.after}"))
        total = float(iv.transitions.to_numpy().sum())
        same = unchanged_km2(iv.transitions)
        status = iv.corridors["status"].value_counts()
        rows.append(
            {
                "interval": f"{iv.before}–{iv.after}",
                "land cover changed (km²)": total - same,
                "changed (%)": 100 * (total - same) / total if total else 0.0,
                **{f"sources {k}": v for k, v in counts(iv.matching).items()},
                "corridors kept": int(status.get("kept", 0)),
                "corridors gained": int(status.get("gained", 0)),
                "corridors lost": int(status.get("lost", 0)),
            }
        )
        rel = f"series/figures/change_{iv.name}.png"
        source_change_map(
            series.grid,
            by_year[iv.after].landcover,
            series.classes,
            layers[iv.name],
            out / rel,
            f"Sources and corridors, {iv.before} to {iv.after}",
        )
        parts += [f"<h3>{iv.before} to {iv.after}</h3>", f"<img src='{rel}' alt='change {iv.name}'>"]
        figures.append(rel)
    intro = (
        "<p>Land-cover transitions are in <a href='series/transitions.csv'>series/transitions.csv</a> (km², one "
        "matrix per interval in series/transitions_&lt;from&gt;_&lt;to&gt;.csv). Sources are matched by overlap: "
        "kept, grown or shrunk (one to one; within 5 % of the earlier area is kept), split, merged, regrouped "
        "(several on both sides), lost and new (series/source_events.csv, series/sources_change.gpkg). A corridor "
        "is kept when one joins the same two matched sources in both epochs (series/corridors_change.gpkg).</p>"
    )
    table = pd.DataFrame(rows).T.reset_index()
    table.columns = [str(c) for c in table.iloc[0]]
    sections.append(ReportSection("Change between epochs", [intro, html_table(table.iloc[1:]), *parts], figures))
    nodes = pd.concat([e.nodes.assign(year=e.year) for e in series.epochs], ignore_index=True)
    drawn = topology_boxplots(nodes, topology, fig_dir / "topology.png")
    sections.append(
        ReportSection(
            "Topology per epoch",
            [
                "<p>Node metrics per epoch (box: interquartile range, line: median, whiskers: 1.5 IQR; Tong et al. "
                "2025, Figure 9); every node in <a href='series/nodes.csv'>series/nodes.csv</a>.</p>",
                "<img src='series/figures/topology.png' alt='topology per epoch'>",
            ]
            if drawn
            else ["<p>No epoch has a node with topology metrics.</p>"],
            ["series/figures/topology.png"] if drawn else [],
        )
    )
    rows_, cols_ = _correlated(series.correlations, topology)
    if rows_ and cols_:
        correlation_panels(series.correlations, years, rows_, cols_, fig_dir / "correlations.png")
        corr = [
            "<p>Correlations between node indicators and the topology, each epoch side by side, then the change "
            "of each coefficient from the first epoch to the last (marks: *** p &lt; 0.001, ** p &lt; 0.01, "
            "* p &lt; 0.05); every pair and year, with the change between consecutive epochs, in "
            "<a href='series/correlations.csv'>series/correlations.csv</a>.</p>",
            "<img src='series/figures/correlations.png' alt='correlations per epoch'>",
        ]
        sections.append(ReportSection("Correlations per epoch", corr, ["series/figures/correlations.png"]))
    products = {
        "series/trajectories.csv": "one row per epoch: network_measures, topology summary, indicator means",
        "series/changes.csv": "the change of each measure between consecutive epochs",
        "series/transitions.csv": "land-cover transitions per interval (km²), largest change first",
        "series/source_events.csv": "sources matched by overlap: one row per event and interval",
        "series/source_matching.csv": "every source of every interval with its event and status",
        "series/corridor_changes.csv": "corridors kept, gained and lost per interval",
        "series/correlations.csv": "r per epoch and its change, for every indicator pair",
        "series/sources_change.gpkg": "one layer per interval: sources with their status",
        "series/corridors_change.gpkg": "one layer per interval: corridors with their status",
        **{f"{y}/report.html": "the epoch's run (its own report)" for y in years},
    }
    products = {k: v for k, v in products.items() if (out / k).exists()}  # links that resolve
    timings = pd.DataFrame(
        [
            {
                "epoch": e.year,
                "stages run": len(e.stages_run()),
                "stages reused": sum(1 for x in e.stages.values() if x.get("cached")),
                "seconds": sum(x.get("seconds", 0.0) for x in e.stages.values() if not x.get("cached")),
            }
            for e in series.epochs
        ]
    )
    title = series.title or "study"
    path = out / "report.html"
    write_report(
        path, f"{title}: {years[0]}–{years[-1]}", f"{len(years)} epochs", sections, products, [html_table(timings)]
    )
    return path


__all__ = [
    "correlation_panels",
    "source_change_map",
    "topology_boxplots",
    "trajectory_figure",
    "write_series_report",
]
