"""Corridors gained and lost between two epochs.

A corridor joins two sources; across epochs it is identified by the events of its two ends
(``econet.series.matching``): a corridor of the later epoch whose ends belong to the same two
events as a corridor of the earlier one is *kept*, otherwise it is *gained*; an earlier one
without such a successor is *lost*. A corridor between two sources that merged is lost: its
ends are one source now.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

COLUMNS = ["status", "from_event", "to_event", "from_id", "to_id", "length_m", "length_before_m", "cost"]


def _ends(paths: pd.DataFrame, event: dict[int, int]) -> list[tuple[int, int] | None]:
    out = []
    for a, b in zip(paths["from_id"].astype(int), paths["to_id"].astype(int)):
        ea, eb = event.get(a), event.get(b)
        out.append(None if ea is None or eb is None or ea == eb else (min(ea, eb), max(ea, eb)))
    return out


def corridor_changes(before: gpd.GeoDataFrame, after: gpd.GeoDataFrame, event_before: dict, event_after: dict):
    """One row per corridor of either epoch: status (kept, gained, lost), the events of its
    ends, its source ids and length (m) in the epoch it is drawn from (the later one unless
    lost), the length before for kept ones, and its cost; the geometry of that epoch's path."""
    ends_a, ends_b = _ends(before, event_before), _ends(after, event_after)
    earlier = {}
    for k, e in enumerate(ends_a):
        if e is not None:
            earlier.setdefault(e, k)
    rows, geoms, matched = [], [], set()
    for k, e in enumerate(ends_b):
        r = after.iloc[k]
        kept = e is not None and e in earlier
        if kept:
            matched.add(e)
        rows.append(
            {
                "status": "kept" if kept else "gained",
                "from_event": e[0] if e else None,
                "to_event": e[1] if e else None,
                "from_id": int(r["from_id"]),
                "to_id": int(r["to_id"]),
                "length_m": float(r["length_m"]),
                "length_before_m": float(before.iloc[earlier[e]]["length_m"]) if kept else float("nan"),
                "cost": float(r["cost"]),
            }
        )
        geoms.append(r.geometry)
    for k, e in enumerate(ends_a):
        if e is not None and e in matched:
            continue
        r = before.iloc[k]
        rows.append(
            {
                "status": "lost",
                "from_event": e[0] if e else None,
                "to_event": e[1] if e else None,
                "from_id": int(r["from_id"]),
                "to_id": int(r["to_id"]),
                "length_m": float(r["length_m"]),
                "length_before_m": float(r["length_m"]),
                "cost": float(r["cost"]),
            }
        )
        geoms.append(r.geometry)
    crs = after.crs if after.crs is not None else before.crs
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=COLUMNS), geometry=geoms, crs=crs)


__all__ = ["corridor_changes"]
