"""The report's reading of the attack curves, checked against the definitions it explains
(econet.network.robustness): R rises back to 1 at the end, and a targeted attack can keep D
above the random attack's while it splits the network faster."""

import networkx as nx
import numpy as np

from econet.network.robustness import random_attack, targeted_attack
from econet.stages.robustness import reading


def _two_level_tree() -> nx.Graph:
    """A hub (0) with five branches (1-5), each with two leaves: 16 sources, 15 corridors."""
    g = nx.Graph()
    leaf = 6
    for branch in range(1, 6):
        g.add_edge(0, branch)
        for _ in range(2):
            g.add_edge(branch, leaf)
            leaf += 1
    return g


def test_r_is_one_when_one_source_is_left_and_undefined_when_none():
    g = _two_level_tree()
    for curve in (targeted_attack(g, "degree", True), random_attack(g, repeats=50, seed=0)):
        assert curve["R"].iloc[-2] == 1.0 and np.isnan(curve["R"].iloc[-1])
        assert curve["S"].iloc[-2] == 1 / 16  # S, the share of the intact network, does not rise


def test_targeted_attack_splits_faster_but_keeps_d_above_random():
    g = _two_level_tree()
    targeted, rand = targeted_attack(g, "degree", True), random_attack(g, repeats=200, seed=0)
    # Removing the hub leaves five groups of three: S = 3/16 at once; random removal keeps more.
    assert targeted["S"].iloc[1] == 3 / 16 and rand["S"].iloc[1] > 0.5
    # The hub and then the branches are removed first; each keeps a surviving neighbour, so every
    # removed source is recovered for five removals (hand count), while random removal loses some.
    assert (targeted["D"].iloc[:6] == 1.0).all() and targeted["D"].iloc[6] == 15 / 16
    assert (rand["D"].iloc[3:6] < 1.0).all()


def test_reading_names_both_shapes_and_the_recovery_rule():
    text = reading("neighbour")
    assert "rises back to 1 at the end" in text and "can lie above the random curves" in text
    assert "at least one of its neighbours" in text
    assert "largest surviving component" in reading("largest-component")
