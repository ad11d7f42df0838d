"""The budgeted planner's solvers against brute force, GECOT's greedy trap and an independent
recomputation of the objective (most reliable paths by networkx)."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from econet.errors import EconetError
from econet.planner.gecot import read_instance
from econet.planner.instance import Instance
from econet.planner.solve import greedy_decremental, greedy_incremental, mip, preprocess, solve

GECOT = Path(__file__).parents[1] / "fixtures" / "gecot"


def pc_num_networkx(inst: Instance, chosen) -> float:
    """Σ q_s q_t P*(s, t) from scratch: options applied by hand, best paths as shortest -ln p."""
    q = inst.q.copy()
    p = inst.p.copy()
    vn, vo, vg = inst.node_gain
    an, ao, ap = inst.arc_gain
    for o in np.flatnonzero(chosen):
        for v, g in zip(vn[vo == o], vg[vo == o]):
            q[v] += g
        for a, pa in zip(an[ao == o], ap[ao == o]):
            p[a] = max(p[a], pa)
    G = nx.DiGraph()
    G.add_nodes_from(range(inst.n))
    for a in range(len(p)):
        if p[a] > 0:
            u, v, w = int(inst.tail[a]), int(inst.head[a]), -math.log(p[a])
            if not G.has_edge(u, v) or G[u][v]["w"] > w:
                G.add_edge(u, v, w=w)
    total = 0.0
    for s in range(inst.n):
        if q[s] == 0:
            continue
        for t, d in nx.single_source_dijkstra_path_length(G, s, weight="w").items():
            total += q[s] * q[t] * math.exp(-d)
    return total


def brute_force(inst: Instance, budget: float) -> float:
    best = 0.0
    for r in range(inst.n_options + 1):
        for subset in itertools.combinations(range(inst.n_options), r):
            chosen = np.zeros(inst.n_options, bool)
            chosen[list(subset)] = True
            if inst.total_cost(chosen) <= budget:
                best = max(best, inst.pc_num(chosen))
    return best


def random_instance(rng: np.random.Generator, n_options: int) -> Instance:
    """A random symmetric landscape graph with node and arc options; some arcs start at 0 (an
    arc an option adds), some nodes at quality 0 (a node an option adds)."""
    n = int(rng.integers(4, 10))
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.5]
    tail, head, p = [], [], []
    for i, j in pairs:
        pij = 0.0 if rng.random() < 0.2 else float(rng.uniform(0.05, 1.0))
        tail += [i, j]
        head += [j, i]
        p += [pij, pij]
    q = np.where(rng.random(n) < 0.2, 0.0, rng.uniform(0.5, 10.0, n))
    vn, vo, vg, an, ao, ap = [], [], [], [], [], []
    for o in range(n_options):
        if pairs and rng.random() < 0.6:
            e = int(rng.integers(len(pairs)))
            better = float(rng.uniform(p[2 * e], 1.0))
            an += [2 * e, 2 * e + 1]
            ao += [o, o]
            ap += [better, better]
        if not pairs or rng.random() < 0.5:
            vn.append(int(rng.integers(n)))
            vo.append(o)
            vg.append(float(rng.uniform(0.5, 8.0)))
    cost = rng.integers(1, 10, n_options).astype(float)
    return Instance(
        tuple(map(str, range(n))), q, tuple(map(str, range(len(p)))), np.array(tail, int), np.array(head, int),
        np.array(p), tuple(f"o{o}" for o in range(n_options)), cost,
        (np.array(vn, int), np.array(vo, int), np.array(vg)), (np.array(an, int), np.array(ao, int), np.array(ap)),
    )  # fmt: skip


def test_exact_equals_brute_force_on_60_random_instances():
    rng = np.random.default_rng(15)
    beaten = 0
    for case in range(60):
        inst = random_instance(rng, int(rng.integers(3, 16)) if case % 4 == 0 else int(rng.integers(3, 11)))
        budget = float(rng.uniform(0.2, 0.6) * inst.cost.sum())
        best = brute_force(inst, budget)
        sol = mip(inst, budget)
        assert sol.cost <= budget + 1e-9
        assert sol.value == pytest.approx(best, rel=1e-9, abs=1e-12), case
        assert sol.gap == pytest.approx(0.0, abs=1e-6)
        for heuristic in (greedy_incremental, greedy_decremental):
            g = heuristic(inst, budget)
            assert g.cost <= budget + 1e-9
            assert g.value <= best * (1 + 1e-12)
            beaten += g.value < best * (1 - 1e-9)
    assert beaten > 0  # the instances are hard enough for greedy to miss the optimum somewhere


def test_brute_force_case_with_15_options():
    rng = np.random.default_rng(7)
    inst = random_instance(rng, 15)
    budget = 0.4 * inst.cost.sum()
    assert mip(inst, budget).value == pytest.approx(brute_force(inst, budget), rel=1e-9)


def test_objective_matches_networkx_on_random_plans():
    rng = np.random.default_rng(3)
    for _ in range(20):
        inst = random_instance(rng, 8)
        chosen = rng.random(8) < 0.5
        assert inst.pc_num(chosen) == pytest.approx(pc_num_networkx(inst, chosen), rel=1e-12)


def test_worst_instance_greedy_trap():
    inst = read_instance(GECOT / "worst" / "instance.json")
    assert inst.pc_num() == pytest.approx(5.06)  # 5 nodes of quality 1, 6 of 0.1: Σ q² = 5.06
    # budget 2: the optimum opens 0-12 and 12-2, joining two quality-1 nodes (+2);
    # greedy opens the cheap 10-4 and 9-10 steps towards the chain of 0.1 nodes
    exact = solve(inst, 2, "mip")
    assert exact.value == pytest.approx(7.06)
    assert exact.gap == 0.0
    assert sorted(np.array(inst.option_ids)[exact.chosen]) == ["0_12", "12_2"]
    for algorithm in ("greedy-incremental", "greedy-decremental"):
        assert solve(inst, 2, algorithm).value == pytest.approx(5.48)
    # budget 6: the three pairs of arcs to nodes 1, 2, 3 join four quality-1 nodes (value 17.06)
    assert solve(inst, 6, "mip").value == pytest.approx(17.06)
    assert greedy_incremental(inst, 6).value == pytest.approx(6.56)


def test_preprocessing_keeps_the_optimum_and_drops_arcs():
    inst = read_instance(GECOT / "Quebec_438_RASY" / "instance.json")
    pre, *_ = preprocess(inst)
    assert len(pre.targets) == 438  # nodes of quality > 0 with every option
    assert pre.arcs_kept < pre.arcs_total


def test_neglected_arcs_cost_at_most_their_bound():
    # a large neglect drops arcs that matter; the plan found must still be within the bound E
    # of the optimum, and the reported bound must still cover the optimum
    rng = np.random.default_rng(11)
    dropped = 0
    for case in range(15):
        inst = random_instance(rng, 8)
        budget = float(rng.uniform(0.3, 0.6) * inst.cost.sum())
        best = brute_force(inst, budget)
        pre, *_ = preprocess(inst, neglect=0.5, budget=budget)
        full, *_ = preprocess(inst, budget=budget)
        dropped += pre.arcs_kept < full.arcs_kept
        sol = mip(inst, budget, neglect=0.5)
        assert sol.value <= best * (1 + 1e-12), case
        assert sol.value >= best - pre.neglected - 1e-9 * best, case
        assert sol.bound >= best * (1 - 1e-9), case
        assert sol.gap >= (best - sol.value) / sol.value - 1e-9, case
    assert dropped >= 5, dropped


@pytest.fixture(scope="module")
def quebec():
    return read_instance(GECOT / "Quebec_438_RASY" / "instance.json")


@pytest.mark.parametrize("share", [0.05, 0.10, 0.20])
def test_quebec_greedy_value_recomputed_independently(quebec, share):
    budget = share * quebec.cost.sum()
    sol = greedy_incremental(quebec, budget)
    assert sol.cost <= budget
    assert sol.value > quebec.pc_num()
    assert pc_num_networkx(quebec, sol.chosen) == pytest.approx(sol.value, rel=1e-9)


def test_quebec_values(quebec):
    assert quebec.pc_num() == pytest.approx(pc_num_networkx(quebec, np.zeros(quebec.n_options, bool)), rel=1e-9)
    assert quebec.n == 518 and len(quebec.arc_ids) == 1814 and quebec.n_options == 260


@pytest.mark.slow  # about 20 s each (preprocessing and a 10 s limit); bench_planner.py times it fully
@pytest.mark.parametrize("share", [0.05, 0.10, 0.20])
def test_quebec_exact_at_least_greedy(quebec, share):
    budget = share * quebec.cost.sum()
    greedy = greedy_incremental(quebec, budget)
    exact = mip(quebec, budget, time_limit=10, warm_start=greedy.chosen)
    assert exact.cost <= budget
    assert exact.value >= greedy.value * (1 - 1e-12)
    assert exact.bound >= exact.value * (1 - 1e-6)
    assert pc_num_networkx(quebec, exact.chosen) == pytest.approx(exact.value, rel=1e-9)


def test_bad_budget_is_a_user_error(quebec):
    with pytest.raises(EconetError, match="budget"):
        greedy_incremental(quebec, -1)
    with pytest.raises(EconetError, match="unknown solver"):
        solve(quebec, 1, "anneal")


def test_aggregate_preprocessing_of_large_instances_keeps_the_optimum(monkeypatch):
    # instances too large for the per-source rule use per-arc sums over the sources instead
    import sys

    monkeypatch.setattr(sys.modules["econet.planner.solve"], "_PER_SOURCE_MAX", 0)
    rng = np.random.default_rng(12)
    for case in range(10):
        inst = random_instance(rng, 8)
        budget = float(rng.uniform(0.3, 0.6) * inst.cost.sum())
        best = brute_force(inst, budget)
        assert mip(inst, budget, neglect=0.0).value == pytest.approx(best, rel=1e-9), case
        pre, *_ = preprocess(inst, neglect=0.5, budget=budget)
        sol = mip(inst, budget, neglect=0.5)
        assert best - pre.neglected - 1e-9 * best <= sol.value <= best * (1 + 1e-12), case
        assert sol.bound >= best * (1 - 1e-9), case
