"""Ensembles for sensitivity: drawing a study's weights and thresholds, and what the runs say
together (frequency maps, spread, rank correlations; docs/methods/sensitivity.md)."""

from econet.ensemble.aggregate import (
    SPREAD,
    corridor_mask,
    frequency,
    rank_correlations,
    source_mask,
    spearman,
    spread,
    strongest,
)
from econet.ensemble.sampling import (
    SAATY_SCALE,
    Design,
    Draws,
    Threshold,
    WeightTable,
    ahp_matrices,
    dirichlet_weights,
    draw,
)

__all__ = [
    "SAATY_SCALE",
    "SPREAD",
    "Design",
    "Draws",
    "Threshold",
    "WeightTable",
    "ahp_matrices",
    "corridor_mask",
    "dirichlet_weights",
    "draw",
    "frequency",
    "rank_correlations",
    "source_mask",
    "spearman",
    "spread",
    "strongest",
]
