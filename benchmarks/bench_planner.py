"""Time the budgeted planner on GECOT's Quebec_438_RASY instance and print the figures.

Usage: uv run python benchmarks/bench_planner.py [--shares 0.05 0.10 0.20] [--time-limit 120]
       [--decremental]

It prints the preprocessing's reduction (useless arcs only, then also the negligible arcs the
MIP drops, with the share of PCnum they can carry at most). For each budget (a share of the
total option cost) it prints the greedy incremental plan's value and time, then the exact MIP's
(warm-started from greedy; time including preprocessing and model building): HiGHS status, the
proven relative gap (which includes the neglected share), the value and its gain over greedy.
``--decremental`` also runs the greedy decremental (minutes on Quebec). Issue 15's target: proven
optimal within 120 s at the 10 % budget.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from econet.planner import greedy_decremental, greedy_incremental, mip, preprocess, read_instance
from econet.planner.solve import NEGLECT

QUEBEC = Path(__file__).parents[1] / "tests" / "fixtures" / "gecot" / "Quebec_438_RASY" / "instance.json"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shares", type=float, nargs="+", default=[0.05, 0.10, 0.20])
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--decremental", action="store_true")
    args = ap.parse_args()
    inst = read_instance(QUEBEC)
    t0 = time.perf_counter()
    full, *_ = preprocess(inst, neglect=0.0)
    t_full = time.perf_counter() - t0
    t0 = time.perf_counter()
    pre, *_ = preprocess(inst, neglect=NEGLECT)
    print(
        f"Quebec_438_RASY: {inst.n} nodes, {len(inst.arc_ids)} arcs, {inst.n_options} options; "
        f"initial PCnum {inst.pc_num():.10g}"
    )
    print(
        f"preprocessing, useless arcs only: {len(full.targets)} targets, arcs x targets {full.arcs_total} -> "
        f"{full.arcs_kept} ({100 * full.arcs_kept / full.arcs_total:.1f} %) in {t_full:.2f} s"
    )
    print(
        f"preprocessing, also negligible arcs (neglect {NEGLECT:g}): -> {pre.arcs_kept} "
        f"({100 * pre.arcs_kept / pre.arcs_total:.1f} %), at most {pre.neglected / inst.pc_num():.3g} of PCnum "
        f"neglected, in {time.perf_counter() - t0:.2f} s"
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
