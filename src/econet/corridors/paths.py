"""Least-cost paths and corridors between source pairs (Linkage Mapper's Linkage Pathways).

For each candidate pair one bounded search per source gives the least-cost distance (LCD, the
cost at which the search from a first reaches a cell of b), the least-cost path (traced back
from that cell) and the cost-weighted distance cwd_a near the pair. The normalised least-cost
corridor of a pair is NLCC_ab = cwd_a + cwd_b − LCD_ab (0 on the path); pair corridors are
mosaicked by their minimum and truncated at a width in cost units (Linkage Mapper's
"truncate corridors at" CWD cutoff).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numba
import numpy as np
import pandas as pd
import shapely

from econet.corridors.costdistance import DEFAULT_THREADS, STEP, source_costs
from econet.corridors.pairs import PairRule, candidate_pairs, keep_nearest, partners_of
from econet.grid import Grid

PATH_COLUMNS = ["id", "from_id", "to_id", "length_m", "cost", "euclid_m", "cwd_to_euclid"]


@dataclass
class Linkage:
    """Least-cost paths (GeoDataFrame, one LineString per kept pair: PATH_COLUMNS), the
    NLCC mosaic (float32, NaN outside the truncated corridors; None without a width) and the
    pairs left out with the reason."""

    paths: gpd.GeoDataFrame
    nlcc: np.ndarray | None
    dropped: pd.DataFrame


def link_sources(
    resistance: np.ndarray,
    source_labels: np.ndarray,
    sources: gpd.GeoDataFrame,
    grid: Grid,
    *,
    pairs: PairRule = "allocation_adjacency",
    allocation: np.ndarray | None = None,
    max_euclid_m: float | None = None,
    max_cost: float | None = None,
    n_nearest: int | None = None,
    drop_through_sources: bool = True,
    width_cost: float | None = None,
    threads: int = DEFAULT_THREADS,
) -> Linkage:
    """Least-cost paths, and with ``width_cost`` the corridor mosaic, between source pairs.

    ``sources`` needs ``id`` and polygon geometry (for the edge-to-edge Euclidean distance).
    ``allocation`` (the multi-source cost allocation) is needed for cost-allocation adjacency.
    Searches are bounded: each stops once its partners are reached plus the corridor width, and
    at ``max_cost`` plus the width.
    """
    ids = np.unique(source_labels[source_labels > 0]).astype(int)
    cand = candidate_pairs(pairs, source_labels, allocation)
    euclid = _edge_distances(sources, cand)
    dropped = []
    if max_euclid_m is not None:
        far = [p for p in cand if euclid[p] > max_euclid_m]
        dropped += [(a, b, "farther than max_euclid_m") for a, b in far]
        cand = [p for p in cand if euclid[p] <= max_euclid_m]
    margin = float(width_cost or 0.0)
    cap = None if max_cost is None else float(max_cost) + margin
    partners = partners_of(cand, ids)
    partners = {a: bs for a, bs in partners.items() if bs}
    results = {}
    for sc in source_costs(
        resistance, source_labels, grid.cell_size_m, partners, margin=margin, max_cost=cap, threads=threads
    ):
        results[sc.source] = sc
    rows, lines = [], []
    for a, b in cand:
        sc = results[a]
        if b not in sc.reached:
            dropped.append((a, b, "unreachable" if max_cost is None else "no path within max_cost"))
            continue
        lcd = sc.reached[b][0]
        if max_cost is not None and lcd > max_cost:
            dropped.append((a, b, "costlier than max_cost"))
            continue
        cells = sc.paths[b]
        on = source_labels[cells[:, 0], cells[:, 1]]
        third = np.setdiff1d(np.unique(on[on > 0]), [a, b])
        if drop_through_sources and third.size:
            dropped.append((a, b, f"path crosses source {int(third[0])}"))
            continue
        steps = np.abs(np.diff(cells, axis=0)).sum(axis=1)
        length = float(np.where(steps == 2, STEP[0], 1.0).sum() * grid.cell_size_m)
        x, y = grid.xy(cells[:, 0], cells[:, 1])
        lines.append(shapely.LineString(np.column_stack([x, y])) if len(cells) > 1 else shapely.Point(x[0], y[0]))
        rows.append({"from_id": a, "to_id": b, "length_m": length, "cost": lcd, "euclid_m": euclid[(a, b)]})
    table = pd.DataFrame(rows, columns=["from_id", "to_id", "length_m", "cost", "euclid_m"])
    keep = np.ones(len(table), bool)
    if n_nearest is not None and len(table):
        keep = keep_nearest(table, n_nearest, by="cost").to_numpy()
        for _, r in table[~keep].iterrows():
            dropped.append((int(r.from_id), int(r.to_id), f"not among the {n_nearest} nearest"))
    table = table[keep].reset_index(drop=True)
    lines = [g for g, k in zip(lines, keep) if k]
    paths = gpd.GeoDataFrame(table, geometry=lines, crs=grid.crs)
    paths.insert(0, "id", np.arange(1, len(paths) + 1))
    paths["from_id"] = paths["from_id"].astype(int)
    paths["to_id"] = paths["to_id"].astype(int)
    # Touching sources have no Euclidean gap; their ratio is undefined rather than infinite.
    gap = paths["euclid_m"].where(paths["euclid_m"] > 0)
    paths["cwd_to_euclid"] = (paths["cost"] / gap).astype(float)
    paths = paths[PATH_COLUMNS + ["geometry"]]
    nlcc = None
    if width_cost is not None:
        nlcc = nlcc_mosaic(results, paths[["from_id", "to_id", "cost"]], source_labels.shape, width_cost)
    dropped_df = pd.DataFrame(dropped, columns=["from_id", "to_id", "reason"])
    return Linkage(paths, nlcc, dropped_df)


def nlcc_mosaic(results: dict, pairs: pd.DataFrame, shape, width_cost: float) -> np.ndarray:
    """min over pairs of cwd_a + cwd_b − LCD_ab where it is at most ``width_cost`` (NaN elsewhere)."""
    h, w = shape
    mosaic = np.full(h * w, np.inf, dtype=np.float32)
    scratch = np.full(h * w, np.inf, dtype=np.float32)
    by_a: dict[int, list] = {}
    for a, b, lcd in pairs.itertuples(index=False):
        by_a.setdefault(int(a), []).append((int(b), float(lcd)))
    for a, partners in by_a.items():
        sa = results[a]
        scratch[sa.index] = sa.cost
        for b, lcd in partners:
            sb = results[b]
            _mosaic_pair(scratch, sb.index, sb.cost, lcd, float(width_cost), mosaic)
        scratch[sa.index] = np.inf
    mosaic[~np.isfinite(mosaic)] = np.nan
    return mosaic.reshape(h, w)


@numba.njit(cache=True, nogil=True)
def _mosaic_pair(cwd_a, idx_b, cwd_b, lcd, width, mosaic):
    for k in range(idx_b.size):
        i = idx_b[k]
        v = cwd_a[i] + cwd_b[k] - lcd
        if v <= width:
            v = max(v, 0.0)  # float32 rounding on the path itself
            if v < mosaic[i]:
                mosaic[i] = v


def _edge_distances(sources: gpd.GeoDataFrame, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], float]:
    """Edge-to-edge Euclidean distance between source polygons (m)."""
    if not pairs:
        return {}
    by_id = sources.set_index("id").geometry
    a = by_id.loc[[p[0] for p in pairs]].to_numpy()
    b = by_id.loc[[p[1] for p in pairs]].to_numpy()
    d = shapely.distance(a, b)
    return {p: float(v) for p, v in zip(pairs, d)}


__all__ = ["PATH_COLUMNS", "Linkage", "link_sources", "nlcc_mosaic"]
