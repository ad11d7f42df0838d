"""Omnidirectional connectivity by moving-window circuit theory (McRae et al. 2016, Omniscape;
Landau et al. 2021, Omniscape.jl 0.6).

Every cell with source strength > 0 (after a threshold) is a potential source. Targets are the
centres of ``block_size`` x ``block_size`` blocks (odd sizes; one in every ``block_size`` cells
along each axis); a target's strength is the sum of the sources in its block. For each target the
resistance is clipped to a circle of ``radius + buffer`` cells around it, the target is grounded
(directly, at 0 V) and its strength, in amperes, is injected at the sources within ``radius``
cells, shared out in proportion to their strengths (the sources in the target's own block are
left out). Circuitscape's advanced mode solves the window; the node currents of every window are
summed into the *cumulative current*. The *flow potential* is the same sum with every resistance
1 (the window box free of nodata), and the *normalized current* is their ratio: > 1 where the
landscape channels more current than an empty one would.

The radius, block and buffer are in cells (Omniscape.jl's convention); convert metres with the
cell size. ``correct_artifacts`` scales each window's currents by Omniscape's block-artifact
correction (blocks of sources lumped into one target inflate the currents near it).

Omniscape.jl 0.6 leaves out the sources of the block at the window's nominal centre
(``radius + buffer`` cells from its top-left corner) rather than around the target; the two
differ only for windows cut by the top or left edge of the grid, where it leaves the target's own
block in and drops another. econet leaves out the target's block; ``as_omniscape_jl=True``
reproduces Omniscape.jl (``econet omniscape CONFIG.ini`` uses it, to give Omniscape's results).

The per-window solves are independent: ``targets`` lists them, ``solve_window`` solves one, and
``omniscape`` maps ``solve_window`` over the targets with any order-preserving ``mapper`` (the
built-in ``map`` by default) and sums the windows in target order, so the result does not depend
on how the windows were scheduled.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from functools import partial
from typing import Callable, Iterable, Iterator

import numpy as np

from econet.circuit.currents import node_currents
from econet.circuit.graph import raster_graph
from econet.circuit.modes import EMPTY, advanced
from econet.circuit.solve import GroundedSolver
from econet.errors import EconetWarning


@dataclass(frozen=True)
class Target:
    """One moving-window target: its cell (row, column; 0-based) and the amperes it draws."""

    row: int
    col: int
    amps: float


@dataclass(frozen=True)
class Windows:
    """What every window solve reads (shared, read-only): the grid's conductance (0: no node),
    the source strengths and the window settings, in cells."""

    conductance: np.ndarray
    source: np.ndarray
    radius: int
    block_size: int = 1
    buffer: int = 0
    four_neighbours: bool = False
    flow_potential: bool = True
    correction: np.ndarray | None = None
    method: str = "auto"
    as_omniscape_jl: bool = False  # leave out the block at the window's nominal centre (see above)

    @property
    def reach(self) -> int:
        """Half the side of a window's box, in cells."""
        return self.radius + self.buffer


@dataclass
class WindowCurrent:
    """One window's node currents on its box (rows r0.., columns c0..)."""

    r0: int
    c0: int
    current: np.ndarray
    flow: np.ndarray | None


@dataclass
class OmniscapeResult:
    cumulative: np.ndarray  # A per cell, NaN where the resistance is nodata (with mask_nodata)
    flow_potential: np.ndarray | None  # the same sum with every resistance 1
    normalized: np.ndarray | None  # cumulative / flow potential (0 where both are 0)
    targets: int  # windows solved


def check_block_size(block_size: int) -> int:
    """Omniscape.jl's rule: an even block size is raised by one (with a note)."""
    if block_size < 1:
        raise ValueError(f"block_size must be at least 1, not {block_size}")
    if block_size % 2 == 0:
        warnings.warn(
            f"block_size {block_size} is even; {block_size + 1} is used (blocks centre on a cell)",
            EconetWarning,
            stacklevel=2,
        )
        return block_size + 1
    return block_size


