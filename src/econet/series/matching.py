"""Sources of two epochs matched by overlap.

Two sources correspond when they share at least one cell. The sources of both epochs and these
correspondences form a bipartite graph; each connected component is one event, labelled by how
many sources it holds on each side: one before and none after, *lost*; none before and one
after, *new*; one and one, *kept*, *grown* or *shrunk* by the change of area (within
``tolerance``, a share of the earlier area, it is kept); one before and several after, *split*;
several before and one after, *merged*; several on both sides, *regrouped*. The events are
those of event-based spatio-temporal GIS (appearance, disappearance, expansion, contraction,
split, union and reallocation; Claramunt and Thériault 1996), found by overlap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

STATUSES = ("kept", "grown", "shrunk", "split", "merged", "regrouped", "lost", "new")


@dataclass
class Matching:
    """``sources``: one row per source of either epoch (side "before" or "after", id, area
    km², event, status); ``events``: one row per event (its status, the ids on each side, the
    areas before and after and the area they share, km²)."""

    sources: pd.DataFrame
    events: pd.DataFrame

    def status(self, side: str) -> dict[int, str]:
        """Source id -> status, for the sources of one side ("before" or "after")."""
        part = self.sources[self.sources["side"] == side]
        return dict(zip(part["id"].astype(int), part["status"]))

    def event_of(self, side: str) -> dict[int, int]:
        """Source id -> event, for the sources of one side."""
        part = self.sources[self.sources["side"] == side]
        return dict(zip(part["id"].astype(int), part["event"].astype(int)))


def _status(n_before: int, n_after: int, area_before: float, area_after: float, tolerance: float) -> str:
    if n_after == 0:
        return "lost"
    if n_before == 0:
        return "new"
    if n_before == 1 and n_after == 1:
        if abs(area_after - area_before) <= tolerance * area_before:
            return "kept"
        return "grown" if area_after > area_before else "shrunk"
    if n_before == 1:
        return "split"
    return "merged" if n_after == 1 else "regrouped"


def match_sources(before: np.ndarray, after: np.ndarray, cell_area_km2: float, tolerance: float = 0.05) -> Matching:
    """Match the sources of two label rasters on one grid (0: no source; ids > 0) by overlap;
    see the module docstring for the statuses. Events are numbered in the order of their
    smallest earlier id, then of their smallest later id (new sources last)."""
    if before.shape != after.shape:
        raise ValueError(f"the epochs' source rasters differ in shape: {before.shape} and {after.shape}")
    a, b = before.astype(np.int64).ravel(), after.astype(np.int64).ravel()
    ids_a, ids_b = np.unique(a[a > 0]), np.unique(b[b > 0])
    area_a = dict(zip(ids_a.tolist(), (np.bincount(a)[ids_a] * cell_area_km2).tolist()))
    area_b = dict(zip(ids_b.tolist(), (np.bincount(b)[ids_b] * cell_area_km2).tolist()))
    both = (a > 0) & (b > 0)
    pairs, counts = np.unique(np.stack([a[both], b[both]]), axis=1, return_counts=True)
    # Nodes: the earlier sources, then the later ones; an edge per overlapping pair.
    na, nb = len(ids_a), len(ids_b)
    rows = np.searchsorted(ids_a, pairs[0]) if pairs.size else np.zeros(0, int)
    cols = na + np.searchsorted(ids_b, pairs[1]) if pairs.size else np.zeros(0, int)
    graph = sparse.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(na + nb, na + nb))
    _, component = connected_components(graph, directed=False)
    shared = np.bincount(component[rows], weights=counts, minlength=na + nb) if len(rows) else np.zeros(na + nb)

    members: dict[int, tuple[list, list]] = {}
    for k, i in enumerate(ids_a.tolist()):
        members.setdefault(int(component[k]), ([], []))[0].append(i)
    for k, j in enumerate(ids_b.tolist()):
        members.setdefault(int(component[na + k]), ([], []))[1].append(j)
    order = sorted(members, key=lambda c: (min(members[c][0], default=np.inf), min(members[c][1], default=np.inf)))
    events, sources = [], []
    for event, c in enumerate(order, 1):
        ia, ib = members[c]
        before_km2 = sum(area_a[i] for i in ia)
        after_km2 = sum(area_b[j] for j in ib)
        status = _status(len(ia), len(ib), before_km2, after_km2, tolerance)
        events.append(
            {
                "event": event,
                "status": status,
                "before_ids": " ".join(map(str, ia)),
                "after_ids": " ".join(map(str, ib)),
                "before_km2": before_km2,
                "after_km2": after_km2,
                "shared_km2": float(shared[c]) * cell_area_km2,
            }
        )
        sources += [{"side": "before", "id": i, "area_km2": area_a[i], "event": event, "status": status} for i in ia]
        sources += [{"side": "after", "id": j, "area_km2": area_b[j], "event": event, "status": status} for j in ib]
    columns = ["side", "id", "area_km2", "event", "status"]
    event_columns = ["event", "status", "before_ids", "after_ids", "before_km2", "after_km2", "shared_km2"]
    return Matching(pd.DataFrame(sources, columns=columns), pd.DataFrame(events, columns=event_columns))


def counts(matching: Matching) -> dict[str, int]:
    """How many events of each status (every status, zero when absent)."""
    found = matching.events["status"].value_counts()
    return {s: int(found.get(s, 0)) for s in STATUSES}


__all__ = ["STATUSES", "Matching", "counts", "match_sources"]
