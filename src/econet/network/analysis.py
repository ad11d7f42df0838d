"""The network analyses of a study: topology, communities and correlations of the sources and
corridors (docs/methods/network.md), and robustness under attack (docs/methods/robustness.md)."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import pandas as pd

from econet.errors import EconetError
from econet.network.build import EcoNetwork, set_node_metrics
from econet.network.correlation import correlation_matrix, correlations, indicator_columns
from econet.network.robustness import attack_curves, curve_summary
from econet.network.topology import topology

# Left out of the default correlation set: codes, coordinates, and exact rescalings of another column.
NOT_CORRELATED = (
    "dominant_class",
    "area_ha",
    "degree",
    "betweenness_norm",
    "closeness_gephi",
    "x",
    "y",
    "centroid_x",
    "centroid_y",
    "inside_x",
    "inside_y",
)


@dataclass
class NetworkAnalysis:
    """The network with node metrics set (``network``), network-level ``summary``, the long
    table of ``correlations`` and the r and p matrices per panel ("all sources", then one per
    group)."""

    network: EcoNetwork
    summary: dict
    correlations: pd.DataFrame
    correlation_r: dict[str, pd.DataFrame]
    correlation_p: dict[str, pd.DataFrame]

    @property
    def graph(self) -> nx.Graph:
        return self.network.graph


def analyse_network(
    sources,
    corridors,
    *,
    weight: str | None = "length_m",
    community_seed: int = 0,
    community_resolution: float = 1.0,
    correlation: str = "pearson",
    correlation_by: str | None = "source_type",
) -> NetworkAnalysis:
    """Topology (Gephi and networkx conventions), Louvain communities and correlations between
    node indicators of the network of ``sources`` (patch table with any per-source indicators)
    and ``corridors`` (lines with from_id, to_id). ``weight`` is the corridor attribute used as
    distance for weighted closeness and paths."""
    if weight is not None and len(corridors) and weight not in corridors:
        numeric = [c for c in corridors.columns if c != "geometry" and pd.api.types.is_numeric_dtype(corridors[c])]
        raise EconetError(f"[network] weight = {weight!r} is not a corridor attribute; use one of {numeric}")
    net = EcoNetwork.from_tables(sources, corridors)
    metrics, summary = topology(net.graph, weight, seed=community_seed, resolution=community_resolution)
    set_node_metrics(net.graph, metrics)
    nodes = net.node_table()
    columns = [c for c in indicator_columns(nodes) if c not in NOT_CORRELATED]
    by = correlation_by if correlation_by in nodes else None
    r, p, _ = correlation_matrix(nodes, columns, correlation)
    panels_r, panels_p = {"all sources": r}, {"all sources": p}
    if by is not None:
        for key, part in nodes.groupby(by, sort=True):
            if len(part) >= 3:
                panels_r[str(key)], panels_p[str(key)] = correlation_matrix(part, columns, correlation)[:2]
    return NetworkAnalysis(net, summary, correlations(nodes, columns, correlation, by), panels_r, panels_p)


@dataclass
class Robustness:
    """Node attack curves (R, S, D, E per strategy), corridor attack curves (S; None without
    edge attacks) and the area, slope and R² of each curve."""

    nodes: pd.DataFrame
    edges: pd.DataFrame | None
    summary: pd.DataFrame


def network_robustness(
    graph: nx.Graph,
    *,
    repeats: int = 100,
    seed: int = 0,
    by: str = "degree",
    recalculate: bool = True,
    recovery: str = "neighbour",
    edge_attacks: bool = True,
) -> Robustness:
    """Random (``repeats`` times, seeded) and targeted (by ``by``, re-ranked after each removal
    with ``recalculate``) node attacks; with ``edge_attacks`` random and betweenness attacks on
    the corridors too."""
    attack = dict(repeats=repeats, seed=seed, by=by, recalculate=recalculate)
    nodes = attack_curves(graph, **attack, recovery=recovery)
    edges = attack_curves(graph, **{**attack, "by": "betweenness"}, element="edge") if edge_attacks else None
    summary = curve_summary(nodes)
    if edges is not None and len(edges) > 2:
        summary = pd.concat([summary, curve_summary(edges, ("S",))], ignore_index=True)
    return Robustness(nodes, edges, summary)


__all__ = ["NOT_CORRELATED", "NetworkAnalysis", "Robustness", "analyse_network", "network_robustness"]
