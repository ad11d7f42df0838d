"""The cost-distance kernel: Dijkstra on the 8-neighbour grid, in numba (docs/methods/corridors.md).

Step cost between neighbouring cells u and v is (r_u + r_v) / 2 x step length, with step
length = cell size for rook moves and √2 x cell size for diagonal moves: GRASS r.cost's
default rule (and ArcGIS Cost Distance's). Costs are in resistance units x metres (r.cost
counts steps in cells, so its values are these divided by the cell size). Cells with NaN,
infinite or non-positive resistance are impassable. Every source cell starts at cost 0.

The priority queue is a ring of buckets no wider than the cheapest step (Dial's algorithm):
every cell in the current bucket is final, so a bucket's cells are visited in the order they
were queued (chunks of 64 cells, filled and drained sequentially).

Two entry points share the search:

- ``cost_distance``: all sources at once (cost to the cheapest source, allocation, back-links).
  The sources are split into two spatial groups searched by two threads; each thread stops
  expanding a cell as soon as the other group already reaches it strictly cheaper, so the two
  searches together touch each cell about once. Exact ties between the groups go to the first
  group, so results do not depend on thread timing.
- ``source_costs``: one bounded search per source (for pairs and corridors), stopped once every
  wanted partner source is reached and the costs exceed the last partner's cost plus a margin.
  Each search is a Dask task (econet.tasks: threads here, or a cluster); each result is kept
  sparse (only the cells it reached).
"""

from __future__ import annotations

import functools
import math
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numba
import numpy as np

from econet.steps import counter
from econet.tasks import map_tasks

# Neighbour offsets; back-link k means "the predecessor lies at (row - DR[k], col - DC[k])".
DR = np.array([-1, -1, -1, 0, 0, 1, 1, 1], dtype=np.int64)
DC = np.array([-1, 0, 1, -1, 1, -1, 0, 1], dtype=np.int64)
STEP = np.array([math.sqrt(2), 1, math.sqrt(2), 1, 1, math.sqrt(2), 1, math.sqrt(2)])

DEFAULT_THREADS = 2  # fixed (not the machine's core count) so that results are reproducible

# The kernels copy arrays with loops, never slice assignment (``a[:n] = b[:n]``): numba compiles
# the error message of a failed slice assignment on first use, about 2 s per process on a cold
# cache, for code that never runs here.


@dataclass
class CostDistance:
    """Accumulated cost (float64, inf where unreachable), allocation (label of the cheapest
    source, 0 if none; None when not asked for) and back-links (int8 direction to the
    predecessor, -1 at sources)."""

    cost: np.ndarray
    allocation: np.ndarray | None
    backlink: np.ndarray


@dataclass
class SourceCost:
    """One source's bounded search, kept sparse: flat cell indices (int32) and their
    cost (float32, resistance x m); ``reached`` maps each partner reached to (LCD, the first
    cell of it reached); ``paths`` maps it to the cells (row, col) of the least-cost path to it.
    ``margin`` is the margin the search ran with; every cell whose cost is below ``reach`` is
    in the result (inf when the search ran out of cells), so it is exact up to there."""

    source: int
    index: np.ndarray
    cost: np.ndarray
    reached: dict[int, tuple[float, int]]
    paths: dict[int, np.ndarray]
    margin: float = 0.0
    reach: float = math.inf


def _check(resistance: np.ndarray, source_labels: np.ndarray, cell_size_m: float) -> np.ndarray:
    if resistance.ndim != 2 or resistance.shape != source_labels.shape:
        raise ValueError(
            f"resistance {resistance.shape} and source labels {source_labels.shape} must be 2-D and the same shape"
        )
    if not (cell_size_m > 0):
        raise ValueError(f"cell size must be positive, got {cell_size_m}")
    if resistance.dtype not in (np.float32, np.float64):
        resistance = resistance.astype(np.float64)
    return np.ascontiguousarray(resistance)


