"""ECA against cost: the best plan at a series of budgets, and the front between ECA and a second
objective that adds up over the chosen options (a carbon sink, t/a), by epsilon-constraint."""

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


def pareto_front(inst: Instance, budget: float, weights, *, steps: int = 5, **kw) -> pd.DataFrame:
    """Plans that trade ECA against a second objective Σ weights[o] over the chosen options (for
    example each option's carbon sink), within ``budget``: the best ECA plan, then the best ECA
    with the second objective at least ε for ``steps`` values of ε up to its largest affordable
    value (epsilon-constraint; each point is an exact MIP). Dominated points are dropped."""
    budget = check_budget(budget)
    w = np.asarray(weights, dtype=float)
    if w.shape != (inst.n_options,) or np.any(~np.isfinite(w)):
        raise EconetError(f"the second objective needs one finite value per option ({inst.n_options})")
    best = solve(inst, budget, "mip", **kw)
    top = _max_weight(inst, budget, w)
    lo = float(w[best.chosen].sum())
    eca0 = float(np.sqrt(inst.pc_num()))
    rows = [{**_row(inst, budget, best, eca0), "second": lo, "epsilon": np.nan}]
    for eps in np.linspace(lo, top, steps + 1)[1:]:
        sol = mip(inst, budget, at_least=[(w, float(eps) * (1 - 1e-9))], **kw)
        rows.append({**_row(inst, budget, sol, eca0), "second": float(w[sol.chosen].sum()), "epsilon": float(eps)})
    df = pd.DataFrame(rows)
    keep = [
        not any(
            (o.ECA >= r.ECA and o.second >= r.second) and (o.ECA > r.ECA or o.second > r.second)
            for o in df.itertuples()
        )
        for r in df.itertuples()
    ]
    return df[keep].drop_duplicates(subset=["ECA", "second"]).sort_values("second").reset_index(drop=True)


def _max_weight(inst: Instance, budget: float, w: np.ndarray) -> float:
    """The largest Σ w over affordable plans (a knapsack, by HiGHS)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    res = milp(
        -w,
        constraints=LinearConstraint(inst.cost[None, :], -np.inf, budget),
        integrality=np.ones(inst.n_options),
        bounds=Bounds(0, 1),
    )
    return float(w[res.x > 0.5].sum()) if res.x is not None else 0.0


__all__ = ["COLUMNS", "budget_sweep", "pareto_front"]
