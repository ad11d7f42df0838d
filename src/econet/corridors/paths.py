"""Least-cost paths and corridors between source pairs (Linkage Mapper's Linkage Pathways).

For each candidate pair one bounded search per source gives the least-cost distance (LCD, the
cost at which the search from a first reaches a cell of b), the least-cost path (traced back
from that cell) and the cost-weighted distance cwd_a near the pair. The normalised least-cost
corridor of a pair is NLCC_ab = cwd_a + cwd_b − LCD_ab (0 on the path); pair corridors are
mosaicked by their minimum and truncated at a width in cost units (Linkage Mapper's
"truncate corridors at" CWD cutoff).

The searches are kept (``Linkage.searches``) for the circuit tools (Pinchpoint and Barrier
Mappers): ``cwd_surface``, ``pair_lcd`` and ``pair_corridor`` read them one source or one pair
at a time, so no more than a pair's dense arrays are ever held. A search with margin m holds
cwd exactly wherever cwd <= LCD + m for each of its partners, which covers every corridor
NLCC_ab <= m (there cwd_a, cwd_b <= LCD_ab + m).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numba
import numpy as np
import pandas as pd
import shapely

from econet.corridors.costdistance import DEFAULT_THREADS, STEP, SourceCost, source_costs
from econet.corridors.pairs import PairRule, candidate_pairs, keep_nearest, partners_of
from econet.grid import Grid
from econet.tasks import map_tasks

PATH_COLUMNS = ["id", "from_id", "to_id", "length_m", "cost", "euclid_m", "cwd_to_euclid"]


@dataclass
class Linkage:
    """Least-cost paths (GeoDataFrame, one LineString per kept pair: PATH_COLUMNS), the
    NLCC mosaic (float32, NaN outside the truncated corridors; None without a width), the
    pairs left out with the reason, and the bounded search of every source with a candidate
    partner (source id -> ``SourceCost``, margin = the corridor width or 0)."""

    paths: gpd.GeoDataFrame
    nlcc: np.ndarray | None
    dropped: pd.DataFrame
    searches: dict[int, SourceCost]


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
    extra_pairs=(),
    threads: int = DEFAULT_THREADS,
) -> Linkage:
    """Least-cost paths, and with ``width_cost`` the corridor mosaic, between source pairs.

    ``sources`` needs ``id`` and polygon geometry (for the edge-to-edge Euclidean distance).
    ``allocation`` (the multi-source cost allocation) is needed for cost-allocation adjacency.
    Searches are bounded: each stops once its partners are reached plus the corridor width, and
    at ``max_cost`` plus the width; they are kept in ``Linkage.searches``. ``extra_pairs`` are
    linked whatever the pair rule, ``max_euclid_m``, ``n_nearest`` and a third source on the
    path (a corridor a scenario adds); ``max_cost`` still bounds them.
    """
    cand = candidate_pairs(pairs, source_labels, allocation)
    forced = {(min(a, b), max(a, b)) for a, b in extra_pairs if a != b}
    if forced:
        cand = sorted(set(cand) | forced)
    euclid = _edge_distances(sources, cand)
    dropped = []
    if max_euclid_m is not None:
        far = [p for p in cand if euclid[p] > max_euclid_m and p not in forced]
        dropped += [(a, b, "farther than max_euclid_m") for a, b in far]
        cand = [p for p in cand if euclid[p] <= max_euclid_m or p in forced]
    margin = float(width_cost or 0.0)
    cap = None if max_cost is None else float(max_cost) + margin
    searches = pair_searches(
        resistance, source_labels, grid.cell_size_m, cand, margin=margin, max_cost=cap, threads=threads
    )
    rows, lines = [], []
    for a, b in cand:
        sc = searches[a]
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
        if drop_through_sources and third.size and (a, b) not in forced:
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
        keep = keep_nearest(table, n_nearest, by="cost").to_numpy().copy()
        keep |= np.array([(int(a), int(b)) in forced for a, b in zip(table.from_id, table.to_id)], dtype=bool)
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
        nlcc = nlcc_mosaic(searches, paths[["from_id", "to_id", "cost"]], source_labels.shape, width_cost)
    dropped_df = pd.DataFrame(dropped, columns=["from_id", "to_id", "reason"])
    return Linkage(paths, nlcc, dropped_df, searches)


def pair_searches(
    resistance: np.ndarray,
    source_labels: np.ndarray,
    cell_size_m: float,
    pairs: list[tuple[int, int]],
    *,
    margin: float = 0.0,
    max_cost: float | None = None,
    trace: bool = True,
    threads: int = DEFAULT_THREADS,
) -> dict[int, SourceCost]:
    """The bounded search (``source_costs``) of every source in ``pairs``, by source id.

    The search from a source stops once all its partners in ``pairs`` are reached and costs
    exceed the dearest one's LCD plus ``margin`` (resistance x m), or at ``max_cost``. It then
    holds cwd exactly wherever cwd <= LCD + margin for each of its partners.
    """
    ids = sorted({int(x) for p in pairs for x in p})
    partners = partners_of(pairs, ids)
    searches = source_costs(
        resistance,
        source_labels,
        cell_size_m,
        partners,
        margin=margin,
        max_cost=max_cost,
        trace=trace,
        threads=threads,
    )
    return {sc.source: sc for sc in searches}


def cwd_surface(search: SourceCost, shape: tuple[int, int], window: tuple[slice, slice] | None = None) -> np.ndarray:
    """One source's cost-weighted distance (resistance x m) as a dense float64 array over a
    grid of ``shape``, or over ``window`` (row and column slices with explicit bounds) of it;
    inf where the bounded search did not reach (cwd >= ``search.reach``, or unreachable)."""
    h, w = shape
    if window is None:
        out = np.full(h * w, np.inf)
        out[search.index] = search.cost
        return out.reshape(h, w)
    rs, cs = window
    r, c = np.divmod(search.index, w)
    sel = (r >= rs.start) & (r < rs.stop) & (c >= cs.start) & (c < cs.stop)
    out = np.full((rs.stop - rs.start, cs.stop - cs.start), np.inf)
    out[r[sel] - rs.start, c[sel] - cs.start] = search.cost[sel]
    return out


def pair_lcd(searches: dict[int, SourceCost], a: int, b: int) -> float:
    """Least-cost distance from source a to source b's nearest cell (resistance x m); inf when
    the search from a did not reach b (unreachable, beyond its cap, or b was not a partner)."""
    return _search_of(searches, a).reached.get(int(b), (np.inf,))[0]


def pair_corridor(
    searches: dict[int, SourceCost], a: int, b: int, width_cost: float, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """The a-b least-cost corridor: flat indices (int64, on a grid of ``shape``) of the cells
    where NLCC_ab = cwd_a + cwd_b − LCD_ab <= ``width_cost``, and their NLCC (float64, >= 0;
    resistance x m). Empty when b is not reached from a. Both searches must reach cwd
    LCD_ab + ``width_cost`` (a margin of at least ``width_cost``), else ValueError."""
    lcd = pair_lcd(searches, a, b)
    sa, sb = _search_of(searches, a), _search_of(searches, b)
    if not np.isfinite(lcd):
        return np.zeros(0, np.int64), np.zeros(0)
    for s, other in ((sa, b), (sb, a)):
        need = s.reached.get(int(other), (lcd,))[0] + width_cost
        if s.reach < need:
            raise ValueError(
                f"the search from source {s.source} is exact only below cost {s.reach:g}; the corridor "
                f"{a}-{b} of width {width_cost:g} needs {need:g}: search with margin >= {width_cost:g}"
            )
    h, w = shape
    cwd_a = np.full(h * w, np.inf, dtype=sa.cost.dtype)
    cwd_a[sa.index] = sa.cost
    return _corridor_cells(cwd_a, sb.index, sb.cost, lcd, float(width_cost))


def _search_of(searches: dict[int, SourceCost], source: int) -> SourceCost:
    try:
        return searches[int(source)]
    except KeyError:
        raise ValueError(f"no search from source {source}: make the searches for these pairs") from None


def nlcc_mosaic(results: dict, pairs: pd.DataFrame, shape, width_cost: float) -> np.ndarray:
    """min over pairs of cwd_a + cwd_b − LCD_ab where it is at most ``width_cost`` (NaN elsewhere).

    One task per source a (``econet.tasks``) gives the corridor cells of its pairs; the minimum
    does not depend on the order the tasks finish in."""
    h, w = shape
    by_a: dict[int, list] = {}
    for a, b, lcd in pairs.itertuples(index=False):
        by_a.setdefault(int(a), []).append((results[int(b)], float(lcd)))
    items = [(results[a], partners) for a, partners in by_a.items()]
    mosaic = np.full(h * w, np.inf, dtype=np.float32)
    for cells, nlcc in map_tasks(_source_corridors, items, shared={"size": h * w, "width_cost": float(width_cost)}):
        np.minimum.at(mosaic, cells, nlcc.astype(np.float32))
    mosaic[~np.isfinite(mosaic)] = np.nan
    return mosaic.reshape(h, w)


def _source_corridors(item, *, size: int, width_cost: float) -> tuple[np.ndarray, np.ndarray]:
    """The corridor cells (flat int64) and their NLCC of every pair of one source a (a task of
    ``nlcc_mosaic``): item = (a's search, [(b's search, LCD_ab), ...])."""
    sa, partners = item
    cwd_a = np.full(size, np.inf, dtype=np.float32)
    cwd_a[sa.index] = sa.cost
    parts = [_corridor_cells(cwd_a, sb.index, sb.cost, lcd, width_cost) for sb, lcd in partners]
    return np.concatenate([c for c, _ in parts]), np.concatenate([v for _, v in parts])


@numba.njit(cache=True, nogil=True)
def _corridor_cells(cwd_a, idx_b, cwd_b, lcd, width):
    """Cells of b's search where cwd_a + cwd_b − lcd <= width (cwd_a dense, flat), and that NLCC."""
    cells = np.empty(idx_b.size, dtype=np.int64)
    nlcc = np.empty(idx_b.size, dtype=np.float64)
    n = 0
    for k in range(idx_b.size):
        i = idx_b[k]
        v = cwd_a[i] + cwd_b[k] - lcd
        if v <= width:
            cells[n] = i
            nlcc[n] = max(v, 0.0)  # float32 rounding on the path itself
            n += 1
    return cells[:n].copy(), nlcc[:n].copy()


def _edge_distances(sources: gpd.GeoDataFrame, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], float]:
    """Edge-to-edge Euclidean distance between source polygons (m)."""
    if not pairs:
        return {}
    by_id = sources.set_index("id").geometry
    a = by_id.loc[[p[0] for p in pairs]].to_numpy()
    b = by_id.loc[[p[1] for p in pairs]].to_numpy()
    d = shapely.distance(a, b)
    return {p: float(v) for p, v in zip(pairs, d)}


__all__ = [
    "PATH_COLUMNS",
    "Linkage",
    "cwd_surface",
    "link_sources",
    "nlcc_mosaic",
    "pair_corridor",
    "pair_lcd",
    "pair_searches",
]
