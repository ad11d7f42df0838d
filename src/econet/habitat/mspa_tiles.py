"""MSPA of grids too large for memory: the whole grid when it fits, else tiles with an overlap,
used only where they are provably exact.

Which MSPA classes are local (Soille & Vogt 2009; GuidosToolbox's mspa.c): *core* is the
foreground eroded by the edge width w, so a tile window reaching w + 1 cells beyond the tile gives
exact core, and exact foreground / background / missing. The other classes are not local:
*islet* (an object with no core) needs the whole object, *edge* vs *perforation* and the
*internal* (+100) variants and *openings* need to know whether a background region is enclosed
(a hole), *loop* vs *bridge* vs *branch* need the core components a connector joins, all of which
may be arbitrarily far away.

Every such dependence stays inside a *group*: the foreground objects (connected components of
the foreground and the missing cells, which GuidosToolbox treats as neither foreground nor
edge-making) joined through the enclosed background regions (holes: background components that
do not reach the grid's border) they touch. A hole is bounded by a single object (digital Jordan duality:
the boundary of a 4-connected background region is 8-connected, and the other way round), and
whatever lies in a hole, and its holes, join the group; objects of different groups never touch.
So the classes of a tile's cells are exact if every group whose box, grown by w + 1, meets the
tile lies, grown by w + 1, inside the tile's window. An overlap of (the largest group's extent)
+ 2 (w + 1) makes every tile exact; with a smaller one, the tiles that are not exact are refused
and the whole grid is run (if it fits), never an approximation.

The groups are found by one global labelling pass (two int32 label grids, ~9 bytes a cell; the
MSPA engine itself takes ~24 bytes a cell, measured on 2000² and 4000² grids).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from econet.errors import EconetWarning
from econet.habitat.mspa import mspa

# Peak memory of the MSPA engine per cell, above its uint8 input (ru_maxrss, example.tif tiled:
# 23.3 B on 2000², 21.1 B on 4000²), plus the input and output bytes.
MSPA_BYTES_PER_CELL = 26
_STRUCT = {4: ndimage.generate_binary_structure(2, 1), 8: np.ones((3, 3), bool)}


def mspa_memory_mb(shape: tuple[int, int]) -> float:
    """Estimated peak memory (MB) of MSPA on a grid of ``shape``."""
    return shape[0] * shape[1] * MSPA_BYTES_PER_CELL / 2**20


@dataclass
class Groups:
    """The MSPA groups of a grid: per foreground or missing cell its group (0: none), and each group's box
    (rows r0..r1, columns c0..c1, exclusive ends), index g - 1."""

    label: np.ndarray
    boxes: np.ndarray  # n x 4 int64: r0, r1, c0, c1

    @property
    def largest_extent(self) -> int:
        if not len(self.boxes):
            return 0
        return int(max((self.boxes[:, 1] - self.boxes[:, 0]).max(), (self.boxes[:, 3] - self.boxes[:, 2]).max()))


def mspa_groups(binary: np.ndarray, connectivity: int = 8) -> Groups:
    """Objects (foreground and missing) joined through the holes they touch (module docstring)."""
    # missing cells are neither foreground nor edge-making: they go with the objects they touch,
    # so that whatever they take part in stays inside one group (conservative: groups only grow)
    fg = np.asarray(binary) != 1
    objects, n_obj = ndimage.label(fg, structure=_STRUCT[connectivity])
    dual = 4 if connectivity == 8 else 8  # background regions take the other connectivity
    regions, n_reg = ndimage.label(~fg, structure=_STRUCT[dual])
    border = np.unique(np.concatenate([regions[0], regions[-1], regions[:, 0], regions[:, -1]]))
    enclosed = np.ones(n_reg + 1, dtype=bool)
    enclosed[border] = False
    enclosed[0] = False
    # object-hole contacts (any of the 8 neighbours: a hole touches its enclosing object and the
    # objects inside it)
    h, w = fg.shape
    a_list, b_list = [], []
    for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
        ra, rb = slice(0, h - dr), slice(dr, h)
        ca, cb = (slice(0, w - dc), slice(dc, w)) if dc >= 0 else (slice(-dc, w), slice(0, w + dc))
        for reg, obj in ((regions[ra, ca], objects[rb, cb]), (regions[rb, cb], objects[ra, ca])):
            hit = enclosed[reg] & (obj > 0)
            if hit.any():
                a_list.append(obj[hit].astype(np.int64))
                b_list.append(reg[hit].astype(np.int64) + n_obj)
    n = n_obj + n_reg + 1
    if a_list:
        a, b = np.concatenate(a_list), np.concatenate(b_list)
        graph = coo_matrix((np.ones(a.size, dtype=np.int8), (a, b)), shape=(n, n)).tocsr()
    else:
        graph = coo_matrix((n, n), dtype=np.int8).tocsr()
    _, comp = connected_components(graph, directed=False)
    # number the groups 1.. by their first object
    obj_comp = comp[1 : n_obj + 1]
    _, first, inv = np.unique(obj_comp, return_index=True, return_inverse=True)
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first)] = np.arange(1, first.size + 1)
    group_of_obj = np.concatenate([[0], rank[inv]])
    label = group_of_obj[objects].astype(np.int32)
    boxes = np.zeros((first.size, 4), dtype=np.int64)
    boxes[:, 0] = boxes[:, 2] = np.iinfo(np.int64).max
    for k, sl in enumerate(ndimage.find_objects(objects)):
        g = group_of_obj[k + 1] - 1
        boxes[g, 0] = min(boxes[g, 0], sl[0].start)
        boxes[g, 1] = max(boxes[g, 1], sl[0].stop)
        boxes[g, 2] = min(boxes[g, 2], sl[1].start)
        boxes[g, 3] = max(boxes[g, 3], sl[1].stop)
    return Groups(label, boxes)


def tile_windows(shape: tuple[int, int], tile: int, overlap: int):
    """(tile box, window box) pairs in raster order; boxes are (r0, r1, c0, c1), ends exclusive."""
    h, w = shape
    for r0 in range(0, h, tile):
        for c0 in range(0, w, tile):
            t = (r0, min(r0 + tile, h), c0, min(c0 + tile, w))
            win = (max(t[0] - overlap, 0), min(t[1] + overlap, h), max(t[2] - overlap, 0), min(t[3] + overlap, w))
            yield t, win


def _grow(boxes: np.ndarray, by: int, shape) -> np.ndarray:
    out = boxes.copy()
    out[:, 0] = np.maximum(out[:, 0] - by, 0)
    out[:, 2] = np.maximum(out[:, 2] - by, 0)
    out[:, 1] = np.minimum(out[:, 1] + by, shape[0])
    out[:, 3] = np.minimum(out[:, 3] + by, shape[1])
    return out


def exact_tiles(groups: Groups, shape, tile: int, overlap: int, edge_width_px: int) -> list[bool]:
    """Per tile (``tile_windows`` order): whether its window gives the whole grid's classes."""
    grown = _grow(groups.boxes, edge_width_px + 1, shape)
    out = []
    for t, win in tile_windows(shape, tile, overlap):
        meets = (grown[:, 0] < t[1]) & (grown[:, 1] > t[0]) & (grown[:, 2] < t[3]) & (grown[:, 3] > t[2])
        g = grown[meets]
        inside = (g[:, 0] >= win[0]) & (g[:, 1] <= win[1]) & (g[:, 2] >= win[2]) & (g[:, 3] <= win[3])
        out.append(bool(inside.all()))
    return out


