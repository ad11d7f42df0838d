"""The report of ``econet optimise``: every scenario against the baseline and against chance."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from econet.report.html import ReportSection, write_report
from econet.report.tables import html_table, number

# Measures shown in the report's table, in this order (validation.csv has them all).
SHOWN = [
    ("sources", "sources"),
    ("stepping_stones", "stepping stones added"),
    ("corridors", "corridors"),
    ("corridor_length_km", "corridor length (km)"),
    ("components", "components"),
    ("ECA_km2", "ECA (km²)"),
    ("PC", "PC"),
    ("IIC", "IIC"),
    ("carbon_total_t_a", "carbon sink of sources and corridors (t/a)"),
    ("rsei_sources", "mean RSEI of the sources"),
    ("node_random_S_slope", "random node attack: slope of S"),
    ("node_targeted_S_slope", "targeted node attack: slope of S"),
    ("node_targeted_S_area", "targeted node attack: area under S"),
    ("node_targeted_R_area", "targeted node attack: area under R"),
    ("edge_targeted_S_slope", "targeted corridor attack: slope of S"),
    ("restored_ha", "footprint of the actions (ha)"),
    ("cost", "cost"),
]
_PANELS = [
    ("targeted node attack: S", "node", "targeted", "S"),
    ("random node attack: S", "node", "random", "S"),
    ("targeted node attack: R", "node", "targeted", "R"),
    ("targeted corridor attack: S", "edge", "targeted", "S"),
]


def _mean_curves(tables: list[pd.DataFrame], n: int = 51) -> pd.DataFrame | None:
    """The mean of several networks' curves on a common axis of removed fractions (the
    networks may differ in size)."""
    tables = [t for t in tables if t is not None]
    if not tables:
        return None
    x = np.linspace(0, 1, n)
    rows = []
    keys = tables[0][["element", "strategy"]].drop_duplicates().itertuples(index=False)
    for element, strategy in keys:
        cols = {}
        for metric in ("R", "S", "D", "E"):
            ys = []
            for t in tables:
                part = t[(t["element"] == element) & (t["strategy"] == strategy)]
                if metric in part and part[metric].notna().any():
                    ys.append(np.interp(x, part["removed_fraction"], part[metric]))
            if ys:
                cols[metric] = np.mean(ys, axis=0)
        rows.append(pd.DataFrame({"element": element, "strategy": strategy, "removed_fraction": x, **cols}))
    return pd.concat(rows, ignore_index=True)


def _sentences(table: pd.DataFrame, versus: pd.DataFrame) -> list[str]:
    by = table.set_index("scenario")
    out = []
    base = by.loc["baseline"]
    for name in by.index:
        if name == "baseline" or str(name).startswith("random"):
            continue
        r = by.loc[name]
        text = (
            f"<b>{html.escape(str(name))}</b> ({int(r['actions'])} actions, {r['restored_ha']:,.1f} ha): "
            f"ECA {r['ECA_km2']:,.2f} km² ({r['ECA_km2'] - base['ECA_km2']:+,.2f} against the baseline), "
            f"slope of S under targeted node attack {r['node_targeted_S_slope']:.3f} "
            f"(baseline {base['node_targeted_S_slope']:.3f})"
        )
        if np.isfinite(r.get("carbon_total_t_a", np.nan)):
            text += f", carbon sink {r['carbon_total_t_a'] - base['carbon_total_t_a']:+,.1f} t/a"
        mine = versus[versus["scenario"] == name] if len(versus) else versus
        compared = []
        for m, label in (("ECA_km2", "ECA"), ("node_targeted_S_slope", "the targeted-attack slope")):
            row = mine[mine["measure"] == m] if len(mine) else mine
            if len(row):
                row = row.iloc[0]
                sd = f", {row['difference_sd']:+.1f} sd" if np.isfinite(row["difference_sd"]) else ""
                verdict = "better" if row["better"] else "not better"
                compared.append(f"{label} {row['difference']:+,.4g}{sd} ({verdict})")
        if compared:
            text += "; against the mean of the random restorations of the same size: " + ", ".join(compared)
        elif "random (mean)" in by.index:
            text += "; a different kind of action from the random restorations, so not compared with them"
        out.append(f"<p>{text}.</p>")
    return out


def write_optimise_report(out: Path, title: str, base, result) -> Path:
    """``out/report.html`` with the validation table, each scenario's map beside the
    baseline's and the attack curves overlaid; figures beside it in ``out/figures/``."""
    from econet.report.figures import attack_overlay
    from econet.report.maps import scenario_map

    out = Path(out)
    table, versus = result.validation, result.versus_random
    shown = [c for c, _ in SHOWN if c in table]
    cols = [s for s in table["scenario"] if not str(s).startswith("random_")]
    view = table.set_index("scenario").loc[cols, shown].T
    view.index = [dict(SHOWN)[c] for c in view.index]
    view = view.map(number).reset_index(names="measure")
    parts = _sentences(table, versus)
    parts += [
        "<p class='muted'>Every measure of every run, with its change against the baseline, is in "
        "<a href='validation.csv'>validation.csv</a>; random repeats one by one there too. Slopes are "
        "regressions of the curve on the fraction removed: closer to zero is a network that degrades more "
        "slowly.</p>",
        html_table(view),
    ]
    sections = [ReportSection("Scenarios against the baseline", parts)]
    b_src, b_cor = result.base.sources, result.base.corridors
    maps, figures = [], []
    firsts = [(sc, o) for sc, o in result.scenarios if not sc.name.startswith("random_")]
    firsts += [(sc, o) for sc, o in result.scenarios if sc.name.startswith("random_")][:1]
    for sc, outcome in firsts:
        restored = np.zeros(base.grid.shape, dtype=bool)
        for a in sc.actions:
            restored.ravel()[a.cells] = True
        rel = f"figures/scenario_{sc.name}.png"
        scenario_map(
            base.grid,
            base.landcover,
            base.classes,
            (b_src, b_cor),
            (outcome.sources, outcome.corridors),
            restored,
            out / rel,
            sc.name,
        )
        maps += [f"<h3>{html.escape(sc.name)}</h3>", f"<p>{html.escape(sc.note)}</p>" if sc.note else ""]
        maps.append(f"<img src='{rel}' alt='baseline and {html.escape(sc.name)}'>")
        figures.append(rel)
    sections.append(ReportSection("Maps: baseline and scenario", maps, figures))
    curves = {"baseline": result.base.curves}
    curves.update({sc.name: o.curves for sc, o in result.scenarios if not sc.name.startswith("random_")})
    randoms = [o.curves for sc, o in result.scenarios if sc.name.startswith("random_")]
    if randoms:
        curves[f"random (mean of {len(randoms)})"] = _mean_curves(randoms)
    attack_overlay(curves, out / "figures" / "attack_curves.png", _PANELS)
    sections.append(
        ReportSection(
            "Robustness before and after",
            ["<img src='figures/attack_curves.png' alt='attack curves of every scenario'>"],
            ["figures/attack_curves.png"],
        )
    )
    products = {
        "validation.csv": "one row per run: sources, corridors, ECA, PC, IIC, carbon, RSEI, attack curves; changes",
        "versus_random.csv": "each optimised scenario against the random restorations' mean",
        "baseline/report.html": "the run without actions (its own report)",
    }
    products.update(
        {
            f"scenarios/{sc.name}/report.html": f"the run of scenario {sc.name}: inputs/ (its edits), actions.csv "
            "and the usual products"
            for sc, _ in result.scenarios
        }
    )
    products = {k: v for k, v in products.items() if (out / k).exists()}
    runs = [("baseline", result.base)] + [(sc.name, o) for sc, o in result.scenarios]
    reruns = pd.DataFrame(
        [
            {
                "run": name,
                "stages rerun": sum(1 for e in o.stages.values() if not e.get("cached") and not e.get("skipped")),
            }
            for name, o in runs
        ]
    )
    # The stages' seconds stay in each run's manifest.json: the same study gives the same page,
    # byte for byte, however many scenario runs ran at once and wherever they ran.
    run = [
        html_table(reruns),
        "<p>Each run's stage times are in its folder's <code>manifest.json</code>.</p>",
    ]
    path = out / "report.html"
    write_report(path, f"{title}: scenarios", f"{len(result.scenarios)} scenario(s)", sections, products, run)
    return path


__all__ = ["write_optimise_report"]