def cost_distance(
    resistance: np.ndarray,
    source_labels: np.ndarray,
    cell_size_m: float,
    max_cost: float | None = np.inf,
    *,
    threads: int = DEFAULT_THREADS,
    allocation: bool = True,
) -> CostDistance:
    """Cumulative least cost from every labelled source cell (labels > 0) over ``resistance``.

    Costs above ``max_cost`` are not expanded (left at inf), which bounds the search. Uses
    ``threads`` (1 or 2) threads; float32 resistance is used without a copy. Without
    ``allocation`` the allocation is not computed (one pass over the grid less).
    """
    res = _check(resistance, source_labels, cell_size_m)
    max_cost = np.inf if max_cost is None else float(max_cost)
    rows, cols = np.nonzero(source_labels > 0)
    labels = source_labels[rows, cols].astype(np.int32)
    h, w = res.shape
    flat = (rows * w + cols).astype(np.int64)
    ids = np.unique(labels)
    queue = _bucket_width(res, float(cell_size_m))

    def new_alloc():  # a 1 x 1 placeholder when not wanted (the kernels then skip it)
        return np.zeros((h, w) if allocation else (1, 1), np.int32)

    if threads < 2 or ids.size < 2:
        cost = np.full((h, w), np.inf)
        alloc = new_alloc()
        back = np.full((h, w), -1, np.int8)
        _run(res, flat, labels, cell_size_m, max_cost, cost, _NONE_F, alloc, back, queue)
        return CostDistance(cost, alloc if allocation else None, back)
    in_left = np.isin(labels, _first_group(rows, cols, labels, ids, (h, w)))
    # Each thread fills its own work arrays (their pages are faulted in on both cores at once),
    # then waits for the other's: a group reads the other's costs from its first step.
    costs = [np.empty((h, w)) for _ in range(2)]
    allocs = [new_alloc() for _ in range(2)]
    backs = [np.empty((h, w), np.int8) for _ in range(2)]
    filled = threading.Barrier(2)

    def group(g, sel):
        try:
            costs[g].fill(np.inf)
            backs[g].fill(-1)
        except BaseException:
            filled.abort()
            raise
        filled.wait()
        _run(res, flat[sel], labels[sel], cell_size_m, max_cost, costs[g], costs[1 - g], allocs[g], backs[g], queue)

    with ThreadPoolExecutor(2) as pool:
        jobs = [pool.submit(group, g, sel) for g, sel in enumerate((in_left, ~in_left))]
        for j in jobs:
            j.result()
    _merge(costs[0], costs[1], allocs[0], allocs[1], backs[0], backs[1])
    return CostDistance(costs[0], allocs[0] if allocation else None, backs[0])


def _first_group(rows, cols, labels, ids, shape) -> np.ndarray:
    """The sources of the first of two spatial groups, one per thread: split along the grid's
    columns or rows where the areas nearest each group (estimated on a coarse grid from the
    source centres) are closest to half each, so the two threads do about the same work."""
    counts = np.bincount(labels, minlength=int(ids.max()) + 1)[ids]
    cy = np.bincount(labels, weights=rows, minlength=int(ids.max()) + 1)[ids] / counts
    cx = np.bincount(labels, weights=cols, minlength=int(ids.max()) + 1)[ids] / counts
    h, w = shape
    gy, gx = np.meshgrid((np.arange(64) + 0.5) * h / 64, (np.arange(64) + 0.5) * w / 64, indexing="ij")
    d2 = (gy.ravel()[:, None] - cy[None, :]) ** 2 + (gx.ravel()[:, None] - cx[None, :]) ** 2
    area = np.bincount(np.argmin(d2, axis=1), minlength=ids.size).astype(float)
    best = None
    for centre in (cx, cy):
        order = np.lexsort((ids, centre))
        share = np.cumsum(area[order])[:-1] / area.sum()  # first group = order[: k + 1]
        k = int(np.argmin(np.abs(share - 0.5)))
        gap = abs(share[k] - 0.5)
        if best is None or gap < best[0]:
            best = (gap, ids[order[: k + 1]])
    return best[1]


_NO_WANT = np.zeros(0, dtype=np.bool_)
_NO_ZONES = np.zeros((1, 1), dtype=np.int32)


_NONE_F = np.zeros((1, 1))
_NONE_I = np.zeros((1, 1), dtype=np.int32)


def _run(res, flat, labels, cell_size_m, max_cost, cost, other, alloc, back, queue):
    width, ring = queue
    _search(
        res, flat, labels, float(cell_size_m), max_cost, cost, other, alloc, back, width, ring, _NO_ZONES, _NO_WANT, 0.0
    )
    if alloc.shape == back.shape:
        _fill_allocation(back, alloc)


