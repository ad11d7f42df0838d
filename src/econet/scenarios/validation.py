"""Before and after: the measures that say whether a scenario improved the network
(docs/methods/scenarios.md). The Xuzhou SEEC preprint validates its optimisation by robustness
and carbon sink, Tong et al. (2025) by the slopes of the robustness curves and against a random
optimisation of the same size; the table adds the network's size and connectivity (ECA, PC, IIC)."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Columns that describe a scenario rather than measure its network (no change column).
DESCRIPTIVE = ("scenario", "generator", "actions", "restored_ha", "cost")

# The measures a scenario is judged on, and which direction is better (+1 higher, -1 lower).
BETTER = {"ECA_km2": 1, "node_targeted_S_slope": 1, "node_targeted_S_area": 1, "carbon_total_t_a": 1}


def network_measures(sources, corridors, connectivity, network, robustness, summaries=None) -> dict:
    """The validation row of one run from its stage results (``Sources``, ``Corridors``,
    ``Connectivity``, ``NetworkAnalysis``, ``Robustness``, ``IndicatorSummaries`` or None):
    counts, corridor length (km), components, ECA (km²), PC, IIC, carbon sink of the sources
    and of the corridors outside them (t/a), the area-weighted mean RSEI of the sources, and
    for node and corridor attacks, random and targeted, each curve's area, regression slope
    and R²."""
    table = sources.table
    row = {
        "sources": int(len(table)),
        "stepping_stones": int((table["added"] == "stepping stone").sum()) if "added" in table else 0,
        "corridors": int(len(corridors.paths)),
        "corridor_length_km": float(corridors.paths["length_m"].sum() / 1000.0) if len(corridors.paths) else 0.0,
        "components": int(network.summary.get("components", 0)),
        "ECA_km2": float(connectivity.overall["ECA_km2"]),
        "PC": float(connectivity.overall["PC"]),
        "IIC": float(connectivity.overall["IIC"]),
    }
    carbon_sources = carbon_corridors = rsei = np.nan
    if summaries is not None:
        s = summaries.sources
        if "carbon_sink_t_a" in s:
            carbon_sources = float(s["carbon_sink_t_a"].sum())
        if summaries.corridors is not None and "carbon_sink_t_a" in summaries.corridors:
            carbon_corridors = float(summaries.corridors["carbon_sink_t_a"].sum())
        if "rsei_mean" in s:
            area = table.set_index("id")["area_km2"].reindex(s["id"]).to_numpy()
            ok = np.isfinite(s["rsei_mean"].to_numpy()) & np.isfinite(area)
            if ok.any():
                rsei = float(np.average(s["rsei_mean"].to_numpy()[ok], weights=area[ok]))
    row["carbon_sources_t_a"] = carbon_sources
    row["carbon_corridors_t_a"] = carbon_corridors
    row["carbon_total_t_a"] = float(np.nansum([carbon_sources, carbon_corridors])) if summaries is not None else np.nan
    row["rsei_sources"] = rsei
    for r in robustness.summary.itertuples(index=False):
        strategy = "random" if r.strategy == "random" else "targeted"
        prefix = f"{r.element}_{strategy}_{r.metric}"
        row[f"{prefix}_area"] = float(r.area)
        row[f"{prefix}_slope"] = float(r.slope)
        row[f"{prefix}_r2"] = float(r.r2)
    return row


def validation_table(rows: dict[str, dict], baseline: str = "baseline") -> pd.DataFrame:
    """One row per scenario (the baseline first) with, for every measure, its change against
    the baseline (``d_<measure>``); random repeats (scenarios named ``random_<n>``) are
    summarised by two more rows, their mean and standard deviation."""
    table = pd.DataFrame([{"scenario": name, **row} for name, row in rows.items()])
    randoms = table["scenario"].str.match(r"^random_\d+$")
    if randoms.sum() >= 2:
        numeric = table.loc[randoms].select_dtypes("number")
        mean = {"scenario": "random (mean)", "generator": "random", **numeric.mean().to_dict()}
        sd = {"scenario": "random (sd)", "generator": "random", **numeric.std(ddof=1).to_dict()}
        table = pd.concat([table, pd.DataFrame([mean, sd])], ignore_index=True)
    measures = [c for c in table.columns if c not in DESCRIPTIVE and pd.api.types.is_numeric_dtype(table[c])]
    base = table.loc[table["scenario"] == baseline, measures]
    if len(base):
        is_sd = table["scenario"] == "random (sd)"
        for c in measures:
            change = table[c] - float(base[c].iloc[0])
            table[f"d_{c}"] = change.where(~is_sd)
    return table


def against_random(table: pd.DataFrame, measures=tuple(BETTER), generators=None) -> pd.DataFrame:
    """For each optimised scenario (of ``generators`` only, when given: those the random
    repeats are the same size as), how far it is from the random repeats' mean on each of
    ``measures``: the difference, the difference in standard deviations of the repeats, and
    whether it is better (per ``BETTER``'s direction)."""
    by = table.set_index("scenario")
    if "random (mean)" not in by.index:
        return pd.DataFrame()
    mean, sd = by.loc["random (mean)"], by.loc["random (sd)"]
    rows = []
    for name in by.index:
        if name in ("baseline", "random (mean)", "random (sd)") or str(name).startswith("random_"):
            continue
        if generators is not None and by.at[name, "generator"] not in generators:
            continue
        for m in measures:
            if m not in by:
                continue
            diff = float(by.at[name, m] - mean[m])
            z = diff / float(sd[m]) if float(sd[m]) > 0 else np.nan
            rows.append(
                {
                    "scenario": name,
                    "measure": m,
                    "value": float(by.at[name, m]),
                    "random_mean": float(mean[m]),
                    "difference": diff,
                    "difference_sd": z,
                    "better": bool(diff * BETTER.get(m, 1) > 0),
                }
            )
    return pd.DataFrame(rows)


__all__ = ["BETTER", "DESCRIPTIVE", "against_random", "network_measures", "validation_table"]
