"""Time the budgeted planner on GECOT's Quebec_438_RASY instance and print the figures.

Usage: uv run python benchmarks/bench_planner.py [--shares 0.05 0.10 0.20] [--time-limit 120]
       [--decremental]

For each budget (a share of the total option cost) it prints the greedy incremental plan's value
and time, then the exact MIP's (warm-started from greedy): model size after the preprocessing,
build and solve time, HiGHS status, the proven relative gap, the value and its gain over greedy.
``--decremental`` also runs the greedy decremental (minutes on Quebec). Issue 15's target: proven
optimal within 120 s at the 10 % budget.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from econet.planner import greedy_decremental, greedy_incremental, mip, preprocess, read_instance

QUEBEC = Path(__file__).parents[1] / "tests" / "fixtures" / "gecot" / "Quebec_438_RASY" / "instance.json"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shares", type=float, nargs="+", default=[0.05, 0.10, 0.20])
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--decremental", action="store_true")
    args = ap.parse_args()
    inst = read_instance(QUEBEC)
    t0 = time.perf_counter()
    pre, *_ = preprocess(inst)
    print(
        f"Quebec_438_RASY: {inst.n} nodes, {len(inst.arc_ids)} arcs, {inst.n_options} options; "
        f"initial PCnum {inst.pc_num():.10g}"
    )
    print(
        f"preprocessing: {len(pre.targets)} targets, arcs x targets {pre.arcs_total} -> {pre.arcs_kept} "
        f"({100 * pre.arcs_kept / pre.arcs_total:.1f} %) in {time.perf_counter() - t0:.2f} s"
    )
    total = float(inst.cost.sum())
    for share in args.shares:
        budget = share * total
        g = greedy_incremental(inst, budget)
        print(f"\nbudget {100 * share:.0f} % = {budget:.6g}")
        print(
            f"  greedy-incremental  value {g.value:.10g}  cost {g.cost:.6g}  {g.chosen.sum()} options  {g.time_s:.2f} s"
        )
        if args.decremental:
            d = greedy_decremental(inst, budget)
            print(f"  greedy-decremental  value {d.value:.10g}  cost {d.cost:.6g}  {d.time_s:.2f} s")
        m = mip(inst, budget, time_limit=args.time_limit, warm_start=g.chosen)
        print(
            f"  mip                 value {m.value:.10g}  cost {m.cost:.6g}  {m.chosen.sum()} options  "
            f"{m.time_s:.2f} s  {m.status}  gap {m.gap:.3g}  bound {m.bound:.10g}"
        )
        print(
            f"  mip / greedy - 1    {m.value / g.value - 1:.3e}   same plan: {bool(np.array_equal(m.chosen, g.chosen))}"
        )


if __name__ == "__main__":
    main()
