"""Budget sweep and the epsilon-constraint front against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from econet.planner import Instance, budget_sweep, pareto_front
from econet.planner.robustness import targeted_area
from econet.planner.sweep import links_added, non_dominated
from tests.planner.test_solve import brute_force, random_instance


def test_sweep_is_the_brute_force_optimum_at_each_budget():
    rng = np.random.default_rng(21)
    inst = random_instance(rng, 8)
    budgets = [0.25 * inst.cost.sum(), 0.5 * inst.cost.sum(), inst.cost.sum()]
    t = budget_sweep(inst, budgets, ("mip", "greedy-incremental"))
    mip = t[t["algorithm"] == "mip"]
    assert mip["PCnum"].tolist() == pytest.approx([brute_force(inst, b) for b in budgets], rel=1e-9)
    assert np.all(np.diff(mip["ECA"]) >= -1e-12)
    greedy = t[t["algorithm"] == "greedy-incremental"]
    assert np.all(greedy["PCnum"].to_numpy() <= mip["PCnum"].to_numpy() * (1 + 1e-12))
    assert np.all(mip["gap"] == 0) and greedy["gap"].isna().all()


def test_front_points_are_the_best_eca_for_their_second_objective():
    rng = np.random.default_rng(5)
    inst = random_instance(rng, 8)
    w = rng.uniform(0, 5, 8)
    budget = 0.5 * inst.cost.sum()
    front = pareto_front(inst, budget, w, steps=4)
    assert len(front) >= 1
    plans = []
    for r in range(9):
        for sub in itertools.combinations(range(8), r):
            x = np.zeros(8, bool)
            x[list(sub)] = True
            if inst.total_cost(x) <= budget:
                plans.append((np.sqrt(inst.pc_num(x)), float(w[x].sum())))
    for row in front.itertuples():
        best = max(e for e, s in plans if s >= row.second * (1 - 1e-9))
        assert row.ECA == pytest.approx(best, rel=1e-9)
    assert np.all(np.diff(front["second"]) > 0) and np.all(np.diff(front["ECA"]) < 0)


def _three_objective_case():
    """Nodes A, B, D of quality 1, no arcs; budget 1 buys one of three options of cost 1:
    o_link joins A and B (p 0.9), o_gain adds 1 to A's quality, o_new adds an isolated node C
    of quality 1 with a carbon sink of 3 t/a."""
    inst = Instance(
        ("A", "B", "D", "C"), np.array([1.0, 1.0, 1.0, 0.0]), ("AB", "BA"), np.array([0, 1]), np.array([1, 0]),
        np.zeros(2), ("o_link", "o_gain", "o_new"), np.ones(3),
        (np.array([0, 3]), np.array([1, 2]), np.array([1.0, 1.0])),
        (np.array([0, 1]), np.array([0, 0]), np.array([0.9, 0.9])),
    )  # fmt: skip
    return inst, np.array([0.0, 0.0, 3.0])


def test_three_objective_front_keeps_each_best_plan():
    inst, carbon = _three_objective_case()
    front = pareto_front(inst, 1.0, carbon, steps=2, robustness=lambda x: targeted_area(inst, x))
    got = {row.chosen: (row.PCnum, row.second, row.robustness) for row in front.itertuples()}
    # PCnum: o_gain 2² + 1 + 1 = 6; o_link 3 + 2 × 0.9 = 4.8; o_new 4 isolated nodes = 4.
    # Targeted degree attack, S = C / N over the removed fraction (trapezoids): three isolated
    # nodes 1/3, 1/3, 1/3, 0 -> 5/18; four isolated 1/4 ×4, 0 -> 7/32; A-B and D: removing A
    # leaves B and D apart: 2/3, 1/3, 1/3, 0 -> 1/3.
    assert got == {
        "o_gain": (pytest.approx(6.0), 0.0, pytest.approx(5 / 18)),
        "o_link": (pytest.approx(4.8), 0.0, pytest.approx(1 / 3)),
        "o_new": (pytest.approx(4.0), 3.0, pytest.approx(7 / 32)),
    }
    # without robustness o_link is dominated (less ECA than o_gain, no more carbon)
    two = pareto_front(inst, 1.0, carbon, steps=2)
    assert sorted(two["chosen"]) == ["o_gain", "o_new"]


def test_non_dominated_by_hand():
    table = pd.DataFrame(
        {"a": [3, 2, 2, 1, 3], "b": [1, 2, 1, 3, 1], "c": [0, 0, 0, 0, 0]}
    )  # row 2 is dominated by row 1; rows 0 and 4 tie (neither dominates)
    assert non_dominated(table, ["a", "b", "c"]).tolist() == [True, True, False, True, True]
    assert non_dominated(table, ["a"]).tolist() == [True, False, False, False, True]


def test_links_added_counts_new_pairs_once():
    inst, _ = _three_objective_case()
    assert links_added(inst).tolist() == [1, 0, 0]
