"""Distances between habitat patches for the connectivity indices (docs/methods/connectivity.md).

* edge-to-edge: exact Euclidean distance between polygon boundaries, 0 where patches touch
  (Conefor Sensinode's default);
* centroid: between centroids, or a point on the surface when the centroid falls outside the
  polygon (Makurhini's ``st_centroid_within_poly``);
* least cost: a table of cumulative costs between patch ids (e.g. the corridor stage's links).

With ``max_distance`` the result is a sparse :class:`Links` list of the pairs within it (found
with an STRtree, so large sets of patches never need the full matrix); without it, the dense
``n x n`` matrix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from econet.connectivity.indices import Links
from econet.errors import EconetError


def _pairs_within(geoms: np.ndarray, max_distance: float) -> Links:
    tree = shapely.STRtree(geoms)
    i, j = tree.query(geoms, predicate="dwithin", distance=max_distance)
    keep = i < j
    i, j = i[keep], j[keep]
    return Links(i.astype(np.int64), j.astype(np.int64), shapely.distance(geoms[i], geoms[j]).astype(float))


def edge_distances(geoms, max_distance: float | None = None):
    """Edge-to-edge Euclidean distances between polygons (map units, 0 when touching or overlapping)."""
    geoms = np.asarray(geoms, dtype=object)
    if max_distance is not None:
        return _pairs_within(geoms, max_distance)
    return shapely.distance(geoms[:, None], geoms[None, :]).astype(float)


def centroid_points(geoms) -> np.ndarray:
    """One point per polygon: its centroid, or a point on its surface if the centroid is outside."""
    geoms = np.asarray(geoms, dtype=object)
    pts = shapely.centroid(geoms)
    outside = ~shapely.contains(geoms, pts)
    pts[outside] = shapely.point_on_surface(geoms[outside])
    return pts


def centroid_distances(geoms, max_distance: float | None = None):
    """Euclidean distances between the points of :func:`centroid_points`."""
    pts = centroid_points(geoms)
    if max_distance is not None:
        return _pairs_within(pts, max_distance)
    xy = shapely.get_coordinates(pts)
    return np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))


def table_links(ids, table: pd.DataFrame, from_col: str = "from_id", to_col: str = "to_id", cost_col: str = "cost"):
    """:class:`Links` from a table of pairwise (least-cost) distances between node ``ids``."""
    missing = [c for c in (from_col, to_col, cost_col) if c not in table.columns]
    if missing:
        raise EconetError(f"distance table lacks column(s) {missing}; it has {list(table.columns)}")
    index = pd.Series(np.arange(len(ids)), index=pd.Index(ids))
    known = table[from_col].isin(index.index) & table[to_col].isin(index.index)
    if not known.all():
        bad = table.loc[~known, [from_col, to_col]].iloc[0].tolist()
        raise EconetError(f"distance table: {int((~known).sum())} row(s) name unknown node ids, e.g. {bad}")
    cost = table[cost_col].to_numpy(float)
    ok = np.isfinite(cost)
    if (cost[ok] < 0).any():
        raise EconetError(f"distance table: column {cost_col!r} has negative values")
    t = table[ok]
    return Links(index[t[from_col]].to_numpy(), index[t[to_col]].to_numpy(), cost[ok])


def source_distances(table, distance: str = "edge", corridors=None, max_distance: float | None = None):
    """Distances between the rows of a Sources table (polygons with an ``id`` column).

    ``distance``: "edge" or "centroid" (a matrix, or :class:`Links` within ``max_distance``), or
    "least_cost": the ``cost`` of the corridor table ``corridors`` (from_id, to_id, cost).
    """
    if distance == "edge":
        return edge_distances(table.geometry.to_numpy(), max_distance)
    if distance == "centroid":
        return centroid_distances(table.geometry.to_numpy(), max_distance)
    if distance == "least_cost":
        if corridors is None:
            raise EconetError("least-cost distances need the corridor table (from_id, to_id, cost)")
        return table_links(table["id"].to_numpy(), corridors, "from_id", "to_id", "cost")
    raise EconetError(f"unknown distance {distance!r}: use 'edge', 'centroid' or 'least_cost'")


__all__ = ["centroid_distances", "centroid_points", "edge_distances", "source_distances", "table_links"]
