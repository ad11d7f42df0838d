"""Budgeted restoration planning: which options a budget should buy for the largest ECA (the PC
numerator), exactly (a mixed-integer programme with HiGHS) or greedily (docs/methods/planner.md;
Hamonic, Albert, Couëtoux & Vaxès, Networks 2023, arXiv 2109.06622)."""

from econet.planner.gecot import output_json, read_instance
from econet.planner.instance import Instance
from econet.planner.solve import ALGORITHMS, Solution, greedy_decremental, greedy_incremental, mip, preprocess, solve
from econet.planner.sweep import budget_sweep, pareto_front

__all__ = [
    "ALGORITHMS",
    "Instance",
    "Solution",
    "budget_sweep",
    "greedy_decremental",
    "greedy_incremental",
    "mip",
    "output_json",
    "pareto_front",
    "preprocess",
    "read_instance",
    "solve",
]