def mspa_tiled(
    binary: np.ndarray,
    tile: int,
    overlap: int,
    connectivity: int = 8,
    edge_width_px: int = 1,
    transition: bool = True,
    intext: bool = True,
) -> np.ndarray:
    """MSPA tile by tile, each tile run on its window (``overlap`` cells more on each side).

    Exact only where ``exact_tiles`` says so; ``province_mspa`` checks it first.
    """
    out = np.empty(binary.shape, dtype=np.uint8)
    for t, win in tile_windows(binary.shape, tile, overlap):
        sub = binary[win[0] : win[1], win[2] : win[3]]
        if not np.any(sub == 2):  # no foreground: background stays background, missing missing
            res = np.where(sub == 0, 129, 0).astype(np.uint8)
        else:
            res = mspa(sub, connectivity, edge_width_px, transition, intext)
        out[t[0] : t[1], t[2] : t[3]] = res[t[0] - win[0] : t[1] - win[0], t[2] - win[2] : t[3] - win[2]]
    return out


def province_mspa(
    binary: np.ndarray,
    max_memory_mb: float | None = None,
    connectivity: int = 8,
    edge_width_px: int = 1,
    transition: bool = True,
    intext: bool = True,
    tile: int | None = None,
) -> np.ndarray:
    """MSPA of a grid of any size, the same bytes as ``mspa`` on the whole grid.

    The whole grid when its estimated peak (``mspa_memory_mb``) fits ``max_memory_mb`` (None: no
    limit); else tiles (``tile`` cells a side, default the largest square that fits) with the
    overlap that makes every tile exact (largest group extent + 2 (w + 1)), if that window fits;
    else the whole grid anyway, with a note.
    """
    shape = binary.shape
    if max_memory_mb is None or mspa_memory_mb(shape) <= max_memory_mb:
        return mspa(binary, connectivity, edge_width_px, transition, intext)
    side = int(math.sqrt(max_memory_mb * 2**20 / MSPA_BYTES_PER_CELL))
    groups = mspa_groups(binary, connectivity)
    overlap = groups.largest_extent + 2 * (edge_width_px + 1)
    tile = tile or side - 2 * overlap
    if tile < 1 or not all(exact_tiles(groups, shape, tile, overlap, edge_width_px)):
        warnings.warn(
            f"MSPA: the largest habitat group spans {groups.largest_extent} cells, too large for tiles within "
            f"run.max_memory_mb = {max_memory_mb:g}; the whole grid is run (about {mspa_memory_mb(shape):.0f} MB)",
            EconetWarning,
            stacklevel=2,
        )
        return mspa(binary, connectivity, edge_width_px, transition, intext)
    return mspa_tiled(binary, tile, overlap, connectivity, edge_width_px, transition, intext)
