"""Scenarios: actions on the landscape, the generators that reproduce the published
optimisations, and the before-and-after validation of a network (docs/methods/scenarios.md)."""

from econet.scenarios.actions import KINDS, Action, Edits, Scenario, action, cells_of, edits, footprint
from econet.scenarios.baseline import Baseline
from econet.scenarios.fushun import fushun_scenarios
from econet.scenarios.pattern import centrality_correlations, pattern_scenarios, random_scenarios, zone_table
from econet.scenarios.priority import priority_scenarios, restoration_priority
from econet.scenarios.seec import seec_scenarios, weak_nodes

__all__ = [
    "KINDS",
    "Action",
    "Baseline",
    "Edits",
    "Scenario",
    "action",
    "cells_of",
    "centrality_correlations",
    "edits",
    "footprint",
    "fushun_scenarios",
    "pattern_scenarios",
    "priority_scenarios",
    "random_scenarios",
    "restoration_priority",
    "seec_scenarios",
    "weak_nodes",
    "zone_table",
]
