"""A run's network as a planning instance, and each candidate action's effect on it.

Nodes are the baseline sources (quality = area, km²); arcs join every pair the connectivity stage
linked, both ways, with p = exp(-k d) from the study's ``[connectivity]`` distances (so the
instance's PCnum is the connectivity stage's, ECA in km²). An action changes the graph as the
corridor engine says:

- a new source or stepping stone (``source``): a node of quality 0 whose gain is its footprint
  outside the existing sources, joined to every source by its distance (edge to edge, centroid,
  or least-cost from a bounded search of the corridor engine over the baseline surface);
- a lowered resistance (corridors, crossings, barriers, pinch points): with least-cost
  distances, every pair whose least-cost path crosses the footprint, and the pair a corridor
  links, is searched again over the surface lowered on the footprint; a pair whose cost falls
  gets the higher probability (an arc added when it had none). Euclidean distances ignore the
  matrix, so lowering it changes nothing there;
- a restoration without either has no effect on the network (it may still raise the carbon sink).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from econet.planner.instance import Instance


@dataclass
class PlanNetwork:
    """The instance, the source ids of its first nodes, and per option its action and a short
    description of its effect on the graph."""

    instance: Instance
    source_ids: np.ndarray
    actions: list
    effects: list[str]


def _decay(distance_m: float, probability: float) -> float:
    return -np.log(probability) / distance_m


def _cells_polygon(cells: np.ndarray, grid):
    """The footprint's cells as one (multi)polygon."""
    import shapely
    from rasterio import features

    mask = np.zeros(grid.shape, np.uint8)
    mask.ravel()[cells] = 1
    polys = [
        shapely.geometry.shape(g) for g, v in features.shapes(mask, mask=mask.astype(bool), transform=grid.transform)
    ]
    return shapely.union_all(polys)


def plan_network(base, actions, *, distance: str = "edge", max_cost: float | None = None) -> PlanNetwork:
    """The planning instance of a baseline (:class:`econet.scenarios.Baseline`) with one option
    per action of ``actions`` (costed :class:`econet.scenarios.Action`). ``distance`` is the
    study's ``connectivity.distance``; ``max_cost`` bounds the least-cost searches of new nodes
    (resistance × m; default: the dearest baseline corridor)."""
    from econet.connectivity import source_distances
    from econet.connectivity.indices import _as_links
    from econet.corridors.costdistance import source_costs
    from econet.scenarios import footprint

    table = base.sources.table
    ids = table["id"].to_numpy()
    n0 = len(ids)
    index = {int(s): i for i, s in enumerate(ids)}
    k = _decay(base.distance_m, base.probability)
    paths = base.corridors.paths
    links = _as_links(source_distances(table, distance, paths if distance == "least_cost" else None), n0)
    pair_p = {(int(i), int(j)): float(np.exp(-k * d)) for i, j, d in zip(links.i, links.j, links.distance)}
    pair_p = {(min(a, b), max(a, b)): p for (a, b), p in pair_p.items()}
    labels = base.sources.labels
    cell = base.grid.cell_size_m
    if max_cost is None:
        max_cost = float(paths["cost"].max()) if len(paths) else None
    path_cells = {}
    if distance == "least_cost":
        for row in paths.itertuples():
            path_cells[(index[int(row.from_id)], index[int(row.to_id)])] = footprint([row.geometry], base.grid)

    q = list(table["area_km2"].to_numpy(dtype=float))
    node_ids = [str(int(s)) for s in ids]
    arcs: dict[tuple[int, int], int] = {}
    tail, head, prob = [], [], []

    def arc(a: int, b: int, p: float) -> int:
        key = (a, b)
        if key not in arcs:
            arcs[key] = len(tail)
            tail.append(a)
            head.append(b)
            prob.append(p)
        return arcs[key]

    for (a, b), p in sorted(pair_p.items()):
        arc(a, b, p)
        arc(b, a, p)
    vn, vo, vg, an, ao, ap = [], [], [], [], [], []
    effects = []
    flat_labels = labels.ravel()
    for o, act in enumerate(actions):
        said = []
        if act.source:
            new = act.cells[flat_labels[act.cells] == 0]
            if len(new):
                node = len(q)
                q.append(0.0)
                node_ids.append(f"new:{o + 1}")
                vn.append(node)
                vo.append(o)
                vg.append(len(new) * base.grid.cell_area_m2 / 1e6)
                dist = _new_node_distances(base, act.cells, new, distance, source_costs, max_cost)
                for i, d in dist.items():
                    p = float(np.exp(-k * d))
                    for x, y in ((node, i), (i, node)):
                        an.append(arc(x, y, 0.0))
                        ao.append(o)
                        ap.append(p)
                said.append(f"node added ({vg[-1]:.4g} km², {len(dist)} arcs)")
        if act.resistance is not None and distance == "least_cost":
            touched = [pair for pair, cells in path_cells.items() if np.isin(cells, act.cells).any()]
            if act.link is not None:
                ends = _link_pair(act.link, labels, base.grid, index)
                if ends is not None and ends not in touched and (ends[1], ends[0]) not in touched:
                    touched.append(ends)
            if touched:
                surface = base.surface.copy()
                flat = surface.ravel()
                flat[act.cells] = np.fmin(flat[act.cells], act.resistance)
                partners: dict[int, list[int]] = {}
                for a, b in touched:
                    partners.setdefault(int(ids[a]), []).append(int(ids[b]))
                better = 0
                for sc in source_costs(surface, labels, cell, partners, trace=False):
                    for partner, (lcd, _) in sc.reached.items():
                        a, b = index[sc.source], index[int(partner)]
                        p = float(np.exp(-k * lcd))
                        if p > pair_p.get((min(a, b), max(a, b)), 0.0) * (1 + 1e-12):
                            better += 1
                            for x, y in ((a, b), (b, a)):
                                an.append(arc(x, y, 0.0))
                                ao.append(o)
                                ap.append(p)
                said.append(f"{better} of {len(touched)} crossing pairs cheaper")
        effects.append("; ".join(said) or "no effect on the network")
    inst = Instance(
        node_ids=tuple(node_ids),
        q=np.asarray(q),
        arc_ids=tuple(f"{node_ids[a]}->{node_ids[b]}" for a, b in zip(tail, head)),
        tail=np.asarray(tail, dtype=np.int64),
        head=np.asarray(head, dtype=np.int64),
        p=np.asarray(prob),
        option_ids=tuple(str(o + 1) for o in range(len(actions))),
        cost=np.asarray([a.cost for a in actions], dtype=float),
        node_gain=(np.asarray(vn, int), np.asarray(vo, int), np.asarray(vg)),
        arc_gain=(np.asarray(an, int), np.asarray(ao, int), np.asarray(ap)),
        name="study",
    )
    return PlanNetwork(inst, ids, list(actions), effects)


