"""PC/dPC on hand cases; topology and robustness on graphs with known answers."""

from __future__ import annotations

import networkx as nx
import numpy as np

from econet.connectivity import pc_indices
from econet.network import network_summary, node_metrics, random_attack, targeted_attack


def test_pc_two_nodes_by_hand():
    overall, nodes = pc_indices(np.array([1.0, 2.0]), np.array([[0, 100.0], [100, 0]]), 100, 0.5, 10)
    assert np.isclose(overall["PCnum"], 1 + 4 + 2 * 2 * 0.5)
    assert np.isclose(overall["PC"], 7 / 100) and np.isclose(overall["EC(PC)"], np.sqrt(7))
    assert np.allclose(nodes["dPC"], [100 * (7 - 4) / 7, 100 * (7 - 1) / 7])
    assert np.allclose(nodes["dPCintra"] + nodes["dPCflux"] + nodes["dPCconnector"], nodes["dPC"])


def test_pc_touching_patches_and_stepping_stone():
    # Nodes 0 and 1 touch (d = 0, p = 1); 2 is reached best through 1 (a stepping stone).
    d = np.array([[0, 0, 300.0], [0, 0, 100], [300, 100, 0]])
    overall, nodes = pc_indices(np.ones(3), d, 100, 0.5, 1)
    p = np.array([[1, 1, 0.5], [1, 1, 0.5], [0.5, 0.5, 1]])
    assert np.isclose(overall["PCnum"], p.sum())
    # Without node 1, 0-2 falls to p(300) = 0.125: node 1 is a connector.
    assert np.isclose(nodes.loc[1, "dPC"], 100 * (p.sum() - (2 + 2 * 0.125)) / p.sum())
    assert nodes.loc[1, "dPCconnector"] > 0 and np.isclose(nodes.loc[0, "dPCconnector"], 0, atol=1e-12)


def test_topology_star_gephi_betweenness():
    g = nx.star_graph(4)  # centre 0 with four leaves
    m = node_metrics(g).set_index("id")
    assert m.loc[0, "degree"] == 4 and m.loc[0, "betweenness"] == 6  # C(4,2) leaf pairs
    assert np.isclose(m.loc[0, "betweenness_norm"], 1.0) and m.loc[1, "betweenness"] == 0
    s = network_summary(g)
    assert s["components"] == 1 and s["diameter_hops"] == 2 and np.isclose(s["average_path_length_hops"], 1.6)


def test_targeted_attack_on_star_and_path():
    star = targeted_attack(nx.star_graph(4), "degree", recalculate=True)
    # removing the hub leaves 4 isolated leaves: C = 1 of 4 remaining
    assert np.allclose(star["R"], [1, 1 / 4, 1 / 3, 1 / 2, 1, np.nan], equal_nan=True)  # R: 0/0 at the end
    assert np.allclose(star["S"], [1, 1 / 5, 1 / 5, 1 / 5, 1 / 5, 0])
    path = targeted_attack(nx.path_graph(5), "betweenness", recalculate=True)
    # 0-1-2-3-4: the centre 2 goes first ({0,1}, {3,4}: C = 2 of 4); then every betweenness
    # is 0 and ties go to the lowest id: 0 ({1}, {3,4}: 2 of 3), 1 ({3,4}: 2 of 2), 3, 4.
    assert np.allclose(path["R"], [1, 2 / 4, 2 / 3, 1, 1, np.nan], equal_nan=True)
    assert np.allclose(path["S"], [1, 2 / 5, 2 / 5, 2 / 5, 1 / 5, 0])


def test_complete_graph_random_attack_keeps_connected_and_is_seeded():
    g = nx.complete_graph(6)
    a = random_attack(g, repeats=10, seed=3)
    assert np.allclose(a["R"].iloc[:-1], 1.0) and np.allclose(a["R_sd"].iloc[:-1], 0)
    p = nx.path_graph(8)
    assert random_attack(p, 15, seed=1).equals(random_attack(p, 15, seed=1))
    assert not random_attack(p, 15, seed=1).equals(random_attack(p, 15, seed=2))


def test_dpc_shortcut_equals_brute_force_removal():
    rng = np.random.default_rng(5)
    pts = rng.uniform(0, 10000, (40, 2))
    d = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))
    d = np.maximum(d - 600, 0)  # patches with extent: some touch, some are stepping stones
    attr = rng.uniform(1, 50, 40)
    overall, nodes = pc_indices(attr, d, 2000, 0.5, 1e4)
    for i in range(40):
        keep = np.arange(40) != i
        sub, _ = pc_indices(attr[keep], d[np.ix_(keep, keep)], 2000, 0.5, 1e4)
        assert np.isclose(nodes.loc[i, "dPC"], 100 * (overall["PCnum"] - sub["PCnum"]) / overall["PCnum"], rtol=1e-10)
    assert (nodes["dPCconnector"] > 1e-9).any() and (nodes["dPCconnector"].abs() < 1e-9).any()
