"""Ecological breakpoints and fracture surfaces (Feng et al. 2024; docs/methods/corridors.md).

Breakpoints are points where a corridor's least-cost path crosses a major road (expressways
and first-class highways by default) or a mine; fracture surfaces are the parts of corridor
polygons that lie inside open pits.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from econet.errors import LayerError

BREAKPOINT_COLUMNS = ["corridor_id", "from_id", "to_id", "kind", "road_class", "feature"]


def _name(df: gpd.GeoDataFrame, i) -> str:
    return str(df["name"].iloc[i]) if "name" in df.columns else str(i)


def breakpoints(
    paths: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame | None = None,
    mines: gpd.GeoDataFrame | None = None,
    road_classes=("expressway", "highway"),
    class_field: str = "road_class",
    merge_within_m: float = 0.0,
) -> gpd.GeoDataFrame:
    """One point per crossing of a path with a road of ``road_classes`` (the intersection
    points) and per path-mine overlap (a point on the path inside the mine). Crossings of the
    same path and road closer than ``merge_within_m`` count once (a cell-by-cell path can zigzag
    over a road it runs along)."""
    rows, geoms = [], []
    if roads is not None and len(roads):
        if class_field not in roads.columns:
            raise LayerError("roads", f"has no '{class_field}' column (columns: {list(roads.columns)})")
        major = roads[roads[class_field].isin(list(road_classes))]
        pi, ri = major.sindex.query(paths.geometry.to_numpy(), predicate="intersects")
        for p, r in zip(pi, ri):
            hit = shapely.intersection(paths.geometry.iloc[p], major.geometry.iloc[r])
            for pt in _merge_close(_points(hit), merge_within_m):
                rows.append(_row(paths, p, "road", major[class_field].iloc[r], _name(major, r)))
                geoms.append(pt)
    if mines is not None and len(mines):
        pi, mi = mines.sindex.query(paths.geometry.to_numpy(), predicate="intersects")
        for p, m in zip(pi, mi):
            inside = shapely.intersection(paths.geometry.iloc[p], mines.geometry.iloc[m])
            for part in shapely.get_parts(inside):
                if part.is_empty:
                    continue
                pt = part.interpolate(0.5, normalized=True) if part.geom_type == "LineString" else part.centroid
                rows.append(_row(paths, p, "mine", None, _name(mines, m)))
                geoms.append(pt)
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=BREAKPOINT_COLUMNS), geometry=geoms, crs=paths.crs)


def fracture_surfaces(
    corridors: gpd.GeoDataFrame, mines: gpd.GeoDataFrame, method_field: str = "method", open_pit: str = "open_pit"
) -> gpd.GeoDataFrame:
    """Corridor polygons (corridor_id, from_id, to_id) clipped to the open pits among ``mines``:
    corridor_id, from_id, to_id, mine, area_m2."""
    cols = ["corridor_id", "from_id", "to_id", "mine", "area_m2"]
    if method_field not in mines.columns:
        raise LayerError("mines", f"has no '{method_field}' column to find open pits (columns: {list(mines.columns)})")
    pits = mines[mines[method_field] == open_pit]
    rows, geoms = [], []
    if len(pits) and len(corridors):
        ci, mi = pits.sindex.query(corridors.geometry.to_numpy(), predicate="intersects")
        for c, m in zip(ci, mi):
            part = shapely.intersection(corridors.geometry.iloc[c], pits.geometry.iloc[m])
            if part.is_empty or part.area <= 0:
                continue
            rec = corridors.iloc[c]
            rows.append([rec["corridor_id"], rec["from_id"], rec["to_id"], _name(pits, m), part.area])
            geoms.append(part)
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=cols), geometry=geoms, crs=corridors.crs)


def _row(paths, p, kind, road_class, feature):
    rec = paths.iloc[p]
    return [int(rec["id"]), int(rec["from_id"]), int(rec["to_id"]), kind, road_class, feature]


def _merge_close(points, within: float):
    kept = []
    for pt in points:
        if all(pt.distance(k) >= within for k in kept) or not kept:
            kept.append(pt)
    return kept


def _points(geom):
    """Crossing points of a path and a road: points as they are, shared stretches by their middle."""
    out = []
    for part in shapely.get_parts(geom):
        if part.is_empty:
            continue
        if part.geom_type == "Point":
            out.append(part)
        elif part.geom_type == "LineString":
            out.append(part.interpolate(0.5, normalized=True))
    return out


__all__ = ["BREAKPOINT_COLUMNS", "breakpoints", "fracture_surfaces"]
