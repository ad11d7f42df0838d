"""The ecological network (docs/methods/network.md; robustness: docs/methods/robustness.md):
building it from sources and corridors, topology and communities, correlations between node
indicators, robustness under attack, export."""

from econet.network.analysis import NetworkAnalysis, Robustness, analyse_network, network_robustness
from econet.network.build import EcoNetwork, build_network, edge_table, node_table, set_node_metrics
from econet.network.correlation import correlation_matrix, correlations, significance_mark
from econet.network.export import write_gexf, write_graphml
from econet.network.robustness import (
    attack_curves,
    compare_networks,
    curve_summary,
    edge_attack_curve,
    node_attack_curve,
    random_attack,
    targeted_attack,
    targeted_order,
)
from econet.network.topology import (
    eigenvector_centrality,
    louvain,
    modularity,
    network_summary,
    node_metrics,
    topology,
    weighted_distance_stats,
)

__all__ = [
    "NetworkAnalysis",
    "Robustness",
    "analyse_network",
    "network_robustness",
    "EcoNetwork",
    "attack_curves",
    "build_network",
    "compare_networks",
    "correlation_matrix",
    "correlations",
    "curve_summary",
    "edge_attack_curve",
    "edge_table",
    "eigenvector_centrality",
    "louvain",
    "modularity",
    "network_summary",
    "node_attack_curve",
    "node_metrics",
    "node_table",
    "random_attack",
    "set_node_metrics",
    "significance_mark",
    "targeted_attack",
    "targeted_order",
    "topology",
    "weighted_distance_stats",
    "write_gexf",
    "write_graphml",
]
