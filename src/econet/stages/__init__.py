"""The stages of a study, one module each, declared with what they read and consume.

``STAGES`` lists them in their natural order; ``econet.pipeline`` derives the order it runs
them in, and each stage's cache key, from their declarations (``econet.stages.base.Stage``).
"""

from econet.config import landscape_of
from econet.stages import (
    circuit,
    connectivity,
    corridors,
    indicators,
    mspa,
    network,
    report,
    resistance,
    robustness,
    sources,
    summaries,
    zones,
)
from econet.stages.base import Context, Stage

STAGES: tuple[Stage, ...] = (
    indicators.STAGE,
    mspa.STAGE,
    sources.STAGE,
    resistance.STAGE,
    corridors.STAGE,
    summaries.STAGE,
    connectivity.STAGE,
    circuit.STAGE,
    zones.STAGE,
    network.STAGE,
    robustness.STAGE,
    report.STAGE,
)

__all__ = ["Context", "STAGES", "Stage", "landscape_of"]
