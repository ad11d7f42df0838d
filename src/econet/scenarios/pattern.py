"""Pattern–function and pattern–process optimisation (PFO, PPO) and their random baseline
(Tong et al. 2025, §2.2.4 "Network Optimization", §3.4, §3.5 and the Discussion;
docs/methods/scenarios.md).

The candidate zones are the circuit stage's pinch points and barriers. Each zone gets the mean of
every indicator raster inside it (``zone_table``). The per-source means of the strategy's
indicators are correlated (Spearman) with the network topological characteristics of the
sources (``centrality_correlations``); the indicators positively correlated with them are kept,
each zone is scored by the kept indicators and the top ``top_pct`` % of zones of each kind become
restoration targets. Restoring a zone lowers its resistance to the landscape's lowest; then
*edge addition* joins, near each target zone, the nearest pair of sources on either side of it
that no corridor links yet. PFO weighs the ecosystem services (habitat quality, water
conservation, sediment retention, carbon), PPO the ecological processes (MNDWI, NDVI, soil
erosion, eco-elasticity). ``random_scenarios`` is the paper's "conventional" (stochastic)
optimisation: as many zones of each kind, of about the same area, chosen at random, with the
same edge addition.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops

from econet.corridors.costdistance import source_costs
from econet.errors import EconetError
from econet.network.correlation import correlation_matrix, significance_mark
from econet.rasterops import minmax, rasterize
from econet.scenarios.actions import Action, Scenario, action, footprint
from econet.scenarios.baseline import Baseline
from econet.zonal import zonal_mean

# Tong et al. 2025, §2.2.1: four MEA-aligned services (HQ, WC, SR, CS). "a|b": the first of the
# rasters the study computed (carbon storage from the InVEST-style pools, else the carbon sink).
SERVICES = ("habitat_quality", "water_conservation", "sediment_retention", "carbon_storage|carbon_sink")
# §2.2.2: vigor (NDVI, MNDWI), eco-elasticity and sensitivity (soil erosion risk).
PROCESSES = ("mndwi", "ndvi", "soil_loss", "eco_elasticity")
# Indicators where more is worse: turned round (negated) before they are correlated and scored, so
# that "positively correlated" and "top values" mean the same thing for every indicator.
HIGHER_IS_WORSE = ("soil_loss",)
# §2.2.3 "Network Topological Pattern": the four NTCs (degree, betweenness, closeness centrality
# and the clustering coefficient); the circuit stage's current-flow centrality is added when present.
NTC = ("degree", "betweenness", "closeness", "clustering")
CURRENT_FLOW = "current_flow_centrality"
ZONE_KINDS = ("pinchpoint", "barrier")
# Zones are ranked by score; ties go to the higher circuit value (current density of a pinch point,
# Barrier Mapper's improvement score of a barrier), then the larger zone, then the lower id.
RANKING = ["score", "circuit_value", "area_ha", "id"]
RANKING_ASCENDING = [False, False, False, True]
STRATEGIES = {"pfo": ("services", "service"), "ppo": ("processes", "process")}


# ---- candidate zones ------------------------------------------------------------------------


def _circuits(base: Baseline, who: str):
    if base.circuits is None:
        raise EconetError(f"{who} needs pinch points and barriers: add [circuit] to the study")
    return base.circuits


def _zones(base: Baseline, who: str = "the pattern optimisation") -> tuple[gpd.GeoDataFrame, dict[str, np.ndarray]]:
    """The zone table and each zone's cells (flat indices), by zone name."""
    circuits = _circuits(base, who)
    grid = base.grid
    frames, cells = [], {}
    for kind, gdf in (("pinchpoint", circuits.pinchpoints), ("barrier", circuits.barriers)):
        if gdf is None or not len(gdf):
            continue
        gdf = gdf.reset_index(drop=True)
        n = len(gdf) + 1
        # The zones are traced from cell edges, so burning them by cell centre gives back their cells.
        labels = rasterize(((g, i + 1) for i, g in enumerate(gdf.geometry)), grid, dtype=np.int32)
        counts = np.bincount(labels.ravel(), minlength=n)
        order = np.argsort(labels.ravel(), kind="stable")
        starts = np.concatenate([[0], np.cumsum(counts)])
        names = [f"{kind}_{int(i)}" for i in gdf["id"]]
        for k, name in enumerate(names, start=1):
            cells[name] = np.sort(order[starts[k] : starts[k + 1]]).astype(np.int64)
        t = pd.DataFrame(
            {
                "zone": names,
                "kind": kind,
                "id": gdf["id"].astype(int).to_numpy(),
                "cells": counts[1:],
                "area_ha": counts[1:] * grid.cell_area_m2 / 1e4,
                # current density (pinch points) or least-cost reduction per metre (barriers)
                "circuit_value": gdf["mean_value"].to_numpy(float) if "mean_value" in gdf else np.nan,
            }
        )
        for name, arr in base.rasters.items():
            t[name] = zonal_mean(labels, np.asarray(arr), n)[1:]
        frames.append(gpd.GeoDataFrame(t, geometry=list(gdf.geometry), crs=grid.crs))
    if not frames:
        empty = {"zone": [], "kind": [], "id": [], "cells": [], "area_ha": [], "circuit_value": []}
        empty.update({name: [] for name in base.rasters})
        return gpd.GeoDataFrame(empty, geometry=[], crs=grid.crs), cells
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=grid.crs), cells


