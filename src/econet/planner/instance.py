"""A budgeted connectivity problem: a directed graph of habitat nodes, restoration options with
costs, and what each option does to the graph (Hamonic, Albert, Couëtoux & Vaxès, Networks 2023,
arXiv 2109.06622; the objective is the PC numerator of Saura & Pascual-Hortal 2007).

Every effect of an action on the network is one of two kinds, as in GECOT: a node's quality
(area) rises by a gain, or an arc's probability rises to an improved value. A node that an
action adds is a node of quality 0 with a gain; an arc it adds is an arc of probability 0 with
an improved value. The objective is

    PCnum = Σ_s Σ_t q_s q_t P*(s, t)      (ordered pairs, s = t included)

with P* the most reliable path probability after the chosen options; ECA = √PCnum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Instance:
    """Nodes (``node_ids``, quality ``q`` ≥ 0 in area units), directed arcs (``arc_ids``,
    ``tail``, ``head`` as node indices, probability ``p`` in [0, 1]), options (``option_ids``,
    ``cost`` ≥ 0 in currency units), and the options' effects: ``node_gain`` rows (node, option,
    gain in area units) and ``arc_gain`` rows (arc, option, improved probability)."""

    node_ids: tuple[str, ...]
    q: np.ndarray
    arc_ids: tuple[str, ...]
    tail: np.ndarray
    head: np.ndarray
    p: np.ndarray
    option_ids: tuple[str, ...]
    cost: np.ndarray
    node_gain: tuple[np.ndarray, np.ndarray, np.ndarray] = (np.zeros(0, int), np.zeros(0, int), np.zeros(0))
    arc_gain: tuple[np.ndarray, np.ndarray, np.ndarray] = (np.zeros(0, int), np.zeros(0, int), np.zeros(0))
    name: str = ""

    def __post_init__(self):
        n, m, k = len(self.node_ids), len(self.arc_ids), len(self.option_ids)
        q, p, cost = (np.asarray(a, dtype=float) for a in (self.q, self.p, self.cost))
        tail, head = (np.asarray(a, dtype=np.int64) for a in (self.tail, self.head))
        if q.shape != (n,) or p.shape != (m,) or tail.shape != (m,) or head.shape != (m,) or cost.shape != (k,):
            raise ValueError("instance arrays do not match the numbers of nodes, arcs and options")
        if np.any(~np.isfinite(q)) or np.any(q < 0):
            raise ValueError("node qualities must be finite and >= 0")
        if np.any(~(p >= 0) | (p > 1)):
            raise ValueError("arc probabilities must lie in [0, 1]")
        if np.any(~np.isfinite(cost)) or np.any(cost < 0):
            raise ValueError("option costs must be finite and >= 0")
        ng = tuple(np.asarray(a, dtype=t) for a, t in zip(self.node_gain, (np.int64, np.int64, float)))
        ag = tuple(np.asarray(a, dtype=t) for a, t in zip(self.arc_gain, (np.int64, np.int64, float)))
        if np.any(~np.isfinite(ng[2])) or np.any(ng[2] < 0):
            raise ValueError("quality gains must be finite and >= 0")
        if np.any(~(ag[2] >= 0) | (ag[2] > 1)):
            raise ValueError("improved probabilities must lie in [0, 1]")
        for name, value in (("q", q), ("p", p), ("cost", cost), ("tail", tail), ("head", head)):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "node_gain", ng)
        object.__setattr__(self, "arc_gain", ag)

    @property
    def n(self) -> int:
        return len(self.node_ids)

    @property
    def n_options(self) -> int:
        return len(self.option_ids)

    def effects(self, option: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(nodes, gains, arcs, improved probabilities) of one option."""
        vn, vo, vg = self.node_gain
        an, ao, ap = self.arc_gain
        return vn[vo == option], vg[vo == option], an[ao == option], ap[ao == option]

    def applied(self, chosen) -> tuple[np.ndarray, np.ndarray]:
        """Node qualities and arc probabilities with the ``chosen`` options (bool per option)."""
        chosen = np.asarray(chosen, dtype=bool)
        q = self.q.copy()
        vn, vo, vg = self.node_gain
        np.add.at(q, vn[chosen[vo]], vg[chosen[vo]])
        p = self.p.copy()
        an, ao, ap = self.arc_gain
        np.maximum.at(p, an[chosen[ao]], ap[chosen[ao]])
        return q, p

    def best_paths(self, p: np.ndarray, sources=None) -> np.ndarray:
        """P*(s, t) for every source row s (all nodes by default) under arc probabilities ``p``."""
        from econet.connectivity import directed_best_probabilities

        return directed_best_probabilities(self.n, self.tail, self.head, p, sources)

    def pc_num(self, chosen=None) -> float:
        """The PC numerator (area units squared) with the ``chosen`` options (none by default)."""
        chosen = np.zeros(self.n_options, bool) if chosen is None else chosen
        q, p = self.applied(chosen)
        return float(q @ self.best_paths(p) @ q)

    def total_cost(self, chosen) -> float:
        return float(self.cost[np.asarray(chosen, dtype=bool)].sum())


__all__ = ["Instance"]
