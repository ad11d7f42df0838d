"""The SEEC optimisation: synergistic enhancement of ecological function and carbon sink
(the Xuzhou SEEC preprint, §3.2, §3.5, §4.2.2–4.3; docs/methods/scenarios.md, "SEEC").

Each source's function couples its quality (mean RSEI) with its connectivity (dIIC); the bottom
10 % of that coupling are the weak-function nodes and the bottom 10 % of carbon sink the
weak-carbon nodes, and a node in both is weak in both. Weak-function nodes get stepping stones:
compact MSPA islets near them, preferably between them and other sources. Weak-carbon nodes
become bridges: new least-cost corridors to the nearest sources they are not yet linked to,
which raises their betweenness (the preprint found carbon sink rising with betweenness). Nodes
weak in both get both.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import shapely

from econet.errors import EconetError
from econet.scenarios.actions import Action, Scenario, action, cells_of, footprint
from econet.scenarios.baseline import Baseline

# Class names, weakest first; a weak class wins over "strong function" (a node with strong
# function but a weak carbon sink still needs the bridge).
CLASSES = ("weak both", "weak function", "weak carbon", "strong function", "general")

# The preprint added 16 stepping stones for its 8 weak-function nodes (§4.3): two per node.
STEPPING_STONES_PER_NODE = 2
# It added 55 new least-cost paths for its 13 weak nodes (§4.3): about four per node.
LINKS_PER_NODE = 4
# The preprint gives no corridor width; econet's narrowest corridor tier (Chang et al. 2018:
# local corridors 100 m wide, ``[corridors] local_width_m``).
CORRIDOR_WIDTH_M = 100.0


def tail_count(n: int, pct: float) -> int:
    """How many of ``n`` nodes make the top or bottom ``pct`` %: n x pct / 100 rounded half up
    (81 sources at 10 % give 8, as the preprint's 8 strong and 8 weak nodes), at least 1 when
    n >= 3 so a small network still has its weakest node, and at most n // 2 so the top and
    the bottom never share a node; 0 for fewer than 3 nodes."""
    if n < 3 or pct <= 0:
        return 0
    return min(max(1, math.floor(n * pct / 100.0 + 0.5)), n // 2)


def _scaled(values: np.ndarray, name: str) -> np.ndarray:
    """``values`` divided by their largest finite value (0..1, NaN kept)."""
    if np.any(values[np.isfinite(values)] < 0):
        raise ValueError(f"{name} must be >= 0 to be coupled (RSEI is 0..1 and dIIC a percentage)")
    top = np.nanmax(values) if np.isfinite(values).any() else np.nan
    return values / top if top > 0 else np.where(np.isfinite(values), 0.0, np.nan)


def _ranked(values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Rank (1 = lowest) of each finite value, ties to the lower id; 0 for NaN."""
    ok = np.flatnonzero(np.isfinite(values))
    order = ok[np.lexsort((ids[ok], np.round(values[ok], 12)))]
    rank = np.zeros(len(values), dtype=np.int64)
    rank[order] = np.arange(1, len(order) + 1)
    return rank


def weak_nodes(ids, rsei, diic, carbon_t_a, *, bottom_pct: float = 10.0) -> pd.DataFrame:
    """The SEEC node classes (the Xuzhou SEEC preprint, §3.5 and §4.2.2–4.3).

    ``rsei``: mean RSEI of each source (0..1); ``diic``: its dIIC (%); ``carbon_t_a``: its
    carbon sink (t/a). Each index is normalised by its maximum (x / max x, 0..1) and the
    coupling is their product, so the coupling orders the nodes exactly as RSEI x dIIC does
    (a min-max normalisation would give the lowest-RSEI node a coupling of 0 whatever its
    connectivity). The ``bottom_pct`` % lowest couplings are weak in function, the same top
    share strong in function, and the ``bottom_pct`` % lowest carbon sinks weak in carbon;
    counts are ``tail_count`` (rounded half up, at least one with 3 or more nodes). Ties go to
    the lower id; a node whose coupling or carbon is NaN is never in that tail.

    Returns one row per node, in the order given: id, rsei, diic, rsei_norm, diic_norm,
    coupling, coupling_rank (1 = weakest), carbon_sink_t_a, carbon_rank (1 = lowest),
    weak_function, weak_carbon, strong_function, strong_carbon (top ``bottom_pct`` % of carbon
    sink, for the record) and ``class`` (one of ``CLASSES``)."""
    ids = np.asarray(ids, dtype=np.int64)
    rsei = np.asarray(rsei, dtype=float)
    diic = np.asarray(diic, dtype=float)
    carbon = np.asarray(carbon_t_a, dtype=float)
    if not (len(ids) == len(rsei) == len(diic) == len(carbon)):
        raise ValueError("ids, rsei, diic and carbon_t_a must have one value per node")
    rsei_n, diic_n = _scaled(rsei, "RSEI"), _scaled(diic, "dIIC")
    coupling = rsei_n * diic_n
    c_rank, k_rank = _ranked(coupling, ids), _ranked(carbon, ids)
    n_c, n_k = int((c_rank > 0).sum()), int((k_rank > 0).sum())
    k_c, k_k = tail_count(n_c, bottom_pct), tail_count(n_k, bottom_pct)
    weak_f = (c_rank > 0) & (c_rank <= k_c)
    strong_f = c_rank > n_c - k_c
    weak_k = (k_rank > 0) & (k_rank <= k_k)
    strong_k = k_rank > n_k - k_k
    cls = np.where(
        weak_f & weak_k,
        "weak both",
        np.where(
            weak_f, "weak function", np.where(weak_k, "weak carbon", np.where(strong_f, "strong function", "general"))
        ),
    )
    return pd.DataFrame(
        {
            "id": ids,
            "rsei": rsei,
            "diic": diic,
            "rsei_norm": rsei_n,
            "diic_norm": diic_n,
            "coupling": coupling,
            "coupling_rank": c_rank,
            "carbon_sink_t_a": carbon,
            "carbon_rank": k_rank,
            "weak_function": weak_f,
            "weak_carbon": weak_k,
            "strong_function": strong_f,
            "strong_carbon": strong_k,
            "class": cls,
        }
    )


def _node_column(base: Baseline, column: str, what: str) -> np.ndarray:
    nodes = base.nodes
    if column in nodes:
        return nodes[column].to_numpy(dtype=float)
    if column == "dIIC" and base.connectivity is not None:
        return nodes[["id"]].merge(base.connectivity.nodes[["id", "dIIC"]], on="id", how="left")["dIIC"].to_numpy(float)
    raise EconetError(f"SEEC needs {what} per source (node column {column!r}): {_HINTS[column]}")


_HINTS = {
    "rsei_mean": 'add "rsei" to [indicators] models',
    "carbon_sink_t_a": 'add "carbon_sink" to [indicators] models',
    "dIIC": "add [connectivity] to the study",
}


def _linked(base: Baseline) -> set[tuple[int, int]]:
    """Source pairs (a < b) the baseline links by a corridor."""
    p = base.corridors.paths
    return {(min(int(a), int(b)), max(int(a), int(b))) for a, b in zip(p["from_id"], p["to_id"])}


def _pair_lengths(base: Baseline) -> dict[tuple[int, int], float]:
    """Length (m) of the baseline corridor of each linked pair (a < b), the shortest if several."""
    out: dict[tuple[int, int], float] = {}
    p = base.corridors.paths
    for a, b, length in zip(p["from_id"], p["to_id"], p["length_m"]):
        key = (min(int(a), int(b)), max(int(a), int(b)))
        out[key] = min(out.get(key, np.inf), float(length))
    return out


def stepping_stone_choices(
    base: Baseline, weak: list[int], *, per_node: int, search_m: float, max_lsi: float | None
) -> pd.DataFrame:
    """The islets chosen as stepping stones for each weak-function node in ``weak`` (weakest
    first; an islet serves one node).

    Candidates: islets (``base.sources.stepping_stones``) within ``search_m`` of the node
    (edge to edge), with LSI <= ``max_lsi`` when given and no cell in a source. An islet
    *bridges* the node w to another source s when it lies between them and within ``search_m``
    of both: max(d(w, i), d(i, s)) < d(w, s) and d(i, s) <= ``search_m``. Tier 0: it bridges w
    to a source w has no corridor with, or whose corridor is long (longer than the baseline's
    mean corridor); tier 1: it bridges only to sources linked by a short corridor; tier 2: it
    bridges nothing. Order: tier, then LSI (most compact first), then distance to w, then islet id.
    """
    cols = ["node", "islet", "lsi", "area_ha", "distance_m", "tier", "toward"]
    stones = base.sources.stepping_stones
    if stones is None or not len(weak) or per_node <= 0:
        return pd.DataFrame(columns=cols)
    isl = stones.table
    if not len(isl):
        return pd.DataFrame(columns=cols)
    src = base.sources.table
    src_ids = src["id"].to_numpy().astype(int)
    src_geom = src.geometry.to_numpy()
    # An islet that overlaps a source (a protected polygon unioned in) cannot be added to it.
    inside_src = np.bincount(
        stones.labels.ravel(), weights=(base.sources.labels.ravel() > 0), minlength=int(isl["id"].max()) + 1
    )
    free = np.array([inside_src[int(i)] == 0 for i in isl["id"]])
    if max_lsi is not None:
        free &= isl["lsi"].to_numpy() <= max_lsi
    isl_geom = isl.geometry.to_numpy()
    lengths = _pair_lengths(base)
    mean_len = float(np.mean(list(lengths.values()))) if lengths else 0.0
    used: set[int] = set()
    rows = []
    for w in weak:
        w_geom = src_geom[src_ids == w][0]
        d_wi = shapely.distance(w_geom, isl_geom)
        cand = np.flatnonzero(free & (d_wi <= search_m))
        cand = np.array([c for c in cand if int(isl["id"].iat[c]) not in used], dtype=np.int64)
        if not cand.size:
            continue
        others = src_ids != w
        d_ws = shapely.distance(w_geom, src_geom[others])
        o_ids = src_ids[others]
        keyed = []
        for c in cand:
            d_is = shapely.distance(isl_geom[c], src_geom[others])
            bridges = (np.maximum(d_wi[c], d_is) < d_ws) & (d_is <= search_m)
            tier, toward = 2, 0
            if bridges.any():
                # Toward the source it bridges best: the one whose longer gap via the islet is shortest.
                pick = np.flatnonzero(bridges)
                best = pick[np.lexsort((o_ids[pick], np.maximum(d_wi[c], d_is[pick])))]
                long_or_missing = [
                    lengths.get((min(w, int(s)), max(w, int(s))), np.inf) > mean_len for s in o_ids[best]
                ]
                tier = 0 if any(long_or_missing) else 1
                toward = int(o_ids[best[int(np.argmax(long_or_missing))] if tier == 0 else best[0]])
            lsi = float(isl["lsi"].iat[c])
            keyed.append((tier, round(lsi, 9), float(d_wi[c]), int(isl["id"].iat[c]), c, toward))
        for tier, _, dist, iid, c, toward in sorted(keyed)[:per_node]:
            used.add(iid)
            rows.append(
                {
                    "node": int(w),
                    "islet": iid,
                    "lsi": float(isl["lsi"].iat[c]),
                    "area_ha": float(isl["area_ha"].iat[c]),
                    "distance_m": dist,
                    "tier": tier,
                    "toward": toward,
                }
            )
    return pd.DataFrame(rows, columns=cols)


def bridge_links(
    base: Baseline, weak: list[int], *, per_node: int, search_m: float, max_cost: float | None = None
) -> pd.DataFrame:
    """New least-cost links from each weak-carbon node in ``weak`` to the nearest sources it is
    not yet linked to (the Xuzhou SEEC preprint, §4.3: weak-carbon nodes as bridges).

    Partners: the sources with no baseline corridor to the node within ``search_m`` (edge to
    edge), and at least the ``per_node`` nearest of them whatever the distance. One bounded
    search from the node (``econet.corridors.costdistance``) over the baseline resistance,
    with every source other than the node and its partners impassable, gives each partner's
    least-cost distance and path, and the ``per_node`` cheapest no dearer than ``max_cost``
    (resistance x m; None: no limit) become links. Sources are the
    cheapest ground, so between sources not yet linked the plain least-cost path nearly always
    runs through a third source: it is then two existing links, not a new one (the corridor
    stage drops it, ``drop_through_sources``); the path around them is the new corridor. A
    path that still crosses another partner is skipped, and a pair is linked once. Columns:
    from_id, to_id, cost (resistance x m), length_m, euclid_m, path (cells, row and col)."""
    cols = ["from_id", "to_id", "cost", "length_m", "euclid_m", "path"]
    if not len(weak) or per_node <= 0:
        return pd.DataFrame(columns=cols)
    src = base.sources.table
    src_ids = src["id"].to_numpy().astype(int)
    src_geom = src.geometry.to_numpy()
    linked = _linked(base)
    partners: dict[int, list[int]] = {}
    euclid: dict[tuple[int, int], float] = {}
    for w in weak:
        w_geom = src_geom[src_ids == w][0]
        d = shapely.distance(w_geom, src_geom)
        free = [
            i for i in range(len(src_ids)) if src_ids[i] != w and (min(w, src_ids[i]), max(w, src_ids[i])) not in linked
        ]
        free.sort(key=lambda i: (d[i], src_ids[i]))
        near = [i for i in free if d[i] <= search_m]
        chosen = free[: max(per_node, len(near))]
        partners[int(w)] = [int(src_ids[i]) for i in chosen]
        euclid.update({(int(w), int(src_ids[i])): float(d[i]) for i in chosen})
    partners = {w: p for w, p in partners.items() if p}
    if not partners:
        return pd.DataFrame(columns=cols)
    from econet.corridors.costdistance import source_costs  # numba: only when links are made

    labels = base.sources.labels
    surface = np.array(base.surface, dtype=np.result_type(base.surface.dtype, np.float32), copy=True)
    rows, done = [], set(linked)
    for w, ps in partners.items():
        # The other sources are walls for this search only; their cells are restored after it.
        blocked = (labels > 0) & ~np.isin(labels, [w, *ps])
        surface[blocked] = np.nan
        (sc,) = source_costs(surface, labels, base.grid.cell_size_m, {w: ps}, max_cost=max_cost)
        surface[blocked] = base.surface[blocked]
        cap = np.inf if max_cost is None else max_cost
        reached = sorted((lcd, s) for s, (lcd, _) in sc.reached.items() if s in ps and lcd <= cap)
        n = 0
        for lcd, s in reached:
            if n == per_node:
                break
            key = (min(w, s), max(w, s))
            if key in done:
                continue
            cells = sc.paths[s]
            on = labels[cells[:, 0], cells[:, 1]]
            if np.setdiff1d(np.unique(on[on > 0]), [w, s]).size:
                continue
            x, y = base.grid.xy(cells[:, 0], cells[:, 1])
            length = float(shapely.LineString(np.column_stack([x, y])).length) if len(cells) > 1 else 0.0
            rows.append(
                {
                    "from_id": w,
                    "to_id": int(s),
                    "cost": float(lcd),
                    "length_m": length,
                    "euclid_m": euclid[(w, s)],
                    "path": cells,
                }
            )
            done.add(key)
            n += 1
    return pd.DataFrame(rows, columns=cols)


def seec_scenarios(
    base: Baseline,
    *,
    bottom_pct: float = 10.0,
    stepping_stones_per_node: int = STEPPING_STONES_PER_NODE,
    search_m: float | None = None,
    max_lsi: float | None = None,
    links_per_node: int = LINKS_PER_NODE,
    max_link_cost: float | None = None,
    corridor_width_m: float = CORRIDOR_WIDTH_M,
) -> list[Scenario]:
    """The SEEC scenario of the Xuzhou SEEC preprint (§3.2, §3.5, §4.3): one scenario, "seec".

    Nodes are classed by ``weak_nodes`` (mean RSEI, dIIC and carbon sink of each source,
    ``bottom_pct`` %). Weak-function nodes (and nodes weak in both), weakest first, get up to
    ``stepping_stones_per_node`` stepping stones each: islets within ``search_m`` (m, edge to
    edge; default the connectivity distance) chosen by ``stepping_stone_choices`` (between the
    node and other sources first, then most compact). The preprint's LSI rule contradicts
    itself (compact, closer to a circle, is better, then islets with LSI > 1.95 are kept);
    econet takes the compact reading: lowest LSI first, and ``max_lsi`` (None: no cap) drops
    islets less compact than that. Weak-carbon nodes (and nodes weak in both) get up to
    ``links_per_node`` new corridors each (``bridge_links``): the least-cost path to each
    partner over the baseline resistance, around the other sources, no dearer than
    ``max_link_cost`` (resistance x m; default the costliest baseline corridor, so new links
    are on the scale of the network's own), buffered by ``corridor_width_m`` / 2 outside the
    sources, lowered to the landscape's lowest resistance and linked.

    Raises ``EconetError`` when the study lacks RSEI, carbon sink, dIIC or islet candidates."""
    if base.sources.stepping_stones is None:
        raise EconetError("SEEC needs islets as stepping-stone candidates: add [sources.islets] to the study")
    rsei = _node_column(base, "rsei_mean", "the mean RSEI")
    carbon = _node_column(base, "carbon_sink_t_a", "the carbon sink")
    diic = _node_column(base, "dIIC", "dIIC")
    ids = base.nodes["id"].to_numpy().astype(int)
    table = weak_nodes(ids, rsei, diic, carbon, bottom_pct=bottom_pct)
    search = float(base.distance_m if search_m is None else search_m)
    by_coupling = table.sort_values(["coupling_rank", "id"])
    weak_f = [int(i) for i in by_coupling.loc[by_coupling["weak_function"], "id"]]
    by_carbon = table.sort_values(["carbon_rank", "id"])
    weak_k = [int(i) for i in by_carbon.loc[by_carbon["weak_carbon"], "id"]]

    stones = stepping_stone_choices(base, weak_f, per_node=stepping_stones_per_node, search_m=search, max_lsi=max_lsi)
    if max_link_cost is None and len(base.corridors.paths):
        max_link_cost = float(base.corridors.paths["cost"].max())
    links = bridge_links(base, weak_k, per_node=links_per_node, search_m=search, max_cost=max_link_cost)

    actions: list[Action] = []
    isl_labels = base.sources.stepping_stones.labels
    for r in stones.itertuples(index=False):
        actions.append(
            action(
                "stepping_stone",
                cells_of(isl_labels == r.islet),
                label=f"islet {r.islet} (LSI {r.lsi:.2f}) for weak node {r.node}",
            )
        )
    inside = base.sources.table.set_index("id")[["inside_x", "inside_y"]]
    in_source = base.sources.labels.ravel() > 0
    for r in links.itertuples(index=False):
        x, y = base.grid.xy(r.path[:, 0], r.path[:, 1])
        line = shapely.LineString(np.column_stack([x, y])) if len(r.path) > 1 else shapely.Point(x[0], y[0])
        cells = footprint([line], base.grid, buffer_m=corridor_width_m / 2.0)
        cells = cells[~in_source[cells]]  # the corridor is the gap between the sources
        a, b = inside.loc[r.from_id], inside.loc[r.to_id]
        actions.append(
            action(
                "corridor",
                cells,
                lowest_resistance=base.lowest_resistance,
                link=((float(a.inside_x), float(a.inside_y)), (float(b.inside_x), float(b.inside_y))),
                label=f"corridor {r.from_id}-{r.to_id} bridging weak-carbon node {r.from_id}",
            )
        )
    counts = table["class"].value_counts()
    note = (
        f"SEEC: of {len(table)} sources, {counts.get('weak function', 0)} are weak in function only, "
        f"{counts.get('weak carbon', 0)} in carbon sink only and {counts.get('weak both', 0)} in both; "
        f"added {len(stones)} stepping stones and {len(links)} bridging corridors."
    )
    if not len(base.sources.stepping_stones.table):
        note += " The study has no islet candidates, so no stepping stones."
    lonely = sorted(set(weak_k) - set(links["from_id"].astype(int)))
    if lonely:
        note += (
            f" Weak-carbon node(s) {', '.join(map(str, lonely))} got no new corridor: no source they are not yet "
            "linked to can be reached around the other sources within the cost limit."
        )
    params = {
        "bottom_pct": bottom_pct,
        "stepping_stones_per_node": stepping_stones_per_node,
        "search_m": search,
        "max_lsi": max_lsi,
        "links_per_node": links_per_node,
        "max_link_cost": max_link_cost,
        "corridor_width_m": corridor_width_m,
    }
    details = {
        "weak_nodes": table,
        "stepping_stones": stones,
        "links": links.drop(columns="path"),
    }
    return [Scenario("seec", tuple(actions), generator="seec", note=note, params=params, details=details)]


__all__ = ["CLASSES", "bridge_links", "seec_scenarios", "stepping_stone_choices", "tail_count", "weak_nodes"]
