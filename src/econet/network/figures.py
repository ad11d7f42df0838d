"""Figures of the network package: robustness curves (one network or before/after, as the Xuzhou
SEEC preprint's Fig. 15 and Tong et al. (2025), Fig. 13) and correlation heatmaps (the Xuzhou SEEC
preprint's Fig. 13; Tong et al. (2025), Figs. 10-11)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from econet.io.atomic import write_png  # noqa: E402
from econet.network.correlation import significance_mark  # noqa: E402

LABELS = {
    "R": "connectivity R = C / (N − Nr)",
    "S": "largest component S = C / N",
    "D": "node recovery D = 1 − (Nr − Nd) / N",
    "E": "edge recovery E = 1 − (Mr − Me) / M",
}
_STYLES = ("-", "--", ":", "-.")


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
                if sd in part:
                    ax.fill_between(xs, ys - part[sd], ys + part[sd], color=colours[strategy], alpha=0.15, lw=0)
        ax.set_title(LABELS.get(metric, metric), fontsize=10)
        ax.set_xlabel("fraction removed" if x == "removed_fraction" else "number removed")
        ax.set_ylim(-0.02, 1.05)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7, loc="lower left")
    element = curves["element"].iloc[0] if "element" in curves and len(curves) else "node"
    fig.suptitle(title or f"Network robustness under {element} attack")
    fig.tight_layout()
    write_png(path, fig, dpi=130, bbox_inches="tight")
    plt.close(fig)


def correlation_heatmap(r, p, path, title: str = "Correlation between node indicators") -> None:
    """Lower triangle of r (diverging colours, −1..1) annotated with r and significance marks.
    ``r`` and ``p`` are square DataFrames, or dicts {group: DataFrame} for one panel per group
    (e.g. all nodes and each source type, as the Xuzhou SEEC preprint's Fig. 13)."""
    groups = (r, p) if isinstance(r, dict) else ({"": r}, {"": p})
    k = max(len(m) for m in groups[0].values())
    ncols = min(len(groups[0]), 2)
    nrows = -(-len(groups[0]) // ncols)
    size = (1.0 + 0.62 * k, 0.6 + 0.55 * k)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows), squeeze=False)
    im = None
    for ax, name in zip(axes.ravel(), groups[0]):
        im = _triangle(ax, groups[0][name], groups[1][name])
        if name:
            ax.set_title(name, fontsize=10)
    for ax in axes.ravel()[len(groups[0]) :]:
        ax.set_visible(False)
    fig.colorbar(im, ax=axes.ravel().tolist(), shrink=0.7 / nrows, label="r  (* p<0.05, ** p<0.01, *** p<0.001)")
    fig.suptitle(title, fontsize=11)
    write_png(path, fig, dpi=130, bbox_inches="tight")
    plt.close(fig)


def _triangle(ax, r, p):
    k = len(r)
    rv, pv = r.to_numpy(float), p.to_numpy(float)
    mask = np.triu(np.ones((k, k), bool), 1)
    im = ax.imshow(np.ma.masked_array(rv, mask | ~np.isfinite(rv)), cmap="RdBu_r", vmin=-1, vmax=1)
    for i in range(k):
        for j in range(i + 1):
            if np.isfinite(rv[i, j]):
                colour = "white" if abs(rv[i, j]) > 0.6 else "black"
                text = f"{rv[i, j]:.2f}\n{significance_mark(pv[i, j])}" if i != j else "1"
                ax.text(j, i, text, ha="center", va="center", fontsize=7, color=colour)
    ax.set_xticks(range(k), r.columns, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(k), r.index, fontsize=8)
    ax.set_frame_on(False)
    return im