def zone_table(base: Baseline) -> gpd.GeoDataFrame:
    """Every candidate zone: the circuit stage's pinch points and barriers (Tong et al. 2025,
    §2.2.4: "Pinch points and barrier areas are selected as optimization targets").

    Columns: ``zone`` ("pinchpoint_3", "barrier_1"), ``kind``, ``id`` (the circuit table's id),
    ``cells`` and ``area_ha`` (of the cells whose centre the zone covers), ``circuit_value``
    (mean current density, A, of a pinch point; mean least-cost reduction per metre restored of
    a barrier) and the mean of every indicator raster of ``base.rasters`` over the zone's cells
    (NaN cells left out), one column per raster name; the zone polygon as geometry."""
    return _zones(base, "the zone table")[0]


# ---- correlations with the network topology -------------------------------------------------


def _indicator_column(nodes: pd.DataFrame, name: str) -> str:
    for col in (f"{name}_mean", name):
        if col in nodes:
            return col
    raise EconetError(f"no per-source mean of indicator {name!r} in the node table (looked for {name}_mean, {name})")


def _centralities(nodes: pd.DataFrame, centralities) -> list[str]:
    if centralities is None:
        cents = [c for c in NTC if c in nodes] + ([CURRENT_FLOW] if CURRENT_FLOW in nodes else [])
        if not cents:
            raise EconetError(f"the node table has none of the network measures {NTC + (CURRENT_FLOW,)}")
        return cents
    cents = list(centralities)
    missing = [c for c in cents if c not in nodes]
    if missing:
        raise EconetError(f"no network measure {missing} in the node table")
    return cents


def centrality_correlations(nodes: pd.DataFrame, indicators, centralities=None) -> pd.DataFrame:
    """Spearman's rho (and its two-sided p, the number of sources n and the significance mark)
    of each indicator's per-source mean with each network topological characteristic, one row
    per (indicator, centrality): Tong et al. 2025, §2.2.4 and §3.4.

    ``nodes``: the network node table (one row per source); an indicator's column is
    ``<name>_mean`` when present (as the indicator summaries name them), else ``<name>``.
    ``centralities``: default the paper's four NTCs (degree, betweenness, closeness centrality
    and clustering coefficient) present in ``nodes``, plus ``current_flow_centrality`` when
    present. Sources where either value is missing are left out of that pair; rho is NaN with
    fewer than three sources or a constant column."""
    cents = _centralities(nodes, centralities)
    cols = {name: _indicator_column(nodes, name) for name in indicators}
    r, p, n = correlation_matrix(nodes, list(dict.fromkeys([*cols.values(), *cents])), "spearman")
    rows = [
        {
            "indicator": name,
            "column": col,
            "centrality": c,
            "rho": float(r.loc[col, c]),
            "p": float(p.loc[col, c]),
            "n": int(n.loc[col, c]),
            "mark": significance_mark(p.loc[col, c]),
        }
        for name, col in cols.items()
        for c in cents
    ]
    return pd.DataFrame(rows, columns=["indicator", "column", "centrality", "rho", "p", "n", "mark"])


