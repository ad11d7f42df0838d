"""Restoration priority of degraded patches (Chang et al. 2018, §4.3 and §6.2;
docs/methods/scenarios.md).

Chang et al. (2018) rate Xuzhou's GI patches by their importance to the integral index of
connectivity (IIC, Conefor) and sort the coal-mining subsidence patches into three restoration
priority classes by natural breaks. Here each candidate patch (a subsidence lake, a waste dump,
an abandoned mine...) is scored by what it would add if restored: the relative rise of IIC when
it joins the existing sources as one more node. ``restoration_priority`` ranks the candidates;
``priority_scenarios`` restores the first class (or the top few) as new sources.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from econet.classify import grade, natural_breaks
from econet.connectivity.distances import centroid_points
from econet.connectivity.indices import iic_indices
from econet.errors import EconetError
from econet.scenarios.actions import Scenario, action, footprint
from econet.scenarios.baseline import Baseline
from econet.zonal import majority

PRIORITY_CLASSES = 3  # Chang et al. (2018): priority classes 1 (high), 2 (medium), 3 (low)
COLUMNS = [
    "candidate",
    "label",
    "area_km2",
    "cells",
    "links",
    "IIC_base",
    "IIC_with",
    "dIIC_gain_pct",
    "priority",
    "rank",
    "to_class",
]


def restoration_priority(
    base: Baseline,
    candidates: gpd.GeoDataFrame,
    *,
    to_class: int | None = None,
    distance_m: float | None = None,
    label_field: str = "name",
    classes: int = PRIORITY_CLASSES,
) -> pd.DataFrame:
    """Rank candidate patches by the rise in IIC if each were restored (Chang et al. 2018,
    International Journal of Coal Science & Technology 5(1), §4.3 and §6.2).

    Each candidate polygon (``candidates``, in the grid's CRS or reprojected to it) is added on its
    own as one more node to the baseline's sources. Its area is that of its footprint (the cells
    whose centre it covers) outside the existing sources, in m² as the sources' areas; its
    distances to the sources are the connectivity stage's (edge-to-edge, or centroid distances
    when the study used them). IIC links the pairs within ``distance_m`` (default: the IIC
    threshold of the baseline's connectivity, ``iic_threshold_m`` or ``base.distance_m``), A_L =
    ``base.landscape_area_m2``, computed with ``econet.connectivity.indices.iic_indices`` both
    without and with the candidate. With least-cost distances in the study, ``distance_m`` must
    be given in metres (a candidate has no corridor yet).

    Returns one row per candidate, highest gain first: candidate (row position in
    ``candidates``), label (``label_field``, or "candidate <position>" where it is missing), area_km2 and cells added,
    links (sources within the threshold), IIC_base, IIC_with, dIIC_gain_pct =
    100 (IIC_with - IIC_base) / IIC_base, priority (``classes`` natural-breaks classes of the gain,
    1 = highest, as Chang et al.'s Priority Class 1), rank, and to_class (the class a restoration
    would give it: ``to_class``, else its dominant habitat class, else the landscape's most common
    habitat class)."""
    cands = _prepared(base, candidates)
    threshold = _threshold(base, distance_m)
    table = base.sources.table
    src_geoms = table.geometry.to_numpy()
    src_area = table["area_km2"].to_numpy(dtype=float) * 1e6
    mode = base.connectivity.overall.get("distance", "edge") if base.connectivity is not None else "edge"
    use_centroid = mode == "centroid"
    points = centroid_points(src_geoms) if use_centroid and len(src_geoms) else src_geoms
    base_dist = _distances(points, points)
    iic_base = iic_indices(src_area, base_dist, threshold, base.landscape_area_m2, node_importance=False)[0]["IIC"]

    in_source = (np.asarray(base.sources.labels) > 0).ravel()
    lc = np.asarray(base.landcover).ravel()
    habitat = base.habitat_codes()
    fallback = majority(lc[np.isin(lc, habitat)])
    names = cands[label_field] if label_field in cands.columns else pd.Series([None] * len(cands), index=cands.index)
    # Layers put together may name some patches and not others: unnamed ones go by position.
    labels = [str(v) if pd.notna(v) and str(v).strip() else f"candidate {p}" for v, p in zip(names, cands["_position"])]
    rows = []
    n = len(src_area)
    for k, (pos, geom) in enumerate(zip(cands["_position"], cands.geometry)):
        cells = _cells(geom, base.grid)
        added = cells[~in_source[cells]]
        area = added.size * base.grid.cell_area_m2
        node = centroid_points(np.array([geom], dtype=object)) if use_centroid else np.array([geom], dtype=object)
        d_new = _distances(node, points)[0]
        dist = np.full((n + 1, n + 1), np.inf)
        dist[:n, :n] = base_dist
        dist[n, :n] = dist[:n, n] = d_new
        dist[n, n] = 0.0
        attr = np.append(src_area, area)
        iic_with = iic_indices(attr, dist, threshold, base.landscape_area_m2, node_importance=False)[0]["IIC"]
        gain = 100.0 * (iic_with - iic_base) / iic_base if iic_base > 0 else np.nan
        restore = to_class if to_class is not None else majority(lc[cells][np.isin(lc[cells], habitat)], fallback)
        rows.append(
            {
                "candidate": int(pos),
                "label": labels[k],
                "area_km2": area / 1e6,
                "cells": int(added.size),
                "links": int((d_new <= threshold).sum()),
                "IIC_base": iic_base,
                "IIC_with": iic_with,
                "dIIC_gain_pct": gain,
                "to_class": restore,
            }
        )
    out = pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in ("priority", "rank")])
    out = out.sort_values(["dIIC_gain_pct", "candidate"], ascending=[False, True], kind="stable").reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    out["priority"] = _priority(out["dIIC_gain_pct"].to_numpy(), classes)
    out["to_class"] = pd.array(out["to_class"], dtype="Int64")
    return out[COLUMNS]


def priority_scenarios(
    base: Baseline,
    candidates: gpd.GeoDataFrame,
    *,
    top: int | None = None,
    to_class: int | None = None,
    distance_m: float | None = None,
    label_field: str = "name",
    name: str = "priority",
) -> list[Scenario]:
    """One scenario, ``name``, restoring the highest-priority candidates of
    :func:`restoration_priority` (Chang et al. 2018, §6.2: Priority Class 1 patches "strongly
    recommended to be integrated into urban GI network"): the ``top`` candidates by dIIC gain, or
    with ``top=None`` (default) every Priority Class 1 candidate. Candidates that add nothing (no
    cell outside the sources, or no gain) are never restored. Each is a kind "restore" action over
    its footprint, to ``to_class`` (default: its dominant habitat class, else the landscape's most
    common habitat class) and ``source=True`` so it joins the network as a source. ``details``
    holds the ranking (``priority``)."""
    ranking = restoration_priority(base, candidates, to_class=to_class, distance_m=distance_m, label_field=label_field)
    useful = (ranking["cells"] > 0) & (ranking["dIIC_gain_pct"] > 0) & ranking["to_class"].notna()
    chosen = ranking[useful & (ranking["priority"] == 1)] if top is None else ranking[useful].head(max(0, int(top)))
    cands = _prepared(base, candidates)
    geom_of = dict(zip(cands["_position"], cands.geometry))
    in_source = (np.asarray(base.sources.labels) > 0).ravel()
    actions = []
    for rec in chosen.itertuples(index=False):
        cells = _cells(geom_of[rec.candidate], base.grid)
        cells = cells[~in_source[cells]]
        label = f"restore {rec.label} (priority {rec.priority}, dIIC gain {rec.dIIC_gain_pct:.3g} %)"
        actions.append(action("restore", cells, to_class=int(rec.to_class), source=True, label=label))
    ranking = ranking.assign(chosen=ranking["candidate"].isin(chosen["candidate"]))
    rule = "Priority Class 1" if top is None else f"the top {top}"
    note = (
        f"Ranked {len(ranking)} candidate patch(es) by their dIIC gain if restored and restored {rule}: "
        f"{len(actions)} patch(es), {sum(a.cells.size for a in actions) * base.grid.cell_area_m2 / 1e6:.2f} km², "
        "as new sources."
    )
    params = {
        "top": top,
        "to_class": to_class,
        "distance_m": _threshold(base, distance_m),
        "label_field": label_field,
        "candidates": len(ranking),
    }
    return [
        Scenario(
            name=name,
            actions=tuple(actions),
            generator="priority",
            note=note,
            params=params,
            details={"priority": ranking},
        )
    ]


# ---- helpers -----------------------------------------------------------------------------------


def _prepared(base: Baseline, candidates) -> gpd.GeoDataFrame:
    """The candidates as polygons in the grid's CRS, empty and missing geometries dropped,
    each with its row position in ``_position``."""
    if not isinstance(candidates, gpd.GeoDataFrame):
        raise EconetError(f"restoration candidates must be a GeoDataFrame of polygons, got {type(candidates).__name__}")
    cands = candidates.reset_index(drop=True).assign(_position=np.arange(len(candidates)))
    if cands.crs is not None and base.grid.crs is not None and cands.crs != base.grid.crs:
        cands = cands.to_crs(base.grid.crs)
    geoms = cands.geometry
    keep = geoms.notna() & ~geoms.is_empty
    return cands[keep.to_numpy()]


def _threshold(base: Baseline, distance_m: float | None) -> float:
    if distance_m is not None:
        return float(distance_m)
    overall = base.connectivity.overall if base.connectivity is not None else {}
    if overall.get("distance") == "least_cost":
        raise EconetError(
            "the baseline's connectivity used least-cost distances, which a candidate patch has not got: "
            "set [optimise] priority_distance_m (the IIC link distance in metres for the ranking)"
        )
    return float(overall.get("iic_threshold_m") or base.distance_m)


def _distances(a, b) -> np.ndarray:
    """Edge-to-edge (or point) distances between two arrays of geometries, 0 where they touch."""
    a = np.asarray(a, dtype=object)
    b = np.asarray(b, dtype=object)
    if a.size == 0 or b.size == 0:
        return np.zeros((a.size, b.size))
    return shapely.distance(a[:, None], b[None, :]).astype(float)


def _cells(geom, grid) -> np.ndarray:
    """The footprint of a candidate polygon: the cells whose centre it covers, or every cell it
    touches when it covers no centre (a patch smaller than a cell)."""
    cells = footprint([geom], grid, all_touched=False)
    return cells if cells.size else footprint([geom], grid, all_touched=True)


def _priority(gain: np.ndarray, classes: int) -> np.ndarray:
    """Natural-breaks class of each gain, 1 for the highest (Chang et al.'s Priority Class 1);
    fewer classes when there are fewer distinct gains; 0 where the gain is undefined."""
    ok = np.isfinite(gain)
    out = np.zeros(gain.shape, dtype=np.int64)
    if not ok.any():
        return out
    bins = natural_breaks(gain[ok], classes)
    levels = np.arange(1, len(bins) + 1)
    out[ok] = grade(gain[ok], bins[:-1], levels, direction="decreasing", nodata=0, dtype=np.int64)
    return out


__all__ = ["PRIORITY_CLASSES", "priority_scenarios", "restoration_priority"]
