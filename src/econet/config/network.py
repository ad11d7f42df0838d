"""``[network]`` and ``[robustness]``: topology, communities, correlations and attacks
(docs/methods/network.md, docs/methods/robustness.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from econet.config.base import PositiveFloat, Section


class NetworkSection(Section):
    """Topology, communities and correlations of the network (the Xuzhou SEEC preprint, §3.3;
    Tong et al. 2025, §2.2.3)."""

    weight: str | None = "length_m"  # corridor attribute used as distance for weighted closeness/paths
    community_seed: int = 0  # Louvain is randomised; the seed makes it reproducible
    community_resolution: PositiveFloat = 1.0  # Gephi's default
    correlation: Literal["pearson", "spearman"] = "pearson"  # Pearson: Xuzhou SEEC preprint; Spearman: Tong et al. 2025
    correlation_by: str | None = "source_type"  # also per group of this node attribute


class RobustnessSection(Section):
    """Random and targeted node attacks (the Xuzhou SEEC preprint, §3.6.1; Tong et al. 2025, §2.2.4)."""

    random_repeats: int = Field(100, ge=1)
    targeted_by: Literal["degree", "betweenness"] = "degree"
    recalculate: bool = True  # recompute the ranking after each removal
    seed: int = 0
    # when a removed node counts as recovered in D and E (see econet.network.robustness)
    recovery: Literal["neighbour", "largest-component"] = "neighbour"
    edge_attacks: bool = True  # also attack corridors (random and by edge betweenness)


__all__ = ["NetworkSection", "RobustnessSection"]
