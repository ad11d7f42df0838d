"""Which source pairs get a corridor: Linkage Mapper's options (docs/methods/corridors.md).

Candidates come from cost-allocation adjacency (the cheapest-source zones touch), Euclidean
adjacency (the nearest-source zones touch) or all pairs; after the least-cost distances are
known they are filtered by a maximum Euclidean or cost distance, by keeping each source's N
nearest neighbours, and by dropping pairs whose least-cost path crosses a third source.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from scipy import ndimage

PairRule = Literal["allocation_adjacency", "euclidean_adjacency", "all"]

# Forward neighbour offsets: each undirected pair of 8-neighbour cells is seen once.
_FORWARD = ((0, 1), (1, 0), (1, 1), (1, -1))


def zone_adjacency(zones: np.ndarray) -> list[tuple[int, int]]:
    """Pairs (a < b) of positive zone labels that touch as 8-neighbours."""
    h, w = zones.shape
    found = []
    for dr, dc in _FORWARD:
        c0, c1 = max(0, -dc), w - max(0, dc)
        a = zones[0 : h - dr, c0:c1]
        b = zones[dr:h, c0 + dc : c1 + dc]
        sel = (a != b) & (a > 0) & (b > 0)
        if sel.any():
            found.append(np.column_stack([np.minimum(a[sel], b[sel]), np.maximum(a[sel], b[sel])]))
    if not found:
        return []
    uniq = np.unique(np.vstack(found), axis=0)
    return [(int(a), int(b)) for a, b in uniq]


def euclidean_zones(source_labels: np.ndarray, passable: np.ndarray | None = None) -> np.ndarray:
    """Label of the nearest source cell (Euclidean) for every cell (a Voronoi allocation)."""
    _, (ri, ci) = ndimage.distance_transform_edt(source_labels == 0, return_indices=True)
    zones = source_labels[ri, ci]
    if passable is not None:
        zones = np.where(passable | (source_labels > 0), zones, 0)
    return zones


def candidate_pairs(
    rule: PairRule, source_labels: np.ndarray, allocation: np.ndarray | None = None
) -> list[tuple[int, int]]:
    """Candidate pairs (a < b) by ``rule``; cost-allocation adjacency needs ``allocation``."""
    if rule == "allocation_adjacency":
        if allocation is None:
            raise ValueError("allocation adjacency needs the cost allocation of a multi-source cost distance")
        return zone_adjacency(allocation)
    if rule == "euclidean_adjacency":
        return zone_adjacency(euclidean_zones(source_labels))
    if rule == "all":
        ids = np.unique(source_labels[source_labels > 0])
        return [(int(a), int(b)) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    raise ValueError(f"unknown pair rule {rule!r}; use allocation_adjacency, euclidean_adjacency or all")


def partners_of(pairs: list[tuple[int, int]], ids) -> dict[int, list[int]]:
    """Each source id -> the ids it is paired with (every id gets an entry)."""
    out: dict[int, list[int]] = {int(i): [] for i in ids}
    for a, b in pairs:
        out[a].append(b)
        out[b].append(a)
    return out


def keep_nearest(table: pd.DataFrame, n: int, by: str = "cost") -> pd.Series:
    """Mask of pairs where either end has the other among its ``n`` nearest (by ``by``)."""
    both = pd.concat(
        [
            pd.DataFrame({"src": table["from_id"], "row": table.index, "d": table[by]}),
            pd.DataFrame({"src": table["to_id"], "row": table.index, "d": table[by]}),
        ]
    )
    ranked = both.sort_values(["src", "d", "row"], kind="stable").groupby("src").head(n)
    return pd.Series(table.index.isin(ranked["row"]), index=table.index)


__all__ = ["PairRule", "candidate_pairs", "euclidean_zones", "keep_nearest", "partners_of", "zone_adjacency"]


def link_pairs(lines, source_labels: np.ndarray, grid) -> tuple[list[tuple[int, int]], list[tuple[int, int, str]]]:
    """The source pairs that ``lines`` (shapely lines in the grid's CRS) ask to link: the
    sources under each line's first and last points. Returns the pairs (a < b) and, for lines
    that cannot be used, (0, 0, reason) rows for the dropped table."""
    pairs, problems = [], []
    h, w = source_labels.shape
    for i, line in enumerate(lines):
        coords = [] if line is None or line.is_empty else list(line.coords)
        if len(coords) < 2:
            problems.append((0, 0, f"link {i + 1} is not a line with two ends"))
            continue
        (x0, y0), (x1, y1) = coords[0][:2], coords[-1][:2]
        rows, cols = grid.rowcol([x0, x1], [y0, y1])
        inside = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)
        ids = [int(source_labels[r, c]) if ok else 0 for r, c, ok in zip(rows, cols, inside)]
        if 0 in ids or ids[0] == ids[1]:
            problems.append((ids[0], ids[1], f"link {i + 1}: its ends are not in two different sources"))
            continue
        pairs.append((min(ids), max(ids)))
    return pairs, problems
