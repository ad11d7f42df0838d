"""Least-cost paths between sources whose cost-allocation zones touch (Linkage Mapper's
"cost-allocation adjacency"), all found from one multi-source cost-distance run.

For adjacent zones a and b the corridor is the cheapest crossing of their shared boundary,
cost = cwd_a(u) + step(u, v) + cwd_b(v), traced back to both sources; inside its own zone each
source is the cheapest, so this is the least-cost path that goes straight from zone a into
zone b (never through a third source's zone).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from econet.corridors.costdistance import STEP, CostDistance, trace_path
from econet.grid import Grid

# Forward neighbour offsets (each undirected cell pair visited once) and their step factors.
_FORWARD = ((0, 1, 1.0), (1, 0, 1.0), (1, 1, np.sqrt(2)), (1, -1, np.sqrt(2)))


def adjacent_pairs(cd: CostDistance, resistance: np.ndarray, cell_size_m: float) -> pd.DataFrame:
    """Source pairs whose allocation zones touch, with the cheapest boundary crossing.

    Columns: from_id < to_id, cost (resistance x m), and the crossing cells u (in from_id's
    zone) and v (in to_id's zone) as flat indices.
    """
    h, w = resistance.shape
    alloc, cost = cd.allocation, cd.cost
    frames = []
    for dr, dc, factor in _FORWARD:
        r0, r1 = 0, h - dr
        c0, c1 = max(0, -dc), w - max(0, dc)
        a = alloc[r0:r1, c0:c1]
        b = alloc[r0 + dr : r1 + dr, c0 + dc : c1 + dc]
        sel = (a != b) & (a > 0) & (b > 0)
        if not sel.any():
            continue
        rr, cc = np.nonzero(sel)
        ru, cu = rr + r0, cc + c0
        rv, cv = ru + dr, cu + dc
        step = 0.5 * (resistance[ru, cu] + resistance[rv, cv]) * factor * cell_size_m
        total = cost[ru, cu] + cost[rv, cv] + step
        la, lb = alloc[ru, cu], alloc[rv, cv]
        swap = la > lb
        frames.append(
            pd.DataFrame(
                {
                    "from_id": np.where(swap, lb, la),
                    "to_id": np.where(swap, la, lb),
                    "cost": total,
                    "u": np.where(swap, rv * w + cv, ru * w + cu),
                    "v": np.where(swap, ru * w + cu, rv * w + cv),
                }
            )
        )
    if not frames:
        return pd.DataFrame({"from_id": [], "to_id": [], "cost": [], "u": [], "v": []})
    pairs = pd.concat(frames, ignore_index=True)
    pairs = pairs[np.isfinite(pairs["cost"])]
    best = pairs.sort_values(["from_id", "to_id", "cost", "u", "v"], kind="stable").drop_duplicates(
        ["from_id", "to_id"]
    )
    return best.reset_index(drop=True)


def least_cost_paths(
    cd: CostDistance,
    resistance: np.ndarray,
    sources: gpd.GeoDataFrame,
    grid: Grid,
    max_cost: float | None = None,
) -> gpd.GeoDataFrame:
    """One LineString per allocation-adjacent source pair: from_id, to_id, length_m,
    cost (LCD, resistance x m), euclid_m (edge-to-edge), cwd_to_euclid (LCD / Euclidean)."""
    pairs = adjacent_pairs(cd, resistance, grid.cell_size_m)
    if max_cost is not None:
        pairs = pairs[pairs["cost"] <= max_cost]
    w = resistance.shape[1]
    geoms, lengths = [], []
    for u, v in zip(pairs["u"].to_numpy(), pairs["v"].to_numpy()):
        to_a = trace_path(cd.backlink, u // w, u % w)[::-1]
        to_b = trace_path(cd.backlink, v // w, v % w)
        cells = np.vstack([to_a, to_b])
        steps = np.abs(np.diff(cells, axis=0)).sum(axis=1)
        lengths.append(float(np.where(steps == 2, STEP[0], 1.0).sum() * grid.cell_size_m))
        x, y = grid.xy(cells[:, 0], cells[:, 1])
        geoms.append(shapely.LineString(np.column_stack([x, y])))
    by_id = sources.set_index("id").geometry
    a_geo = by_id.loc[pairs["from_id"].to_numpy()].to_numpy()
    b_geo = by_id.loc[pairs["to_id"].to_numpy()].to_numpy()
    euclid = shapely.distance(a_geo, b_geo) if len(pairs) else np.array([])
    out = gpd.GeoDataFrame(
        {
            "id": np.arange(1, len(pairs) + 1),
            "from_id": pairs["from_id"].to_numpy().astype(int),
            "to_id": pairs["to_id"].to_numpy().astype(int),
            "length_m": np.asarray(lengths, dtype=float),
            "cost": pairs["cost"].to_numpy(dtype=float),
            "euclid_m": np.asarray(euclid, dtype=float),
        },
        geometry=geoms,
        crs=grid.crs,
    )
    # Touching sources have no Euclidean gap; their ratio is undefined rather than infinite.
    out["cwd_to_euclid"] = np.where(
        out["euclid_m"] > 0, out["cost"] / out["euclid_m"].where(out["euclid_m"] > 0), np.nan
    )
    return out
