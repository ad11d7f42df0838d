"""econet: ecological spatial networks for (mining) cities, from raw layers to a validated plan.

Stages are pure functions grouped by topic (habitat, connectivity, resistance, corridors,
network, report); ``econet.pipeline`` runs them on a study and ``econet.cli`` is the command line.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("econet")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
