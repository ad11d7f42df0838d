"""What an ensemble says: how often each cell is a source or on a corridor, how far the
measures spread, and which drawn parameter moves each measure most (docs/methods/sensitivity.md).

The rank correlation is Spearman's ρ (Pearson's correlation of the ranks, ties sharing their
mean rank), as in a global sensitivity analysis by rank correlation (Saltelli et al. 2004,
*Sensitivity Analysis in Practice*, §1.2.3): a monotone effect of any shape gives |ρ| near 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from econet.rasterops import rasterize

# The measures whose spread the ensemble reports (``econet.scenarios.validation.network_measures``
# columns), in this order; those a run does not have (carbon without [indicators]) are left out.
SPREAD = (
    "ECA_km2",
    "PC",
    "IIC",
    "sources",
    "corridors",
    "corridor_length_km",
    "carbon_total_t_a",
    "node_random_S_slope",
    "node_targeted_S_slope",
    "edge_random_S_slope",
    "edge_targeted_S_slope",
)


def source_mask(labels: np.ndarray) -> np.ndarray:
    """Cells of a source (a label raster, 0 = none)."""
    return np.asarray(labels) > 0


def corridor_mask(tiers, grid) -> np.ndarray:
    """Cells whose centre lies in a corridor: the least-cost paths buffered by their tier's width
    (``Corridors.tiers``), as the indicator summaries count corridor areas."""
    return rasterize(((g, 1) for g in tiers.geometry), grid) > 0


def frequency(counts: np.ndarray, n: int, valid: np.ndarray | None = None) -> np.ndarray:
    """Share of ``n`` runs (0 to 1, float32) from per-cell counts; NaN outside ``valid``."""
    out = np.asarray(counts, dtype=np.float64) / max(n, 1)
    out = out.astype(np.float32)
    if valid is not None:
        out[~valid] = np.nan
    return out


def spread(table: pd.DataFrame, baseline: dict | None = None, measures=SPREAD) -> pd.DataFrame:
    """One row per measure of ``table`` (one row per sample): the baseline's value, the mean,
    standard deviation (ddof 1), coefficient of variation (sd / |mean|), minimum, 5th
    percentile, median, 95th percentile and maximum over the samples (values to 12 significant
    digits: rounding differences are no spread)."""
    rows = []
    for m in measures:
        if m not in table or not table[m].notna().any():
            continue
        v = _settled(table[m].dropna().to_numpy(dtype=np.float64))
        mean = float(v.mean())
        sd = float(v.std(ddof=1)) if v.size > 1 else 0.0
        rows.append(
            {
                "measure": m,
                "baseline": float(baseline[m]) if baseline is not None and m in baseline else np.nan,
                "mean": mean,
                "sd": sd,
                "cv": sd / abs(mean) if mean != 0 else np.nan,
                "min": float(v.min()),
                "p05": float(np.percentile(v, 5)),
                "median": float(np.median(v)),
                "p95": float(np.percentile(v, 95)),
                "max": float(v.max()),
                "samples": int(v.size),
            }
        )
    return pd.DataFrame(
        rows, columns=["measure", "baseline", "mean", "sd", "cv", "min", "p05", "median", "p95", "max", "samples"]
    )


def _settled(v: np.ndarray) -> np.ndarray:
    """Values rounded to 12 significant digits: a measure that differs between runs only by
    floating-point rounding (a slope of -1 computed as -1 ± 1e-16) is tied, not ranked."""
    return np.array([float(f"{x:.12g}") for x in v], dtype=np.float64)


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's ρ of two samples (pairs with a NaN left out; values equal to 12 significant
    digits tied); NaN when either is constant or fewer than three pairs remain."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3:
        return np.nan
    rx = pd.Series(_settled(x[ok])).rank().to_numpy()
    ry = pd.Series(_settled(y[ok])).rank().to_numpy()
    rx, ry = rx - rx.mean(), ry - ry.mean()
    den = np.sqrt((rx * rx).sum() * (ry * ry).sum())
    return float((rx * ry).sum() / den) if den > 0 else np.nan


def rank_correlations(parameters: pd.DataFrame, table: pd.DataFrame, measures=SPREAD) -> pd.DataFrame:
    """Spearman's ρ of every measure (rows) with every drawn parameter (columns), over the
    samples (``parameters`` and ``table`` share their index)."""
    measures = [m for m in measures if m in table and table[m].notna().any()]
    out = pd.DataFrame(index=pd.Index(measures, name="measure"), columns=list(parameters.columns), dtype=float)
    for m in measures:
        y = table[m].reindex(parameters.index).to_numpy()
        for p in parameters.columns:
            out.loc[m, p] = spearman(parameters[p].to_numpy(), y)
    return out


def strongest(correlations: pd.DataFrame) -> pd.DataFrame:
    """For each measure, the parameter with the largest |ρ| and its ρ (none when every ρ is
    NaN: the measure did not move, or no parameter varied)."""
    rows = []
    for m, rho in correlations.iterrows():
        r = rho.astype(float)
        if r.notna().any():
            p = str(r.abs().idxmax())
            rows.append({"measure": m, "parameter": p, "rho": float(r[p])})
        else:
            rows.append({"measure": m, "parameter": "", "rho": np.nan})
    return pd.DataFrame(rows, columns=["measure", "parameter", "rho"])


__all__ = [
    "SPREAD",
    "corridor_mask",
    "frequency",
    "rank_correlations",
    "source_mask",
    "spearman",
    "spread",
    "strongest",
]
