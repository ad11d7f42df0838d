"""ECA against cost: the best plan at a series of budgets, and the front between ECA, a second
objective that adds up over the chosen options (a carbon sink, t/a), by epsilon-constraint, and
optionally a third that does not (robustness under targeted attack), evaluated per plan."""

from __future__ import annotations

import numpy as np
import pandas as pd

from econet.errors import EconetError
from econet.planner.instance import Instance
from econet.planner.solve import Solution, check_budget, mip, solve

COLUMNS = ["budget", "algorithm", "cost", "options", "PCnum", "ECA", "d_ECA_pct", "gap", "time_s"]


def _row(inst: Instance, budget: float, sol: Solution, eca0: float) -> dict:
    return {
        "budget": budget,
        "algorithm": sol.algorithm,
        "cost": sol.cost,
        "options": int(sol.chosen.sum()),
        "PCnum": sol.value,
        "ECA": sol.eca,
        "d_ECA_pct": 100 * (sol.eca - eca0) / eca0 if eca0 > 0 else np.nan,
        "gap": np.nan if sol.gap is None else sol.gap,
        "time_s": sol.time_s,
    }


def budget_sweep(inst: Instance, budgets, algorithms=("mip", "greedy-incremental"), **kw) -> pd.DataFrame:
    """One row per budget and algorithm: the plan's cost, options, PCnum (area units²), ECA (area
    units), its change against no action (%), the proven gap (MIP) and the time (s)."""
    eca0 = float(np.sqrt(inst.pc_num()))
    rows = []
    for b in sorted(check_budget(b) for b in budgets):
        for alg in algorithms:
            rows.append(_row(inst, b, solve(inst, b, alg, **kw), eca0))
    return pd.DataFrame(rows, columns=COLUMNS)


def pareto_front(inst: Instance, budget: float, weights, *, steps: int = 5, robustness=None, **kw) -> pd.DataFrame:
    """Plans that trade ECA against a second objective Σ weights[o] over the chosen options (for
    example each option's carbon sink), within ``budget``: the best ECA plan, then the best ECA
    with the second objective at least ε for ``steps`` values of ε up to its largest affordable
    value (epsilon-constraint; each point is an exact MIP).

    ``robustness``: a function of a plan (bool per option) giving a third objective to maximise
    that does not add up over the options, such as :func:`econet.planner.robustness.targeted_area`.
    Being non-linear it cannot be a MIP constraint, so ``steps`` more plans come from a linear
    stand-in: the best ECA with at least δ new links (node pairs an option joins that no arc
    joined; :func:`links_added`). Every plan found is evaluated (column ``robustness``) and the
    plans non-dominated in all three objectives are kept. Without it, the plans non-dominated in
    ECA and the second objective. Column ``floor`` says which constraint gave each plan."""
    budget = check_budget(budget)
    w = np.asarray(weights, dtype=float)
    if w.shape != (inst.n_options,) or np.any(~np.isfinite(w)):
        raise EconetError(f"the second objective needs one finite value per option ({inst.n_options})")
    best = solve(inst, budget, "mip", **kw)
    eca0 = float(np.sqrt(inst.pc_num()))
    rows, plans = [], []

    def add(sol, floor):
        rows.append({**_row(inst, budget, sol, eca0), "second": float(w[sol.chosen].sum()), "floor": floor})
        plans.append(sol.chosen)

    add(best, "")
    floors = [(w, "second")]
    if robustness is not None:
        floors.append((links_added(inst).astype(float), "links"))
    for weight, name in floors:
        lo, top = float(weight[best.chosen].sum()), _max_weight(inst, budget, weight, kw.get("forbidden"))
        for eps in np.linspace(lo, top, steps + 1)[1:] if top > lo else []:
            add(mip(inst, budget, at_least=[(weight, float(eps) * (1 - 1e-9))], **kw), f"{name} >= {eps:.6g}")
    df = pd.DataFrame(rows)
    objectives = ["ECA", "second"]
    if robustness is not None:
        df["robustness"] = [float(robustness(x)) for x in plans]
        objectives.append("robustness")
    df["chosen"] = [" ".join(np.asarray(inst.option_ids)[x]) for x in plans]
    front = df[non_dominated(df, objectives)].drop_duplicates(subset=objectives)
    return front.sort_values(["second", "ECA"]).reset_index(drop=True)


def links_added(inst: Instance) -> np.ndarray:
    """Per option, the node pairs it joins that no arc joined before (an arc of probability 0
    raised above 0; a pair counted once)."""
    an, ao, ap = inst.arc_gain
    new = (ap > 0) & (inst.p[an] == 0)
    joined = {(min(u, v), max(u, v)) for u, v, p in zip(inst.tail, inst.head, inst.p) if p > 0}
    out = np.zeros(inst.n_options, int)
    for o in np.unique(ao[new]):
        a = an[new & (ao == o)]
        pairs = {(min(u, v), max(u, v)) for u, v in zip(inst.tail[a].tolist(), inst.head[a].tolist()) if u != v}
        out[o] = len(pairs - joined)
    return out


def non_dominated(table: pd.DataFrame, objectives) -> np.ndarray:
    """Rows no other row dominates (at least as good in every objective, better in one; all
    maximised): bool per row."""
    v = table[list(objectives)].to_numpy(float)
    geq = (v[:, None, :] >= v[None, :, :]).all(axis=2)  # geq[i, j]: row i at least as good as j
    gt = (v[:, None, :] > v[None, :, :]).any(axis=2)
    return ~(geq & gt).any(axis=0)


def _max_weight(inst: Instance, budget: float, w: np.ndarray, forbidden=None) -> float:
    """The largest Σ w over affordable plans (a knapsack, by HiGHS)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    upper = np.ones(inst.n_options) if forbidden is None else (~np.asarray(forbidden, dtype=bool)).astype(float)
    res = milp(
        -w,
        constraints=LinearConstraint(inst.cost[None, :], -np.inf, budget),
        integrality=np.ones(inst.n_options),
        bounds=Bounds(0, upper),
    )
    return float(w[res.x > 0.5].sum()) if res.x is not None else 0.0


__all__ = ["COLUMNS", "budget_sweep", "links_added", "non_dominated", "pareto_front"]
