"""The robustness of a plan's network: the area under the targeted-attack curve of S, the largest
component's share of the intact network, as nodes are removed in descending degree (or
betweenness), over the removed fraction 0..1 (Holme et al. 2002; the Xuzhou SEEC preprint's and
Tong et al. 2025's validation; econet.network.robustness computes the curve).

The plan's network is the instance's graph after the chosen options: its nodes are those of
quality > 0 (a node an option adds appears when it is chosen), its edges the node pairs joined by
an arc of probability > 0 in either direction. The area is in [0, 1] (larger: the network
holds together longer under attack); it is not additive over the options, so the planner's
front evaluates it per plan (:func:`econet.planner.sweep.pareto_front`).
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from econet.network import curve_summary, targeted_attack
from econet.planner.instance import Instance


def plan_graph(inst: Instance, chosen) -> nx.Graph:
    """The undirected network of the plan ``chosen`` (bool per option): node indices of quality
    > 0, an edge where an arc of probability > 0 joins two of them."""
    q, p = inst.applied(np.asarray(chosen, dtype=bool))
    present = q > 0
    g = nx.Graph()
    g.add_nodes_from(int(v) for v in np.flatnonzero(present))
    ok = (p > 0) & present[inst.tail] & present[inst.head] & (inst.tail != inst.head)
    g.add_edges_from(zip(inst.tail[ok].tolist(), inst.head[ok].tolist()))
    return g


def targeted_area(
    inst: Instance, chosen, *, by: str = "degree", recalculate: bool = True, recovery: str = "neighbour"
) -> float:
    """Area under the S curve of the targeted node attack on the plan's network (0 without a
    node); ``by``, ``recalculate`` and ``recovery`` as the study's ``[robustness]``."""
    g = plan_graph(inst, chosen)
    if g.number_of_nodes() == 0:
        return 0.0
    curve = targeted_attack(g, by=by, recalculate=recalculate, recovery=recovery)
    summary = curve_summary(curve, metrics=("S",))
    return float(summary["area"].iloc[0]) if len(summary) else 0.0


__all__ = ["plan_graph", "targeted_area"]