@numba.njit(cache=True, nogil=True)
def _fill_allocation(back, alloc):
    """Allocation from back-links: each cell takes the label at the end of its back-link chain
    (computed after the search, which keeps the label array out of its inner loop)."""
    h, w = back.shape
    chain = np.empty(1024, dtype=np.int64)
    for r0 in range(h):
        for c0 in range(w):
            if alloc[r0, c0] != 0 or back[r0, c0] < 0:
                continue
            n = 0
            r, c = r0, c0
            while alloc[r, c] == 0 and back[r, c] >= 0:
                if n == chain.size:
                    bigger = np.empty(chain.size * 2, dtype=np.int64)
                    for i in range(n):  # a loop, not slice assignment (see the top)
                        bigger[i] = chain[i]
                    chain = bigger
                chain[n] = r * w + c
                n += 1
                k = back[r, c]
                r -= DR[k]
                c -= DC[k]
            lab = alloc[r, c]
            for i in range(n):
                alloc[chain[i] // w, chain[i] % w] = lab


@numba.njit(cache=True, nogil=True)
def _merge(c0, c1, a0, a1, b0, b1):
    """Keep group 1 where it is strictly cheaper; ties go to group 0 (results into group 0's
    arrays). The allocations ``a0``, ``a1`` are 1 x 1 placeholders when not computed."""
    h, w = c0.shape
    alloc = a0.shape == c0.shape
    for r in range(h):
        for c in range(w):
            if c1[r, c] < c0[r, c]:
                c0[r, c] = c1[r, c]
                if alloc:
                    a0[r, c] = a1[r, c]
                b0[r, c] = b1[r, c]


def source_costs(
    resistance: np.ndarray,
    source_labels: np.ndarray,
    cell_size_m: float,
    partners: dict[int, list[int]],
    *,
    margin: float = 0.0,
    max_cost: float | None = None,
    trace: bool = True,
    threads: int = DEFAULT_THREADS,
):
    """One bounded search per source in ``partners`` (source id -> the ids it must reach).

    Each search stops once all its partners are reached and costs exceed the dearest partner's
    cost plus ``margin`` (or at ``max_cost``). Yields ``SourceCost`` per source, in the order of
    ``partners``, with ``paths`` (partner id -> cells from the source to the partner, when
    ``trace``). The searches are Dask tasks (``econet.tasks``): ``threads`` threads here, or the
    cluster of the scheduler in use; each thread keeps one dense cost and back-link work array
    (9 bytes per cell) for its next search.
    """
    res = _check(resistance, source_labels, cell_size_m)
    labels = np.ascontiguousarray(source_labels, dtype=np.int32)
    top = int(labels.max(initial=0))
    cells = np.flatnonzero(labels > 0)
    cells = cells[np.argsort(labels.ravel()[cells], kind="stable")]  # by label, then flat index
    starts = np.concatenate([[0], np.cumsum(np.bincount(labels.ravel()[cells], minlength=top + 1))])
    items = []
    for src in partners:
        flat = cells[starts[src] : starts[src + 1]] if 0 < src <= top else cells[:0]
        if flat.size == 0:
            raise ValueError(f"source {src} has no cells")
        want = sorted({int(b) for b in partners[src] if b != src and 0 < b <= top})
        items.append((int(src), flat.astype(np.int64), want))
    token = uuid.uuid4().hex
    shared = {
        "res": res,
        "labels": labels,
        "cell_size_m": float(cell_size_m),
        "cap": np.inf if max_cost is None else float(max_cost),
        "margin": float(margin),
        "trace": bool(trace),
        "queue": _bucket_width(res, float(cell_size_m)),
        "scratch": token,
    }
    yield from map_tasks(
        _source_search,
        items,
        shared=shared,
        workers=max(1, threads),
        release=functools.partial(_drop_scratch, token),
        done=counter("least-cost searches (one per source)", len(items)),
    )


# Work arrays free for the next search, per call of source_costs (its token), in this process:
# a search leaves them reset (``_harvest``), so each thread allocates them once per call.
_SCRATCH: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}