def source_from_resistance(resistance: np.ndarray, r_cutoff: float = np.inf) -> np.ndarray:
    """Omniscape.jl's ``source_from_resistance``: strength 1/R, 0 where R > ``r_cutoff`` or nodata (NaN)."""
    r = np.asarray(resistance, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = 1.0 / r
    keep = np.isfinite(s) & (s >= 1.0 / r_cutoff)
    return np.where(keep, s, 0.0)


def targets(source: np.ndarray, block_size: int) -> list[Target]:
    """Block centres with their strength (the sum of the sources in the block), those > 0 only,
    in raster order (Omniscape.jl's ``get_targets``)."""
    s = np.asarray(source, dtype=np.float64)
    b, half = block_size, (block_size - 1) // 2
    nr, nc = s.shape[0] // b, s.shape[1] // b  # the blocks that fit whole, from the top-left corner
    sums = s[: nr * b, : nc * b].reshape(nr, b, nc, b).sum(axis=(1, 3))
    rows, cols = np.nonzero(sums > 0)
    return [Target(int(r) * b + half, int(c) * b + half, float(sums[r, c])) for r, c in zip(rows, cols)]


def _disc(shape: tuple[int, int], centre: tuple[int, int], radius: int) -> np.ndarray:
    """Cells within ``radius`` cells (Euclidean, between cell centres) of ``centre``."""
    rr, cc = np.ogrid[: shape[0], : shape[1]]
    return np.hypot(rr - centre[0], cc - centre[1]) <= radius


def _window_sources(
    src: np.ndarray, centre: tuple[int, int], radius: int, block: tuple[int, int], half: int, amps: float
):
    """The sources of one window box: those within ``radius`` of the target, less the block of
    half-width ``half`` around cell ``block``, scaled to sum to ``amps``. None if none is left."""
    s = np.where(_disc(src.shape, centre, radius), src, 0.0)
    s[max(block[0] - half, 0) : block[0] + half + 1, max(block[1] - half, 0) : block[1] + half + 1] = 0.0
    pos = s > 0
    total = s[pos].sum()
    if total == 0:
        return None
    s[pos] = s[pos] * amps / total
    return s


def _currents(conductance: np.ndarray, sources: np.ndarray, centre: tuple[int, int], four: bool, method: str):
    """Node currents per cell of a window solved in Circuitscape's advanced mode: ``sources`` in
    amperes, the ``centre`` cell grounded directly (a source there is dropped, Circuitscape's
    ``rmvsrc``). Cells without a node carry 0."""
    graph = raster_graph(conductance, four_neighbours=four)
    nodes = graph.node_of_cell
    src = np.zeros(graph.n)
    has = nodes >= 0
    np.add.at(src, nodes[has], sources[has])
    gnd = np.zeros(graph.n)
    target = nodes[centre]
    if target < 0:  # the target is on nodata: nothing is grounded, no current
        return np.zeros(conductance.shape)
    gnd[target] = np.inf
    out = advanced(graph, src, gnd, method=method)
    return graph.to_grid(out.current)


_THREAD = threading.local()


def _open_box(side: int, four: bool, method: str):
    """The graph of an open ``side``² box of conductance 1 grounded at its centre, and its
    factorisation: every window not cut by the grid's edges solves its flow potential on it, so it
    is factored once per thread (the solver is not shared between threads)."""
    key = (side, four, method)
    cached = getattr(_THREAD, "box", None)
    if cached is None or cached[0] != key:
        graph = raster_graph(np.ones((side, side)), four_neighbours=four)
        solver = GroundedSolver(graph.laplacian(), [graph.node_of_cell[side // 2, side // 2]], method=method)
        if cached is not None:
            cached[2].free()
        _THREAD.box = cached = (key, graph, solver)
    return cached[1], cached[2]


def _flow_currents(sources: np.ndarray, centre: tuple[int, int], four: bool, method: str, full: bool):
    """The window's currents with every resistance 1 (the flow potential's share)."""
    if not full:
        return _currents(np.ones(sources.shape), sources, centre, four, method)
    graph, solver = _open_box(sources.shape[0], four, method)
    volt = solver.solve(sources.ravel())  # the box's nodes are its cells in raster order
    return node_currents(graph.u, graph.v, graph.w, volt, EMPTY).reshape(sources.shape)


def solve_window(windows: Windows, target: Target) -> WindowCurrent:
    """Solve one moving window (Omniscape.jl's ``solve_target!``)."""
    g, s = windows.conductance, windows.source
    h, w = g.shape
    reach, radius = windows.reach, windows.radius
    half = (windows.block_size - 1) // 2
    r0, r1 = max(target.row - reach, 0), min(target.row + reach + 1, h)
    c0, c1 = max(target.col - reach, 0), min(target.col + reach + 1, w)
    centre = (target.row - r0, target.col - c0)
    shape = (r1 - r0, c1 - c0)
    block = (reach, reach) if windows.as_omniscape_jl else centre
    src = _window_sources(s[r0:r1, c0:c1], centre, radius, block, half, target.amps)
    if src is None:
        return WindowCurrent(r0, c0, np.zeros(shape), np.zeros(shape) if windows.flow_potential else None)
    cond = np.where(_disc(shape, centre, reach), g[r0:r1, c0:c1], 0.0)
    four = windows.four_neighbours
    current = _currents(cond, src, centre, four, windows.method)
    flow = None
    if windows.flow_potential:
        full = shape == (2 * reach + 1, 2 * reach + 1)
        flow = _flow_currents(src, centre, four, windows.method, full)
    if windows.correction is not None:
        corr = _cut(windows.correction, shape, target, (h, w), reach)
        current = current * corr
        flow = flow * corr if flow is not None else None
    return WindowCurrent(r0, c0, current, flow)


def _cut(correction: np.ndarray, shape: tuple[int, int], target: Target, grid: tuple[int, int], reach: int):
    """The part of the correction array over a window cut by the grid's edges."""
    sl = []
    for size, pos, extent in zip(shape, (target.row, target.col), grid):
        lower, upper = 0, correction.shape[len(sl)]
        if pos > extent - 1 - reach:
            upper = size
        if pos < reach:
            lower = upper - size
        sl.append(slice(lower, upper))
    return correction[tuple(sl)]


def block_correction(radius: int, block_size: int, buffer: int = 0, four_neighbours: bool = False) -> np.ndarray:
    """Omniscape.jl's block-artifact correction (``calc_correction``) on a uniform landscape:
    the current of one source per cell (each cell a target) summed over a block, over the current
    of the block lumped into one target. A (2 (radius + buffer) + 1)² array, 1 where undefined."""
    reach = radius + buffer
    n = 2 * reach + 1
    half = (block_size - 1) // 2
    centre = (reach, reach)
    inside = _disc((n, n), centre, radius).astype(np.float64)
    single = inside.copy()
    single[centre] = 0.0
    single[single != 0] = 1.0 / (inside.sum() - 1)
    blocked = _window_sources(inside, centre, radius, centre, half, float(block_size**2))
    if blocked is None:  # the block covers the whole disc: no window carries current anyway
        return np.ones((n, n))
    cond = _disc((n, n), centre, reach).astype(np.float64)
    lumped = _currents(cond, blocked, centre, four_neighbours, "auto")
    one = _currents(cond, single, centre, four_neighbours, "auto")
    summed = np.zeros((n + 2 * half, n + 2 * half))
    for dr in range(block_size):
        for dc in range(block_size):
            summed[dr : dr + n, dc : dc + n] += one
    summed = summed[half : half + n, half : half + n]
    summed[lumped == 0] = 0.0
    summed[summed == 0] = 1.0
    lumped[lumped == 0] = 1.0
    return summed / lumped


def solve_windows(windows: Windows, todo: Iterable[Target], mapper: Callable = map) -> Iterator[WindowCurrent]:
    """The solved windows, in the order of ``todo``; ``mapper(f, items)`` may run them anywhere."""
    return mapper(partial(solve_window, windows), todo)


def omniscape(
    resistance: np.ndarray,
    source: np.ndarray,
    radius: int,
    block_size: int = 1,
    buffer: int = 0,
    correct_artifacts: bool = True,
    flow_potential: bool = True,
    mask_nodata: bool = True,
    resistance_is_conductance: bool = False,
    four_neighbours: bool = False,
    method: str = "auto",
    as_omniscape_jl: bool = False,
    mapper: Callable = map,
) -> OmniscapeResult:
    """Cumulative current, flow potential and normalized current over a grid (cells; NaN = nodata).

    ``source`` holds the source strengths (NaN or <= 0: none; apply any threshold first).
    ``radius``, ``block_size`` and ``buffer`` are in cells. Resistances must be > 0.
    """
    res = np.asarray(resistance, dtype=np.float64)
    nodata = ~np.isfinite(res)
    if np.any(res[~nodata] <= 0):
        raise ValueError("resistances must be > 0 (use NaN for nodata)")
    if radius < 1:
        raise ValueError(f"radius must be at least 1 cell, not {radius}")
    block_size = check_block_size(int(block_size))
    with np.errstate(divide="ignore"):
        g = np.where(nodata, 0.0, res if resistance_is_conductance else 1.0 / np.where(nodata, 1.0, res))
    src = np.nan_to_num(np.asarray(source, dtype=np.float64), nan=0.0)
    src = np.where(src > 0, src, 0.0)
    correction = None
    if correct_artifacts and block_size > 1:
        correction = block_correction(radius, block_size, buffer, four_neighbours)
    windows = Windows(
        g,
        src,
        int(radius),
        block_size,
        int(buffer),
        four_neighbours,
        flow_potential,
        correction,
        method,
        as_omniscape_jl,
    )
    todo = targets(src, block_size)
    cum = np.zeros(res.shape)
    fp = np.zeros(res.shape) if flow_potential else None
    for win in solve_windows(windows, todo, mapper):
        h, w = win.current.shape
        cum[win.r0 : win.r0 + h, win.c0 : win.c0 + w] += win.current
        if fp is not None:
            fp[win.r0 : win.r0 + h, win.c0 : win.c0 + w] += win.flow
    norm = None
    if fp is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            norm = np.nan_to_num(cum / fp, nan=0.0, posinf=np.inf)
    if mask_nodata:
        for arr in (cum, fp, norm):
            if arr is not None:
                arr[nodata] = np.nan
    return OmniscapeResult(cum, fp, norm, len(todo))
