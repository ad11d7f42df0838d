"""Figures of the network package: robustness curves (one network or before/after, as the Xuzhou
SEEC preprint's Fig. 15 and Tong et al. (2025), Fig. 13) and correlation heatmaps (the Xuzhou SEEC
preprint's Fig. 13; Tong et al. (2025), Figs. 10-11)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from econet.io.atomic import draws_figure, write_png  # noqa: E402
from econet.network.correlation import significance_mark  # noqa: E402

LABELS = {
    "R": "connectivity R = C / (N − Nr)",
    "S": "largest component S = C / N",
    "D": "node recovery D = 1 − (Nr − Nd) / N",
    "E": "edge recovery E = 1 − (Mr − Me) / M",
}
_STYLES = ("-", "--", ":", "-.")


@draws_figure
def robustness_figure(curves, path, metrics=("D", "E", "R"), x: str = "removed_fraction", title=None) -> None:
    """One panel per metric; a line per attack strategy (colour) and per network (line style,
    when ``curves`` has a ``network`` column, e.g. before/after); random attacks with a ±1 sd band.
    ``x`` is "removed_fraction" or "removed" (counts, for networks of different size)."""
    metrics = [m for m in metrics if m in curves]
    ncols = 2 if len(metrics) == 4 else len(metrics)
    nrows = -(-len(metrics) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.6 * ncols, 3.9 * nrows), squeeze=False)
    axes = axes.ravel()
    networks = list(dict.fromkeys(curves["network"])) if "network" in curves else [None]
    strategies = list(dict.fromkeys(curves["strategy"]))
    colours = {s: plt.get_cmap("tab10")(i % 10) for i, s in enumerate(strategies)}
    for ax, metric in zip(axes, metrics):
        for k, net in enumerate(networks):
            part_n = curves if net is None else curves[curves["network"] == net]
            for strategy, part in part_n.groupby("strategy", sort=False):
                label = strategy if net is None else f"{net}: {strategy}"
                xs, ys = part[x].to_numpy(float), part[metric].to_numpy(float)
                ax.plot(xs, ys, _STYLES[k % len(_STYLES)], color=colours[strategy], label=label, lw=1.4)
                sd = f"{metric}_sd"
                if sd in part:  # the band stays within the measure's range, 0 to 1
                    low, high = np.clip(ys - part[sd], 0, 1), np.clip(ys + part[sd], 0, 1)
                    ax.fill_between(xs, low, high, color=colours[strategy], alpha=0.15, lw=0)
        ax.set_title(LABELS.get(metric, metric), fontsize=10)
        ax.set_xlabel("fraction removed" if x == "removed_fraction" else "number removed")
        ax.set_ylim(-0.02, 1.05)
        if x == "removed_fraction":  # R ends a step early (undefined with no node left): same axis
            ax.set_xlim(-0.02, 1.02)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7, loc="lower left")
    element = curves["element"].iloc[0] if "element" in curves and len(curves) else "node"
    fig.suptitle(title or f"Network robustness under {element} attack")
    fig.tight_layout()
    write_png(path, fig, dpi=130, bbox_inches="tight")
    plt.close(fig)


# The report shows a figure at its own size up to about 1 050 px wide; at 100 dpi a heatmap of
# this width is read without scaling, so its 8 pt labels stay 11 px high.
_HEATMAP_WIDTH_IN = 10.4
_LABELS_IN = 2.4  # room for the row labels (the longest indicator names)


@draws_figure
def correlation_heatmap(r, p, path, title: str = "Correlation between node indicators") -> None:
    """Lower triangle of r (diverging colours, −1..1) with significance marks, for one group of
    nodes (``r`` and ``p`` square DataFrames), sized to be read in the report without scaling:
    at most 10.4 in x 100 dpi wide whatever the number of indicators, each cell annotated with r
    and its mark where the cells are large enough (≥ 0.36 in), with the mark alone where they are
    not, and the colour bar below."""
    k = len(r)
    cell = min(0.55, (_HEATMAP_WIDTH_IN - _LABELS_IN) / max(k, 1))
    side = cell * k + _LABELS_IN
    fig, ax = plt.subplots(figsize=(side, side + 0.9), layout="constrained")
    im = _triangle(ax, r, p, annotate="r" if cell >= 0.36 else "mark")
    bar = fig.colorbar(im, ax=ax, location="top", shrink=0.6, aspect=40, pad=0.02)
    bar.set_label("r   (* p < 0.05, ** p < 0.01, *** p < 0.001)", fontsize=8)
    fig.suptitle(title, fontsize=11)
    write_png(path, fig, dpi=100, bbox_inches="tight")
    plt.close(fig)


def _triangle(ax, r, p, annotate: str = "r"):
    """The lower triangle of ``r`` on ``ax``; ``annotate``: "r" (value and mark) or "mark"."""
    k = len(r)
    rv, pv = r.to_numpy(float), p.to_numpy(float)
    mask = np.triu(np.ones((k, k), bool), 1)
    im = ax.imshow(np.ma.masked_array(rv, mask | ~np.isfinite(rv)), cmap="RdBu_r", vmin=-1, vmax=1, aspect="equal")
    for i in range(k):
        for j in range(i):
            if np.isfinite(rv[i, j]):
                colour = "white" if abs(rv[i, j]) > 0.6 else "black"
                mark = significance_mark(pv[i, j])
                text = f"{rv[i, j]:.2f}\n{mark}" if annotate == "r" else mark
                ax.text(j, i, text, ha="center", va="center", fontsize=7, color=colour)
    names = [str(c).replace("_", " ") for c in r.columns]
    ax.set_xticks(range(k), names, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(k), [str(c).replace("_", " ") for c in r.index], fontsize=8)
    ax.set_frame_on(False)
    return im