def _drop_scratch(token: str) -> None:
    _SCRATCH.pop(token, None)


def _source_search(item, *, res, labels, cell_size_m, cap, margin, trace, queue, scratch) -> SourceCost:
    """The bounded search of one source (a task of ``source_costs``): item = (source id, its
    cells (flat int64), the partner ids it must reach)."""
    src, flat, partner_ids = item
    h, w = res.shape
    free = _SCRATCH.setdefault(scratch, [])
    try:
        cost, back = free.pop()  # list.pop is atomic: no two threads get the same arrays
    except IndexError:
        cost, back = np.full((h, w), np.inf), np.full((h, w), -1, np.int8)
    want = np.zeros(max(partner_ids, default=0) + 1, dtype=np.bool_)
    want[partner_ids] = True
    width, ring = queue
    visited, final_below, reach_cost, reach_cell = _search(
        res,
        flat,
        np.full(flat.size, src, np.int32),
        cell_size_m,
        cap,
        cost,
        _NONE_F,
        _NONE_I,
        back,
        width,
        ring,
        labels,
        want,
        margin,
    )
    reached = {int(b): (float(reach_cost[b]), int(reach_cell[b])) for b in np.flatnonzero(reach_cell >= 0)}
    paths = {}
    if trace:
        for b, (_, cell_idx) in reached.items():
            paths[b] = _trace(back, cell_idx // w, cell_idx % w)[::-1].copy()
    index, values = _harvest(cost, back, visited, final_below)
    free.append((cost, back))  # reset by _harvest; arrays of a search that failed are not reused
    # Cells dearer than the cap were never queued, so the result is complete only below both.
    return SourceCost(src, index, values, reached, paths, margin, min(float(final_below), cap))


@numba.njit(cache=True, nogil=True)
def _harvest(cost, back, visited, final_below):
    """The final costs of the cells a search wrote (int32 index, float32 cost), and the work
    arrays reset to their initial state, in one pass without the GIL."""
    w = cost.shape[1]
    index = np.empty(visited.size, dtype=np.int32)
    values = np.empty(visited.size, dtype=np.float32)
    n = 0
    for k in range(visited.size):
        i = visited[k]
        r = i // w
        c = i - r * w
        v = cost[r, c]
        if v < final_below:
            index[n] = i
            values[n] = v
            n += 1
        cost[r, c] = np.inf
        back[r, c] = -1
    return index[:n].copy(), values[:n].copy()


def trace_path(backlink: np.ndarray, row: int, col: int) -> np.ndarray:
    """Cells (row, col) from (row, col) back to its source, following back-links."""
    return _trace(backlink, int(row), int(col))


@numba.njit(cache=True)
def _trace(back, r, c):
    out = np.empty((256, 2), dtype=np.int64)
    n = 0
    while True:
        if n == out.shape[0]:
            bigger = np.empty((out.shape[0] * 2, 2), dtype=np.int64)
            for i in range(n):
                bigger[i, 0] = out[i, 0]
                bigger[i, 1] = out[i, 1]
            out = bigger
        out[n, 0] = r
        out[n, 1] = c
        n += 1
        k = back[r, c]
        if k < 0:
            break
        r -= DR[k]
        c -= DC[k]
    return out[:n].copy()


def _bucket_width(res: np.ndarray, cell: float) -> tuple[float, int]:
    """Bucket width and ring size of the bucket queue.

    With a width no larger than the cheapest step, a cell's predecessor always sits in an
    earlier bucket, so every bucket holds final costs (Dial's algorithm, exact). Very wide
    resistance ranges cap the ring at 2^20 buckets; the search then corrects labels inside a
    bucket (a cell improved later is expanded again), which stays exact, only slower.
    """
    lo, hi = _passable_range(res)
    if not hi > 0:
        return 1.0, 2
    width = lo * cell * (1.0 - 1e-9)
    ring = int(math.ceil(hi * math.sqrt(2) * cell / width)) + 2
    if ring > 1 << 20:
        ring = 1 << 20
        width = hi * math.sqrt(2) * cell / (ring - 2)
    return width, ring


@numba.njit(cache=True, nogil=True)
def _passable_range(res):
    lo, hi = np.inf, 0.0
    for v in res.ravel():
        if v > 0.0 and math.isfinite(v):
            lo = min(lo, v)
            hi = max(hi, v)
    return lo, hi


@numba.njit(cache=True, nogil=True)
def _search(res, flat, labels, cell, max_cost, cost, other, alloc, back, width, ring, zones, want, margin):
    """Bucket-queue Dijkstra from a group of sources writing ``cost``, ``alloc`` and ``back``.

    The other group's costs (``other``, same shape, or 1 x 1 when there is none) prune it. With ``want`` non-empty (a per-source search), the
    search stops once every label with ``want[label]`` has been reached (a cell of that label in
    ``zones`` settled) and costs exceed the dearest of them plus ``margin``. Returns the cells
    it settled (flat, in order), the cost bound below which they are final, and per label the
    cost and cell where it was first reached (inf and -1 when not reached).
    """
    h, w = cost.shape
    cost_f = cost.reshape(cost.size)  # flat views: neighbours are fixed offsets away (C order)
    res_f = res.reshape(res.size)
    back_f = back.reshape(back.size)
    other_f = other.reshape(other.size)
    off = DR * w + DC
    half_step = 0.5 * STEP * cell
    inv_width = 1.0 / width
    prune = other.shape[0] == h and other.shape[1] == w
    record = zones.shape[0] == h and zones.shape[1] == w  # a per-source search lists the cells it wrote
    track = alloc.shape[0] == h and alloc.shape[1] == w  # labels the sources; the rest is filled afterwards
    # Each bucket is a chain of fixed-size chunks filled in order: pushes and drains walk memory
    # sequentially, and emptied chunks are recycled.
    head = np.full(ring, -1, dtype=np.int64)
    tail = np.full(ring, -1, dtype=np.int64)
    chunks = np.empty((256, _CHUNK), dtype=np.int64)
    c_cost = np.empty((256, _CHUNK), dtype=np.float64)  # the cost each cell was queued with
    c_next = np.full(256, -1, dtype=np.int64)
    c_fill = np.zeros(256, dtype=np.int64)
    free = -1
    top = 0
    live = 0
    visited = np.empty(1 << 12, dtype=np.int64)
    nvis = 0
    reach_cost = np.full(want.size, np.inf)
    reach_cell = np.full(want.size, -1, dtype=np.int64)
    missing = 0
    for lab in range(want.size):
        if want[lab]:
            missing += 1
    stop_at = max_cost
    if missing == 0 and record:
        stop_at = min(max_cost, margin)
    for s in range(flat.size):
        r = flat[s] // w
        c = flat[s] - r * w
        if cost[r, c] == 0.0:
            continue
        if record:
            visited, nvis = _append(visited, nvis, flat[s])
        cost[r, c] = 0.0
        if track:
            alloc[r, c] = labels[s]
        chunks, c_cost, c_next, c_fill, free, top = _bpush(
            chunks, c_cost, c_next, c_fill, head, tail, 0, flat[s], 0.0, free, top
        )
        live += 1
    cur = 0
    buf = np.empty(1 << 12, dtype=np.int64)
    buf_cost = np.empty(1 << 12, dtype=np.float64)
    m = 0
    pos = 0
    slot = 0
    while True:
        if pos == m:
            # Next bucket: take its cells in the order they were queued (all are final, so the
            # order within a bucket is free; queue order follows the fronts, which keeps the
            # caches warm on big grids).
            slot = cur % ring
            while head[slot] < 0 and live > 0:
                cur += 1
                slot = cur % ring
            if live == 0 or cur * width > stop_at:
                break
            m = 0
            ch = head[slot]
            while ch >= 0:
                k_n = c_fill[ch]
                if m + k_n > buf.size:
                    bigger = np.empty(max(buf.size * 2, m + k_n), dtype=np.int64)
                    bigger_cost = np.empty(bigger.size, dtype=np.float64)
                    for i in range(m):
                        bigger[i] = buf[i]
                        bigger_cost[i] = buf_cost[i]
                    buf = bigger
                    buf_cost = bigger_cost
                for i in range(k_n):
                    buf[m + i] = chunks[ch, i]
                    buf_cost[m + i] = c_cost[ch, i]
                m += k_n
                live -= k_n
                nxt = c_next[ch]
                c_next[ch] = free
                free = ch
                ch = nxt
            head[slot] = -1
            tail[slot] = -1
            pos = 0
        idx = buf[pos]
        d = buf_cost[pos]
        pos += 1
        r = idx // w
        c = idx - r * w
        if d > cost[r, c]:
            continue  # a stale entry: the cell was queued again, cheaper, and expanded then
        if record:
            z = zones[r, c]
            # A bucket is visited in queue order, so the cheapest cell of a partner is known
            # only at the end of the bucket where it is first reached: keep the minimum.
            if z > 0 and z < want.size and want[z] and d < reach_cost[z]:
                if reach_cell[z] < 0:
                    missing -= 1
                    if missing == 0:
                        stop_at = min(max_cost, d + margin)
                reach_cost[z] = d
                reach_cell[z] = idx
        ru = np.float64(res_f[idx])  # sums in double precision, also for float32 surfaces
        if not (ru > 0.0) or not math.isfinite(ru):
            continue
        inner = r > 0 and r < h - 1 and c > 0 and c < w - 1
        for k in range(8):
            if inner:
                j = idx + off[k]
            else:
                rr = r + DR[k]
                cc = c + DC[k]
                if rr < 0 or rr >= h or cc < 0 or cc >= w:
                    continue
                j = rr * w + cc
            cv = cost_f[j]
            if cv <= d:
                continue  # settled no dearer than this cell: no step can improve it (skips a read)
            rv = res_f[j]
            if not (rv > 0.0) or not math.isfinite(rv):
                continue
            nd = d + (ru + rv) * half_step[k]
            if nd < cv and nd <= max_cost:
                # The other group already reaches this cell strictly cheaper: it owns the cell and
                # everything reached through it. Ties are kept so that both sides stay exact.
                if prune and other_f[j] < nd:
                    continue
                if record and cv == np.inf:
                    visited, nvis = _append(visited, nvis, j)
                cost_f[j] = nd
                back_f[j] = k
                b = int(nd * inv_width) - cur
                if b < 0:  # rounding at a bucket edge: stay in the bucket being processed
                    b = 0
                slot_j = slot + b
                if slot_j >= ring:
                    slot_j -= ring
                chunks, c_cost, c_next, c_fill, free, top = _bpush(
                    chunks, c_cost, c_next, c_fill, head, tail, slot_j, j, nd, free, top
                )
                live += 1
    final_below = np.inf if live == 0 and pos == m else cur * width
    return visited[:nvis], final_below, reach_cost, reach_cell


@numba.njit(cache=True, nogil=True, inline="always")
def _append(arr, n, value):
    if n == arr.size:
        bigger = np.empty(arr.size * 2, dtype=np.int64)
        for i in range(n):
            bigger[i] = arr[i]
        arr = bigger
    arr[n] = value
    return arr, n + 1


_CHUNK = 64


@numba.njit(cache=True, nogil=True, inline="always")
def _bpush(chunks, c_cost, c_next, c_fill, head, tail, slot, value, value_cost, free, top):
    t = tail[slot]
    if t < 0 or c_fill[t] == _CHUNK:
        if free >= 0:
            c = free
            free = c_next[c]
        else:
            if top == c_next.size:
                n = c_next.size
                bigger = np.empty((2 * n, _CHUNK), dtype=np.int64)
                bigger_cost = np.empty((2 * n, _CHUNK), dtype=np.float64)
                nn = np.full(2 * n, -1, dtype=np.int64)
                nf = np.zeros(2 * n, dtype=np.int64)
                for i in range(n):
                    for k in range(_CHUNK):
                        bigger[i, k] = chunks[i, k]
                        bigger_cost[i, k] = c_cost[i, k]
                    nn[i] = c_next[i]
                    nf[i] = c_fill[i]
                chunks = bigger
                c_cost = bigger_cost
                c_next = nn
                c_fill = nf
            c = top
            top += 1
        c_fill[c] = 0
        c_next[c] = -1
        if t < 0:
            head[slot] = c
        else:
            c_next[t] = c
        tail[slot] = c
        t = c
    chunks[t, c_fill[t]] = value
    c_cost[t, c_fill[t]] = value_cost
    c_fill[t] += 1
    return chunks, c_cost, c_next, c_fill, free, top
