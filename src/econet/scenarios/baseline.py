"""What the scenario generators read: the baseline run's results in one place."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class Baseline:
    """The results of the baseline run that generators build scenarios from.

    ``grid``: the template grid (``econet.grid.Grid``); ``landcover``: class codes (int32, -1
    where missing) and ``classes`` the class table; ``sources`` (``econet.habitat.Sources``, with
    ``stepping_stones`` when ``[sources.islets]`` is given); ``surface``: the resistance
    surface; ``corridors`` (``econet.corridors.Corridors``); ``connectivity``
    (``econet.connectivity.Connectivity``) and the PC parameters it used (``distance_m``,
    ``probability``, ``landscape_area_m2``); ``nodes``: the network's node table (the source
    table, per-source indicator means, dPC/dIIC and centralities); ``summaries``
    (``IndicatorSummaries`` or None); ``rasters``: indicator rasters by name (input layers of the
    same name win); ``circuits`` (``CorridorCircuits`` or None without ``[circuit]``);
    ``vector(name)``: a vector layer of the study in the grid's CRS."""

    grid: Any
    landcover: np.ndarray
    classes: tuple
    sources: Any
    surface: np.ndarray
    corridors: Any
    connectivity: Any
    nodes: pd.DataFrame
    distance_m: float
    probability: float
    landscape_area_m2: float
    summaries: Any = None
    rasters: Mapping[str, np.ndarray] = field(default_factory=dict)
    circuits: Any = None
    vector: Callable[[str], Any] | None = None

    @property
    def lowest_resistance(self) -> float:
        """The lowest resistance of the landscape: what a restored cell is lowered to."""
        return float(np.nanmin(self.surface))

    def habitat_codes(self) -> list[int]:
        return [c.code for c in self.classes if c.habitat]


__all__ = ["Baseline"]