def _link_pair(link, labels, grid, index):
    """The (node, node) pair a corridor's two end points fall in, if both are in sources."""
    from rasterio.transform import rowcol

    out = []
    for x, y in link:
        r, c = rowcol(grid.transform, x, y)
        if not (0 <= r < labels.shape[0] and 0 <= c < labels.shape[1]) or labels[r, c] == 0:
            return None
        out.append(index[int(labels[r, c])])
    return (out[0], out[1]) if out[0] != out[1] else None


def _new_node_distances(base, cells, new, distance, source_costs, max_cost) -> dict[int, float]:
    """Distance from a new patch to each source (node index -> distance, as the study measures)."""
    table = base.sources.table
    if distance == "least_cost":
        labels = base.sources.labels.copy()
        label = int(labels.max()) + 1
        labels.ravel()[new] = label
        partners = {label: [int(s) for s in table["id"]]}
        index = {int(s): i for i, s in enumerate(table["id"])}
        out = {}
        for sc in source_costs(base.surface, labels, base.grid.cell_size_m, partners, max_cost=max_cost, trace=False):
            for partner, (lcd, _) in sc.reached.items():
                if max_cost is None or lcd <= max_cost:
                    out[index[int(partner)]] = float(lcd)
        # a patch that touches a source: distance 0 (the pair is one patch)
        touching = np.unique(base.sources.labels.ravel()[_neighbours(cells, base.grid.shape)])
        for s in touching[touching > 0]:
            out[index[int(s)]] = 0.0
        return out
    geom = _cells_polygon(cells, base.grid)
    if distance == "centroid":
        d = table.geometry.centroid.distance(geom.centroid).to_numpy()
    else:
        d = table.geometry.distance(geom).to_numpy()
    return {i: float(v) for i, v in enumerate(d)}


def _neighbours(cells: np.ndarray, shape) -> np.ndarray:
    h, w = shape
    r, c = np.divmod(cells, w)
    out = []
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            rr, cc = r + dr, c + dc
            ok = (rr >= 0) & (rr < h) & (cc >= 0) & (cc < w)
            out.append(rr[ok] * w + cc[ok])
    return np.unique(np.concatenate(out))


def candidates_table(net: PlanNetwork, chosen, grid, marginal=None) -> pd.DataFrame:
    """One row per candidate: option, kind, label, footprint (ha), cost, effect, chosen and the
    ECA (km²) the plan loses without it."""
    cell_ha = grid.cell_area_m2 / 1e4
    rows = []
    for o, (a, eff) in enumerate(zip(net.actions, net.effects)):
        rows.append(
            {
                "option": o + 1,
                "kind": a.kind,
                "label": a.label,
                "area_ha": len(a.cells) * cell_ha,
                "cost": a.cost,
                "effect": eff,
                "chosen": bool(chosen[o]),
                "marginal_ECA_km2": np.nan if marginal is None else marginal[o],
            }
        )
    return pd.DataFrame(rows)


__all__ = ["PlanNetwork", "candidates_table", "plan_network"]
