"""The ecological network: graph building, topology and robustness (METHODS.md §7)."""

from econet.network.build import build_network, edge_table, node_table
from econet.network.robustness import attack_curves, random_attack, targeted_attack
from econet.network.topology import network_summary, node_metrics

__all__ = [
    "attack_curves",
    "build_network",
    "edge_table",
    "network_summary",
    "node_metrics",
    "node_table",
    "random_attack",
    "targeted_attack",
]