def _node_indicators(base: Baseline, names: list[str]) -> pd.DataFrame:
    """The node table with the circuit stage's current-flow centrality and a per-source mean of
    every raster in ``names`` (the indicator summaries' ``<name>_mean`` where it exists; the
    carbon sink is summarised as a sum there, so its mean is taken here)."""
    table = base.nodes.copy()
    cf = getattr(base.circuits, "centrality_nodes", None) if base.circuits is not None else None
    if CURRENT_FLOW not in table and cf is not None and len(cf):
        table = table.merge(cf[["id", CURRENT_FLOW]], on="id", how="left")
    ids = table["id"].to_numpy(int)
    labels = base.sources.labels
    n = max(int(labels.max(initial=0)), int(ids.max(initial=0))) + 1
    for name in names:
        if f"{name}_mean" not in table:
            table[f"{name}_mean"] = zonal_mean(labels, np.asarray(base.rasters[name]), n)[ids]
    return table


# ---- edge addition --------------------------------------------------------------------------


def _source_points(table: gpd.GeoDataFrame) -> np.ndarray:
    """A point inside each source (the patch table's inside_x/_y, else a point on its surface)."""
    if {"inside_x", "inside_y"} <= set(table.columns):
        return np.column_stack([table["inside_x"].to_numpy(float), table["inside_y"].to_numpy(float)])
    return shapely.get_coordinates(shapely.point_on_surface(np.asarray(table.geometry)))


def _opposite(z: shapely.Point, ga, gb, cos_max: float) -> bool:
    """Whether sources a and b lie on either side of the point z: the angle at z between the
    directions to their nearest points is more than the one whose cosine is ``cos_max`` (with
    90 degrees: z lies inside the circle whose diameter joins those points). A source that
    covers z lies on every side."""
    pa = np.array(shapely.ops.nearest_points(ga, z)[0].coords[0]) - np.array(z.coords[0])
    pb = np.array(shapely.ops.nearest_points(gb, z)[0].coords[0]) - np.array(z.coords[0])
    na, nb = np.hypot(*pa), np.hypot(*pb)
    if na == 0 or nb == 0:
        return True
    return float(pa @ pb) / (na * nb) < cos_max - 1e-12


