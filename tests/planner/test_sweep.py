"""Budget sweep and the epsilon-constraint front against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from econet.planner import budget_sweep, pareto_front
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
