"""Figures: overlaid attack curves (matplotlib, Agg). Maps are drawn by ``econet.report.maps``, the
robustness curves of one run by ``econet.network.figures``."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from econet.io.atomic import draws_figure, write_png  # noqa: E402


def _save(fig, path) -> None:
    write_png(path, fig, dpi=130, bbox_inches="tight")
    plt.close(fig)


@draws_figure
def attack_overlay(curves: dict, path, panels) -> None:
    """Robustness curves of several networks overlaid: ``curves`` maps a label to a curve table
    (``removed_fraction`` and the metric columns, one ``strategy`` and ``element`` per panel
    selection); ``panels`` lists (title, element, strategy prefix, metric)."""
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.8), squeeze=False)
    for ax, (title, element, strategy, metric) in zip(axes[0], panels):
        for i, (label, table) in enumerate(curves.items()):
            if table is None or metric not in table:
                continue
            part = table[(table["element"] == element) & table["strategy"].str.startswith(strategy)]
            if len(part):
                style = {"color": "black", "lw": 2.0} if i == 0 else {"lw": 1.2}
                if str(label).startswith("random"):
                    style = {"color": "grey", "lw": 1.2, "ls": "--"}
                ax.plot(part["removed_fraction"], part[metric], label=label, **style)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(f"fraction of {element}s removed")
        ax.set_ylim(0, 1.05)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("share of the network")
    axes[0][0].legend(fontsize=7, loc="upper right")
    _save(fig, path)
