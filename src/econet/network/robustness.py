"""Robustness under node attack (seed 000 §3.6.1, seed 004 §2.2.4).

After removing N_r of N nodes, the connectivity R = C / (N - N_r) with C the size of the
largest component (seed 004); the largest component's share of the original network
S = C / N is reported too. Random attacks are repeated with a seeded generator and summarised
by mean and standard deviation; targeted attacks remove the node with the highest degree or
betweenness, the ranking recalculated after each removal or fixed at the start (named in
the output's ``strategy``).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd


def _curve(g: nx.Graph, order) -> tuple[np.ndarray, np.ndarray]:
    """R and S after each removal in ``order`` (index 0 = intact network)."""
    h = g.copy()
    n = g.number_of_nodes()
    r, s = [1.0 if n else 0.0], [1.0 if n else 0.0]
    for k, node in enumerate(order, start=1):
        h.remove_node(node)
        c = max((len(cc) for cc in nx.connected_components(h)), default=0)
        left = n - k
        r.append(c / left if left else 0.0)
        s.append(c / n)
    return np.array(r), np.array(s)


def random_attack(g: nx.Graph, repeats: int = 100, seed: int = 0) -> pd.DataFrame:
    """Mean and standard deviation of R and S over ``repeats`` random removal orders."""
    rng = np.random.default_rng(seed)
    nodes = np.array(list(g.nodes))
    rs, ss = [], []
    for _ in range(repeats):
        r, s = _curve(g, rng.permutation(nodes).tolist())
        rs.append(r)
        ss.append(s)
    rs, ss = np.array(rs), np.array(ss)
    return _frame("random", rs.mean(0), ss.mean(0), rs.std(0), ss.std(0))


def targeted_attack(g: nx.Graph, by: str = "degree", recalculate: bool = True) -> pd.DataFrame:
    """Remove nodes in descending ``by`` ("degree" or "betweenness"); ties go to the lower id."""
    score = {"degree": lambda h: dict(h.degree()), "betweenness": nx.betweenness_centrality}[by]
    h = g.copy()
    order = []
    fixed = score(g)
    while h.number_of_nodes():
        sc = score(h) if recalculate else {v: fixed[v] for v in h}
        node = min(h.nodes, key=lambda v: (-sc[v], v))
        order.append(node)
        h.remove_node(node)
    r, s = _curve(g, order)
    name = f"targeted-{by}-{'recalculated' if recalculate else 'static'}"
    return _frame(name, r, s)


def attack_curves(g: nx.Graph, repeats: int, seed: int, by: str, recalculate: bool) -> pd.DataFrame:
    return pd.concat([random_attack(g, repeats, seed), targeted_attack(g, by, recalculate)], ignore_index=True)


def _frame(strategy, r, s, r_sd=None, s_sd=None) -> pd.DataFrame:
    n = len(r) - 1
    out = pd.DataFrame(
        {
            "strategy": strategy,
            "removed": np.arange(n + 1),
            "removed_fraction": np.arange(n + 1) / max(n, 1),
            "R": r,
            "S": s,
        }
    )
    if r_sd is not None:
        out["R_sd"] = r_sd
        out["S_sd"] = s_sd
    return out
