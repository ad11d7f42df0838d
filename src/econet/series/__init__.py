"""Change between the epochs of a study (docs/methods/series.md): land-cover transitions,
sources matched by overlap, corridors gained and lost, trajectories of the network's measures
and the change of the correlations between node indicators. Pure functions over arrays and
tables; ``econet.timeline`` runs the epochs and feeds them their products."""

from econet.series.correlations import correlation_change
from econet.series.corridors import corridor_changes
from econet.series.matching import STATUSES, match_sources
from econet.series.trajectories import changes, landscape_means, trajectory_table
from econet.series.transitions import transition_matrix, unchanged_km2

__all__ = [
    "STATUSES",
    "changes",
    "correlation_change",
    "corridor_changes",
    "landscape_means",
    "match_sources",
    "trajectory_table",
    "transition_matrix",
    "unchanged_km2",
]
