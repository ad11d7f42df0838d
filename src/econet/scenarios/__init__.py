"""Scenarios: actions on the landscape, the generators that reproduce the published
optimisations, and the before-and-after validation of a network (docs/methods/scenarios.md)."""

from econet.scenarios.actions import KINDS, Action, Edits, Scenario, action, cells_of, edits, footprint
from econet.scenarios.baseline import Baseline
from econet.scenarios.fushun import fushun_scenarios
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
    "edits",
    "footprint",
    "fushun_scenarios",
    "priority_scenarios",
    "restoration_priority",
    "seec_scenarios",
    "weak_nodes",
]
