"""Robustness: hand-derived curves on star, path and complete graphs, the fast kernels against
brute force, seeded reproducibility, curve summaries, before/after comparison."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from econet.errors import EconetError
from econet.network import (
    attack_curves,
    compare_networks,
    curve_summary,
    edge_attack_curve,
    node_attack_curve,
    random_attack,
    targeted_attack,
    targeted_order,
)


def test_star_targeted_by_hand():
    # Hub 0 first: C = 1 of the 4 leaves left; the hub is recovered (its leaves survive), so D = E = 1.
    # Then leaves 1..4: each is lost (its only neighbour, the hub, is gone) with its corridor;
    # the hub itself is lost when its last leaf goes.
    for recalculate in (True, False):
        c = targeted_attack(nx.star_graph(4), "degree", recalculate)
        assert c["strategy"].iloc[0] == f"targeted-degree-{'recalculated' if recalculate else 'static'}"
        assert np.allclose(c["R"], [1, 1 / 4, 1 / 3, 1 / 2, 1, np.nan], equal_nan=True)
        assert np.allclose(c["S"], [1, 1 / 5, 1 / 5, 1 / 5, 1 / 5, 0])
        assert np.allclose(c["D"], [1, 1, 4 / 5, 3 / 5, 2 / 5, 0])
        assert np.allclose(c["E"], [1, 1, 3 / 4, 2 / 4, 1 / 4, 0])


def test_path_targeted_betweenness_by_hand_both_recovery_readings():
    # 0-1-2-3-4, betweenness recalculated: 2 (centre), then all 0 and ties to the lower id: 0, 1, 3, 4.
    g = nx.path_graph(5)
    assert targeted_order(g, "betweenness", True) == [2, 0, 1, 3, 4]
    c = targeted_attack(g, "betweenness", True)
    assert np.allclose(c["R"], [1, 2 / 4, 2 / 3, 1, 1, np.nan], equal_nan=True)
    # neighbour: after {2, 0} every removed node still touches a survivor (2-1, 2-3, 0-1);
    # after 1: 0 and 1 lost (corridors 0-1, 1-2); after 3: 2 lost too (2-3).
    assert np.allclose(c["D"], [1, 1, 1, 3 / 5, 2 / 5, 0])
    assert np.allclose(c["E"], [1, 1, 1, 2 / 4, 1 / 4, 0])
    # largest-component: after {2, 0} the largest piece is {3, 4}; 0 touches only {1}: lost.
    lc = targeted_attack(g, "betweenness", True, recovery="largest-component")
    assert np.allclose(lc["D"], [1, 1, 4 / 5, 3 / 5, 2 / 5, 0])
    assert np.allclose(lc["E"], [1, 1, 3 / 4, 2 / 4, 1 / 4, 0])
    # static degree ranking: 1, 2, 3 (degree 2, by id), then 0, 4
    assert targeted_order(g, "degree", False) == [1, 2, 3, 0, 4]


def test_complete_graph_random_attack_by_hand():
    # K6 stays connected: R = 1; S = (N - Nr)/N; nothing is lost before the last node goes.
    a = random_attack(nx.complete_graph(6), repeats=10, seed=3)
    assert np.allclose(a["R"].iloc[:-1], 1) and np.isnan(a["R"].iloc[-1])
    assert np.allclose(a["S"], 1 - np.arange(7) / 6)
    assert np.allclose(a["D"], [1, 1, 1, 1, 1, 1, 0]) and np.allclose(a["E"], [1, 1, 1, 1, 1, 1, 0])
    assert np.allclose(a[["S_sd", "D_sd", "E_sd"]], 0) and np.allclose(a["R_sd"].iloc[:-1], 0)
    s = curve_summary(a).set_index("metric")
    assert (
        np.isclose(s.loc["S", "slope"], -1) and np.isclose(s.loc["S", "r2"], 1) and np.isclose(s.loc["S", "area"], 0.5)
    )
    assert np.isclose(s.loc["R", "slope"], 0, atol=1e-12) and np.isclose(s.loc["R", "area"], 5 / 6)  # NaN end left out
    assert s.loc["D", "first_below_1"] == 6 and s.loc["S", "first_below_1"] == 1
    half = curve_summary(a, ["D"], fit_range=(0, 0.5)).set_index("metric")
    assert np.isclose(half.loc["D", "slope"], 0, atol=1e-12) and np.isclose(half.loc["D", "area"], 5 / 6 + 1 / 12)


def test_edge_attacks_by_hand():
    # Path 0-1-2-3-4: edge betweenness 4, 6, 6, 4: (1,2) first, then (2,3), then (0,1), (3,4).
    g = nx.path_graph(5)
    for recalculate in (True, False):
        c = targeted_attack(g, "betweenness", recalculate, element="edge")
        assert np.allclose(c["S"], [1, 3 / 5, 2 / 5, 2 / 5, 1 / 5]) and list(c["components"]) == [1, 2, 3, 4, 5]
    # Star: every edge has degree product 4 x 1; any order leaves one more isolated leaf.
    s = edge_attack_curve(nx.star_graph(4), [(0, 3), (0, 1), (0, 4), (0, 2)])
    assert np.allclose(s["S"], [1, 4 / 5, 3 / 5, 2 / 5, 1 / 5])
    r = random_attack(nx.cycle_graph(6), repeats=20, seed=0, element="edge")
    assert np.allclose(r["S"].iloc[:2], 1) and np.allclose(r["S_sd"].iloc[:2], 0)  # a cycle survives one cut


def _brute(g, order, recovery):
    """Direct definitions with networkx, one state at a time."""
    out = []
    nodes = list(g.nodes)
    for j in range(len(order) + 1):
        gone = set(order[:j])
        h = g.subgraph([v for v in nodes if v not in gone])
        comps = list(nx.connected_components(h))
        c = max((len(x) for x in comps), default=0)
        if recovery == "neighbour":
            donors = set(h.nodes)
        else:
            donors = set().union(*[x for x in comps if len(x) == c]) if comps else set()
        present = set(h.nodes) | {v for v in gone if any(w in donors for w in g[v])}
        lost_edges = sum(1 for u, v in g.edges if u not in present or v not in present)
        out.append((c, len(comps), 1 - (len(nodes) - len(present)) / len(nodes), 1 - lost_edges / g.number_of_edges()))
    return np.array(out)


@pytest.mark.parametrize("recovery", ["neighbour", "largest-component"])
def test_kernels_equal_brute_force(recovery):
    rng = np.random.default_rng(11)
    for k in range(4):
        g = nx.gnm_random_graph(30, 40 + 10 * k, seed=k)
        order = list(rng.permutation(30))
        got = node_attack_curve(g, order, recovery)
        ref = _brute(g, order, recovery)
        assert np.allclose(got[["C", "components", "D", "E"]].to_numpy(float), ref)
        eorder = [tuple(e) for e in rng.permutation(np.array(g.edges))]
        ge = edge_attack_curve(g, eorder)
        for j in range(len(eorder) + 1):
            h = nx.Graph(list(g.edges))
            h.add_nodes_from(g)
            h.remove_edges_from(eorder[:j])
            assert ge["C"].iloc[j] == max(len(x) for x in nx.connected_components(h))


def test_random_attacks_are_reproducible_for_a_seed():
    g = nx.gnm_random_graph(40, 70, seed=2)
    a, b = attack_curves(g, 15, seed=1), attack_curves(g, 15, seed=1)
    assert a.equals(b)
    assert not random_attack(g, 15, seed=1).equals(random_attack(g, 15, seed=2))
    assert random_attack(g, 15, seed=1, element="edge").equals(random_attack(g, 15, seed=1, element="edge"))


def test_before_after_comparison_favours_the_added_corridors():
    before = nx.path_graph(12)
    after = before.copy()
    after.add_edges_from([(0, 11), (3, 8), (2, 6)])  # a ring with chords: more redundant
    c = compare_networks({"before": before, "after": after}, repeats=50, seed=0)
    assert set(c["network"]) == {"before", "after"}
    s = curve_summary(c).set_index(["network", "strategy", "metric"])
    for metric in ("S", "R", "D", "E"):
        assert s.loc[("after", "random", metric), "area"] > s.loc[("before", "random", metric), "area"]
    assert len(c[c["network"] == "after"]) == len(c[c["network"] == "before"]) == 2 * 13


def test_bad_inputs():
    g = nx.path_graph(4)
    with pytest.raises(EconetError, match="every node"):
        node_attack_curve(g, [0, 1, 2])
    with pytest.raises(EconetError, match="recovery"):
        random_attack(g, 3, recovery="magic")
    with pytest.raises(EconetError, match="degree"):
        targeted_attack(g, "closeness")