def _edge_addition(
    base: Baseline,
    targets: gpd.GeoDataFrame,
    lowered: np.ndarray,
    *,
    links_per_zone: int,
    link_distance_m: float,
    side_angle_deg: float,
    corridor_buffer_m: float,
) -> tuple[list[Action], pd.DataFrame]:
    """New corridors near each target zone, in the order of ``targets`` (see ``pattern_scenarios``),
    routed as least-cost paths over the baseline surface with the ``lowered`` cells restored."""
    src = base.sources.table.reset_index(drop=True)
    ids = src["id"].to_numpy(int)
    geoms = np.asarray(src.geometry)
    points = _source_points(src)
    linked = set()
    if base.corridors is not None:
        linked = {frozenset(p) for p in base.corridors.pairs}
    cos_max = math.cos(math.radians(side_angle_deg))
    rows = []
    for zone in targets.itertuples():
        z = shapely.centroid(zone.geometry)
        d = shapely.distance(zone.geometry, geoms)
        near = np.flatnonzero(d <= link_distance_m)
        cand = []
        for i_pos, i in enumerate(near):
            for j in near[i_pos + 1 :]:
                if frozenset((ids[i], ids[j])) in linked:
                    continue
                if _opposite(z, geoms[i], geoms[j], cos_max):
                    cand.append((d[i] + d[j], min(ids[i], ids[j]), max(ids[i], ids[j]), i, j))
        cand.sort()
        for _, _, _, i, j in cand[:links_per_zone]:
            a, b = (i, j) if ids[i] < ids[j] else (j, i)
            linked.add(frozenset((ids[a], ids[b])))
            rows.append({"zone": zone.zone, "from_id": ids[a], "to_id": ids[b], "from_m": d[a], "to_m": d[b]})
    links = pd.DataFrame(rows, columns=["zone", "from_id", "to_id", "from_m", "to_m"])
    if not len(links):
        links["path_m"] = []
        return [], links
    # Route each new corridor as a least-cost path (the one cost-distance kernel) over the surface
    # as it will be once the target zones are restored, so the corridor runs through them where
    # that is cheapest.
    surface = np.array(base.surface, dtype=np.float64)
    flat = surface.ravel()
    flat[lowered] = np.fmin(flat[lowered], base.lowest_resistance)
    partners: dict[int, list[int]] = {}
    for a, b in zip(links["from_id"], links["to_id"]):
        partners.setdefault(int(a), []).append(int(b))
    searches = {sc.source: sc for sc in source_costs(surface, base.sources.labels, base.grid.cell_size_m, partners)}
    width = base.grid.width
    by_id = dict(zip(ids, points))
    acts, lengths = [], []
    for r in links.itertuples():
        path = searches[int(r.from_id)].paths.get(int(r.to_id))
        if path is None:  # unreachable: the link alone, the corridor stage will say why
            cells, length = np.zeros(0, np.int64), np.nan
        else:
            x, y = base.grid.xy(path[:, 0], path[:, 1])
            length = float(np.hypot(np.diff(x), np.diff(y)).sum())
            if corridor_buffer_m > 0 and len(path) > 1:
                cells = footprint([shapely.LineString(np.column_stack([x, y]))], base.grid, buffer_m=corridor_buffer_m)
            else:
                cells = path[:, 0].astype(np.int64) * width + path[:, 1]
        lengths.append(length)
        pa, pb = by_id[int(r.from_id)], by_id[int(r.to_id)]
        acts.append(
            action(
                "corridor",
                cells,
                lowest_resistance=base.lowest_resistance,
                link=((float(pa[0]), float(pa[1])), (float(pb[0]), float(pb[1]))),
                label=f"corridor {r.from_id}-{r.to_id} by {r.zone.replace('_', ' ')}",
            )
        )
    links["path_m"] = lengths
    return acts, links


def _restore(base: Baseline, targets: gpd.GeoDataFrame, cells: dict[str, np.ndarray], labels) -> list[Action]:
    return [
        action(z.kind, cells[z.zone], lowest_resistance=base.lowest_resistance, label=label)
        for z, label in zip(targets.itertuples(), labels)
    ]


def _kind_counts(targets) -> str:
    parts = []
    for kind, word in (("pinchpoint", "pinch point"), ("barrier", "barrier")):
        k = int((targets["kind"] == kind).sum())
        parts.append(f"{k} {word}{'s' if k != 1 else ''}")
    return " and ".join(parts)


# ---- PFO and PPO ----------------------------------------------------------------------------


def _present(base: Baseline, wanted) -> tuple[list[str], list[str]]:
    present, missing = [], []
    for entry in wanted:
        options = str(entry).split("|")
        hit = next((o for o in options if o in base.rasters), None)
        if hit is None:
            missing.append(entry)
        else:
            present.append(hit)
    return present, missing


