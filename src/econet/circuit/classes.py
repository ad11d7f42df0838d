"""Corridor classes by current-flow centrality (Yang et al., §3.2): the corridors' centrality
(Circuitscape's Centrality Mapper) is divided by natural breaks, from high to low, into
"extremely important", "important" and "general" corridors."""

from __future__ import annotations

import numpy as np

from econet.classify import grade, natural_breaks

CLASS_NAMES = {3: ("extremely important", "important", "general"), 2: ("important", "general")}


def centrality_classes(centrality, k: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Class of each corridor by natural breaks of ``centrality`` into ``k`` classes: (level, name),
    level 1 the most central. Every value is used (no sample); fewer distinct values than ``k``
    give fewer classes. Names for 2 and 3 classes follow Yang et al.; otherwise "class i"."""
    v = np.asarray(centrality, dtype=np.float64)
    if v.size == 0:
        return np.zeros(0, dtype=np.int16), np.zeros(0, dtype=object)
    bins = natural_breaks(v, k, sample_size=None)
    up = grade(v, bins[:-1], np.arange(1, len(bins) + 1), nodata=0, dtype=np.int16)  # 1 = least central
    level = (len(bins) + 1 - up).astype(np.int16)
    names = CLASS_NAMES.get(len(bins), tuple(f"class {i}" for i in range(1, len(bins) + 1)))
    return level, np.asarray(names, dtype=object)[level - 1]


__all__ = ["CLASS_NAMES", "centrality_classes"]