def pattern_scenarios(
    base: Baseline,
    *,
    strategy: str = "pfo",
    top_pct: float = 10.0,
    services=SERVICES,
    processes=PROCESSES,
    higher_is_worse=HIGHER_IS_WORSE,
    centralities=None,
    links_per_zone: int = 1,
    link_distance_m: float | None = None,
    side_angle_deg: float = 90.0,
    corridor_buffer_m: float = 0.0,
    potential_weight: float = 0.75,
) -> list[Scenario]:
    """The pattern–function ("pfo") or pattern–process ("ppo") optimisation of Tong et al.
    (2025), *Remote Sensing* 17(15): 2548, §2.2.4 and §3.5.1: one scenario named after the
    strategy.

    1. Indicators: PFO uses ``services`` (habitat quality, water conservation, sediment
       retention, carbon: §2.2.1), PPO ``processes`` (MNDWI, NDVI, soil loss, eco-elasticity:
       §2.2.2), each the name of a raster in ``base.rasters`` ("a|b": the first present). Those
       the study did not compute are skipped and named in the note; none at all is an error.
       ``higher_is_worse`` indicators (soil loss) are negated first.
    2. Correlation: Spearman's rho of each indicator's per-source mean with each centrality
       (``centrality_correlations``; default the paper's four NTCs, plus current-flow
       centrality when the circuit stage made it). An indicator is kept when its mean rho over
       the centralities is positive. If none is, the one with the highest mean rho is kept (the
       note says so); if no rho can be computed (fewer than three sources), all are kept.
    3. Score: each kept indicator's zone means are min-max normalised over all candidate zones,
       and their mean is the zone's indicator score (1: best on every kept indicator). The paper
       restores the zones "with high restoration potential" among those: the zone's circuit
       value (current density of a pinch point, Barrier Mapper's improvement score of a barrier),
       min-max normalised within its kind, is that potential, and the score is
       ``(1 - potential_weight) x indicator score + potential_weight x potential`` (0: the
       indicators alone; econet's choice, as the paper does not say how the two combine). In each kind (pinch points, barriers) the top ``top_pct`` % of the zones with a score,
       rounded up and at least one, are the targets (ties: the higher ``circuit_value``, i.e.
       current density or Barrier Mapper's improvement score, then the larger area, then the
       lower id).
    4. Actions: each target is restored (its resistance lowered to ``base.lowest_resistance``,
       kind "pinchpoint" or "barrier"); then edge addition: for each target, in score order,
       the sources within ``link_distance_m`` (edge to zone, m; default the PC distance
       ``base.distance_m``) are paired; a pair qualifies when no corridor links it yet and the
       two lie on either side of the zone (the angle at the zone's centroid between the
       directions to their nearest points is more than ``side_angle_deg``; a source covering the
       centroid is on every side); the ``links_per_zone`` pairs nearest the zone (smallest sum
       of the two distances) get a "corridor" action linking their sources, whose footprint is
       the least-cost path between them over the surface with the targets restored, buffered by
       ``corridor_buffer_m`` (0: the path's cells).

    ``details``: "correlations" (per indicator and centrality), "indicators" (mean rho, kept),
    "zones" (every candidate with its normalised values, score, rank and whether chosen) and
    "links" (the new corridors, their distances to the zone and path length, m)."""
    if strategy not in STRATEGIES:
        raise EconetError(f"pattern optimisation strategy must be one of {sorted(STRATEGIES)}, not {strategy!r}")
    if not 0 < top_pct <= 100:
        raise EconetError(f"top_pct must be in (0, 100], not {top_pct}")
    who = strategy.upper()
    role, role_one = STRATEGIES[strategy]
    wanted = services if strategy == "pfo" else processes
    present, missing = _present(base, wanted)
    if not present:
        raise EconetError(
            f"{who} needs at least one of the {role} {list(wanted)}; add the indicator models that make them "
            "to [indicators] models"
        )
    zones, cells = _zones(base, who)
    invert = set(higher_is_worse)
    nodes = _node_indicators(base, present)
    corr = centrality_correlations(nodes, present, centralities)
    sign = {name: -1.0 if name in invert else 1.0 for name in present}
    summary = (
        corr.groupby("indicator", sort=False)["rho"]
        .agg(lambda s: float(np.nanmean(s)) if np.isfinite(s).any() else np.nan)
        .rename("mean_rho")
        .reindex(present)
        .reset_index()
    )
    summary.insert(1, "role", role_one)
    summary["higher_is_better"] = [name not in invert for name in present]
    summary["oriented_mean_rho"] = summary["mean_rho"] * summary["indicator"].map(sign)
    summary["kept"] = summary["oriented_mean_rho"] > 0
    fallback = ""
    if not summary["kept"].any():
        if summary["oriented_mean_rho"].notna().any():
            best = summary["oriented_mean_rho"].idxmax()
            summary.loc[best, "kept"] = True
            fallback = (
                f" No indicator correlated positively; kept the least negative, {summary.loc[best, 'indicator']}."
            )
        else:
            summary["kept"] = True
            fallback = " Too few sources to correlate; every indicator kept."
    kept = summary.loc[summary["kept"], "indicator"].tolist()

    norm_cols = []
    for name in kept:
        values = zones[name].to_numpy(float) * sign[name]
        zones[f"{name}_norm"] = minmax(values, dtype=np.float64) if len(values) else values
        norm_cols.append(f"{name}_norm")
    # The mean of the normalised values a zone has (a zone with none, e.g. outside every raster, has no score).
    score = zones[norm_cols].to_numpy(float)
    counted = np.isfinite(score).sum(axis=1)
    zones["indicator_score"] = np.where(counted > 0, np.nansum(score, axis=1) / np.maximum(counted, 1), np.nan)
    zones["potential"] = np.nan
    for kind in ZONE_KINDS:
        in_kind = (zones["kind"] == kind).to_numpy()
        if in_kind.any():
            zones.loc[in_kind, "potential"] = minmax(
                zones.loc[in_kind, "circuit_value"].to_numpy(float), dtype=np.float64
            )
    potential = zones["potential"].fillna(0.0).to_numpy()
    zones["score"] = (1 - potential_weight) * zones["indicator_score"] + potential_weight * potential
    zones["rank"] = np.nan
    zones["selected"] = False
    chosen = []
    for kind in ZONE_KINDS:
        sub = zones[(zones["kind"] == kind) & zones["score"].notna()]
        if not len(sub):
            continue
        sub = sub.sort_values(RANKING, ascending=RANKING_ASCENDING)
        zones.loc[sub.index, "rank"] = np.arange(1, len(sub) + 1)
        k = max(1, math.ceil(len(sub) * top_pct / 100 - 1e-9))
        zones.loc[sub.index[:k], "selected"] = True
        chosen.append(sub.iloc[:k])
    targets = (
        gpd.GeoDataFrame(pd.concat(chosen), crs=zones.crs).sort_values(RANKING, ascending=RANKING_ASCENDING)
        if chosen
        else zones.iloc[:0]
    )
    distance = float(base.distance_m if link_distance_m is None else link_distance_m)
    acts = _restore(
        base,
        targets,
        cells,
        [f"{z.kind.replace('point', ' point')} {z.id} (score {z.score:.3f})" for z in targets.itertuples()],
    )
    links_acts, links = _edge_addition(
        base,
        targets,
        np.concatenate([cells[z] for z in targets["zone"]]) if len(targets) else np.zeros(0, np.int64),
        links_per_zone=links_per_zone,
        link_distance_m=distance,
        side_angle_deg=side_angle_deg,
        corridor_buffer_m=corridor_buffer_m,
    )
    area = float(targets["area_ha"].sum()) if len(targets) else 0.0
    note = (
        f"{who}: restored {_kind_counts(targets)} ({area:.1f} ha), the top {top_pct:g} % by "
        f"{', '.join(k.replace('_', ' ') for k in kept)}, and added {len(links_acts)} corridor"
        f"{'s' if len(links_acts) != 1 else ''}."
    )
    if missing:
        note += f" Not computed by the study: {', '.join(str(m) for m in missing)}."
    note += fallback
    if not len(zones):
        note = f"{who}: the circuit stage found no pinch point or barrier; nothing to restore."
    params = {
        "strategy": strategy,
        "top_pct": float(top_pct),
        "indicators": present,
        "missing": [str(m) for m in missing],
        "kept": kept,
        "higher_is_worse": sorted(invert & set(present)),
        "centralities": sorted(corr["centrality"].unique().tolist()),
        "links_per_zone": int(links_per_zone),
        "link_distance_m": distance,
        "side_angle_deg": float(side_angle_deg),
        "corridor_buffer_m": float(corridor_buffer_m),
        "potential_weight": float(potential_weight),
    }
    details = {
        "correlations": corr,
        "indicators": summary,
        "zones": pd.DataFrame(zones.drop(columns="geometry")),
        "links": links,
    }
    return [Scenario(strategy, tuple(acts + links_acts), generator=strategy, note=note, params=params, details=details)]


# ---- the random ("conventional") baseline ---------------------------------------------------


def random_scenarios(
    base: Baseline,
    like: Scenario,
    *,
    repeats: int = 20,
    seed: int = 0,
    area_tolerance_pct: float | None = 20.0,
    area_draws: int = 64,
) -> list[Scenario]:
    """The stochastic optimisation PFO and PPO are compared with (Tong et al. 2025, Discussion
    and Figure 14: "We randomly selected the same number of alternative optimization areas"):
    ``repeats`` scenarios "random_01", "random_02", ..., each restoring as many pinch points and
    barriers as ``like`` restores (counted from its "pinchpoint" and "barrier" actions), drawn
    at random from all candidate zones (``zone_table``), followed by the same edge addition
    (``pattern_scenarios`` step 4, with ``like.params``' link settings).

    Area: for each kind, up to ``area_draws`` random sets of that many zones are drawn; the
    first whose total area is within ``area_tolerance_pct`` % of the area ``like`` restores of
    that kind is taken, and when none is, the nearest in area (first drawn on a tie). Taking the
    first acceptable draw, not the closest of all, keeps the repeats different from each other:
    the closest set is nearly the same every time, often ``like``'s own zones. With
    ``area_tolerance_pct=None`` the area is not matched: the first draw is taken. Repeat r draws from ``numpy.random.default_rng([seed, r])``: the same seed gives the same
    scenarios. When a kind has fewer candidates than ``like`` restores, all of them are taken."""
    if repeats < 1:
        raise EconetError(f"random repeats must be at least 1, not {repeats}")
    zones, cells = _zones(base, "the random baseline")
    cell_ha = base.grid.cell_area_m2 / 1e4
    want = {}
    for kind in ZONE_KINDS:
        acts = [a for a in like.actions if a.kind == kind]
        want[kind] = (len(acts), sum(len(a.cells) for a in acts) * cell_ha)
    p = like.params
    edge = {
        "links_per_zone": int(p.get("links_per_zone", 1)),
        "link_distance_m": float(p.get("link_distance_m", base.distance_m)),
        "side_angle_deg": float(p.get("side_angle_deg", 90.0)),
        "corridor_buffer_m": float(p.get("corridor_buffer_m", 0.0)),
    }
    out = []
    for r in range(repeats):
        rng = np.random.default_rng([int(seed), r])
        picked = []
        for kind in ZONE_KINDS:
            n, target_ha = want[kind]
            pool = np.flatnonzero((zones["kind"] == kind).to_numpy())
            if n == 0 or not len(pool):
                continue
            if n >= len(pool):
                picked.append(pool)
                continue
            areas = zones["area_ha"].to_numpy(float)
            best, best_gap = None, np.inf
            for _ in range(max(1, area_draws)):
                draw = rng.choice(pool, size=n, replace=False)
                gap = abs(areas[draw].sum() - target_ha)
                if gap < best_gap:
                    best, best_gap = draw, gap
                if area_tolerance_pct is None or gap <= area_tolerance_pct / 100 * target_ha:
                    break
            picked.append(best)
        rows = np.concatenate(picked) if picked else np.zeros(0, int)
        targets = zones.iloc[rows]
        acts = _restore(
            base, targets, cells, [f"{z.kind.replace('point', ' point')} {z.id} (random)" for z in targets.itertuples()]
        )
        lowered = np.concatenate([cells[z] for z in targets["zone"]]) if len(targets) else np.zeros(0, np.int64)
        link_acts, links = _edge_addition(base, targets, lowered, **edge)
        name = f"random_{r + 1:02d}"
        area = float(targets["area_ha"].sum())
        note = (
            f"Random baseline {r + 1} of {repeats} (seed {seed}) for {like.name}: restored {_kind_counts(targets)} "
            f"({area:.1f} ha; {like.name}: {sum(a for _, a in want.values()):.1f} ha) chosen at random, and added "
            f"{len(link_acts)} corridor{'s' if len(link_acts) != 1 else ''}."
        )
        params = {
            "like": like.name,
            "seed": int(seed),
            "repeat": r + 1,
            "repeats": int(repeats),
            "area_tolerance_pct": None if area_tolerance_pct is None else float(area_tolerance_pct),
            "area_draws": int(area_draws),
            **edge,
        }
        chosen = pd.DataFrame(targets.drop(columns="geometry")).reset_index(drop=True)
        out.append(
            Scenario(
                name,
                tuple(acts + link_acts),
                generator="random",
                note=note,
                params=params,
                details={"zones": chosen, "links": links},
            )
        )
    return out


__all__ = [
    "HIGHER_IS_WORSE",
    "NTC",
    "PROCESSES",
    "SERVICES",
    "centrality_correlations",
    "pattern_scenarios",
    "random_scenarios",
    "zone_table",
]
