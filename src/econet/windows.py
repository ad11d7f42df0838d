"""Windows over a grid and the exact statistics raster stages gather over them (issue 20).

A raster stage that works window by window holds one window of each layer at a time, so its
working memory is set by the window size, not by the grid. Neighbourhood operations read a window
grown by a halo (their kernel radius) and keep only the core. Whole-grid statistics (minimum and
maximum, means, quantiles, seeded samples) are gathered over the windows by reducers whose result
does not depend on how the grid is cut: order-free (minimum, maximum), exact (sums kept as
integer multiples of powers of two, order statistics by radix selection on the values' bits), or
taken at the same raster-order ranks (samples). The whole grid is the same code with one window.

A *source* is a callable that returns an iterable of ``(window, block)`` pairs covering the grid,
each ``block`` the values on ``window`` (NaN where there is none); it is called once per pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

Source = Callable[[], Iterable[tuple["Window", np.ndarray]]]


@dataclass(frozen=True)
class Window:
    """Rows ``row .. row + height`` and columns ``col .. col + width`` of a grid."""

    row: int
    col: int
    height: int
    width: int

    @property
    def shape(self) -> tuple[int, int]:
        return (self.height, self.width)

    @property
    def slices(self) -> tuple[slice, slice]:
        return (slice(self.row, self.row + self.height), slice(self.col, self.col + self.width))

    def grown(self, halo: int, shape: tuple[int, int]) -> Window:
        """The window grown by ``halo`` cells on every side, clipped to a grid of ``shape``."""
        r0, c0 = max(self.row - halo, 0), max(self.col - halo, 0)
        r1 = min(self.row + self.height + halo, shape[0])
        c1 = min(self.col + self.width + halo, shape[1])
        return Window(r0, c0, r1 - r0, c1 - c0)

    def within(self, outer: Window) -> tuple[slice, slice]:
        """Slices that take this window out of a block read on ``outer`` (which contains it)."""
        r, c = self.row - outer.row, self.col - outer.col
        return (slice(r, r + self.height), slice(c, c + self.width))


def windows(shape: tuple[int, int], size: int | None = None) -> list[Window]:
    """Square windows of ``size`` cells a side covering a grid of ``shape`` in row-major order
    (the last row and column of windows are cut by the grid's edge); one window without ``size``."""
    h, w = int(shape[0]), int(shape[1])
    if size is None or size >= max(h, w):
        return [Window(0, 0, h, w)]
    if size < 1:
        raise ValueError(f"window size must be at least one cell, got {size}")
    return [Window(r, c, min(size, h - r), min(size, w - c)) for r in range(0, h, size) for c in range(0, w, size)]


def window_size(max_memory_mb: float, bytes_per_cell: float, block: int = 256) -> int:
    """The side (cells, a multiple of ``block``, the GeoTIFF tile) of the largest square window
    whose ``bytes_per_cell`` working set fits in ``max_memory_mb`` megabytes (at least one block)."""
    side = int(np.sqrt(max_memory_mb * 2**20 / bytes_per_cell))
    return max(block, side // block * block)


def read_with_halo(read: Callable[[Window], np.ndarray], window: Window, halo: int, shape, op) -> np.ndarray:
    """``op`` applied to the block read on ``window`` grown by ``halo`` (its kernel radius), cut
    back to ``window``: cells within ``halo`` of the window's edge see their true neighbours, and
    the grid's own edges are handled by ``op`` as on the whole grid."""
    outer = window.grown(halo, shape)
    return op(read(outer))[window.within(outer)]


def blocks_of(array: np.ndarray, size: int | None = None) -> Source:
    """A source over an array held in memory (one window by default)."""
    array = np.asarray(array)
    return lambda: ((w, array[w.slices]) for w in windows(array.shape, size))


# ---- order-free and exact reductions ----------------------------------------------------------


def finite_min_max(source: Source) -> tuple[float, float, int]:
    """Minimum, maximum and number of the finite values (NaN, NaN, 0 without any)."""
    lo, hi, n = np.inf, -np.inf, 0
    for _, block in source():
        ok = np.isfinite(block)
        k = int(np.count_nonzero(ok))
        if k:
            lo = min(lo, float(np.min(block, where=ok, initial=np.inf)))
            hi = max(hi, float(np.max(block, where=ok, initial=-np.inf)))
            n += k
    return (lo, hi, n) if n else (np.nan, np.nan, 0)


class ExactSum:
    """The exact sum of float values, as integer mantissa sums per binary exponent: adding
    blocks in any order and cut in any way gives the same total, rounded once at the end."""

    _CHUNK = 1 << 20  # cells per bincount: 2**20 mantissas of < 2**27 sum exactly in float64

    def __init__(self, labels: int = 1):
        self.labels = labels
        self.parts: dict[int, np.ndarray] = {}  # exponent -> per-label integer sums (object ints)
        self.count = np.zeros(labels, dtype=np.int64)

    def add(self, values: np.ndarray, labels: np.ndarray | None = None) -> None:
        """Add the finite ``values`` (to the zone of each ``labels`` cell; labels < ``self.labels``)."""
        v = np.asarray(values, dtype=np.float64).ravel()
        lab = np.zeros(v.size, np.int64) if labels is None else np.asarray(labels).ravel().astype(np.int64)
        for s in range(0, v.size, self._CHUNK):
            self._add(v[s : s + self._CHUNK], lab[s : s + self._CHUNK])

    def _add(self, v: np.ndarray, lab: np.ndarray) -> None:
        ok = np.isfinite(v) & (lab >= 0) & (lab < self.labels)
        v, lab = v[ok], lab[ok]
        self.count += np.bincount(lab, minlength=self.labels)
        v, lab = v[v != 0], lab[v != 0]
        if not v.size:
            return
        mant, exp = np.frexp(v)  # v = mant * 2**exp, 0.5 <= |mant| < 1
        m = (mant * 2.0**53).astype(np.int64)  # exact: 53 significant bits
        hi, lo = m >> 26, m & ((1 << 26) - 1)  # m = hi * 2**26 + lo, |hi| < 2**27, 0 <= lo < 2**26
        for e in np.unique(exp):
            at = exp == e
            for part, shift in ((hi, 26), (lo, 0)):
                sums = np.bincount(lab[at], weights=part[at], minlength=self.labels)  # exact: < 2**47
                key = int(e) - 53 + shift
                acc = self.parts.setdefault(key, np.zeros(self.labels, dtype=object))
                acc += sums.astype(np.int64).astype(object)

    def totals(self) -> np.ndarray:
        """The sum per label (float64), each the exact sum correctly rounded."""
        out = np.zeros(self.labels)
        for i in range(self.labels):
            total = sum((Fraction(int(acc[i])) * Fraction(2) ** key for key, acc in self.parts.items()), Fraction(0))
            out[i] = float(total)
        return out

    def means(self) -> np.ndarray:
        """The mean per label (exact quotient correctly rounded; NaN for a label without values)."""
        out = np.full(self.labels, np.nan)
        for i in np.flatnonzero(self.count):
            total = sum((Fraction(int(acc[i])) * Fraction(2) ** key for key, acc in self.parts.items()), Fraction(0))
            out[i] = float(total / int(self.count[i]))
        return out


def exact_mean(source: Source) -> float:
    """The mean of the finite values, exactly (see :class:`ExactSum`); NaN without any."""
    acc = ExactSum()
    for _, block in source():
        acc.add(block)
    return float(acc.means()[0])


def _keys(values: np.ndarray) -> np.ndarray:
    """uint64 keys in the order of the float64 values (IEEE bits, negatives flipped)."""
    bits = np.asarray(values, dtype=np.float64).view(np.uint64)
    neg = (bits >> np.uint64(63)).astype(bool)
    return np.where(neg, ~bits, bits | np.uint64(1 << 63))


def _value(key: int) -> float:
    bits = key & ~(1 << 63) if key >> 63 else ~key & ((1 << 64) - 1)
    return float(np.array([bits], dtype=np.uint64).view(np.float64)[0])


def order_statistics(source: Source, ranks) -> np.ndarray:
    """The values of 0-based ``ranks`` among the finite values sorted ascending, exactly, by radix
    selection on the float64 bits: four passes over the source, 16 bits each (Knuth 1998,
    *The Art of Computer Programming* vol. 3, §5.2.5), holding 65 536 counts per rank."""
    ranks = [int(r) for r in ranks]
    prefix = {r: 0 for r in ranks}  # key bits fixed so far
    left = {r: r for r in ranks}  # rank among the values with that prefix
    for shift in (48, 32, 16, 0):
        wanted = sorted(set(prefix.values()))
        counts = {p: np.zeros(1 << 16, dtype=np.int64) for p in wanted}
        for _, block in source():
            k = _keys(block[np.isfinite(block)])
            top = k >> np.uint64(shift + 16) if shift < 48 else np.zeros(k.size, np.uint64)
            for p in wanted:
                sel = k[top == np.uint64(p >> (shift + 16))] if shift < 48 else k
                counts[p] += np.bincount(
                    ((sel >> np.uint64(shift)) & np.uint64(0xFFFF)).astype(np.int64), minlength=1 << 16
                )
        for r in ranks:
            c = np.cumsum(counts[prefix[r]])
            b = int(np.searchsorted(c, left[r], side="right"))
            if b >= c.size:
                raise ValueError(f"rank {r} is beyond the number of finite values")
            left[r] -= int(c[b - 1]) if b else 0
            prefix[r] |= b << shift
    return np.array([_value(prefix[r]) for r in ranks])


def quantiles(source: Source, q, n: int | None = None, dtype=np.float64) -> np.ndarray:
    """``np.quantile(values, q)`` (its default linear method, Hyndman & Fan 1996 type 7) of the
    finite values, computed from their order statistics: the same numbers without holding the
    values. ``n``: the number of finite values, if known; ``dtype``: the values' own type, in
    which numpy takes the difference of the two order statistics (float32 for a float32 raster)."""
    if n is None:
        n = finite_min_max(source)[2]
    if n == 0:
        raise ValueError("no finite value")
    scalar = np.ndim(q) == 0  # numpy then interpolates in the values' own type (weak promotion)
    q = np.atleast_1d(np.asarray(q, dtype=np.float64))
    virtual = (n - 1) * q  # as numpy computes the linear method's index
    prev = np.clip(np.floor(virtual), 0, n - 1).astype(np.int64)
    nxt = np.clip(prev + 1, 0, n - 1)
    gamma = virtual - prev
    wanted = sorted(set(prev.tolist()) | set(nxt.tolist()))
    stats = dict(zip(wanted, order_statistics(source, wanted)))
    a = np.array([stats[i] for i in prev], dtype=dtype)
    b = np.array([stats[i] for i in nxt], dtype=dtype)
    diff = b - a
    if scalar:  # gamma a Python float, taken in the values' type: 1 - gamma is rounded once
        g = float(gamma[0])
        return (b - diff * dtype(1 - g) if g >= 0.5 else a + diff * dtype(g))[0]
    return np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)


# ---- seeded samples in raster order -----------------------------------------------------------


def sample_positions(n: int, size: int | None, seed: int) -> np.ndarray | None:
    """Sorted ranks of a seeded uniform sample of ``size`` of ``n`` items (None: all of them), as
    ``np.random.default_rng(seed).choice`` draws them."""
    if size is None or n <= size:
        return None
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))


def sample_cells(
    source: Callable[[], Iterable[tuple[Window, np.ndarray, np.ndarray]]],
    shape: tuple[int, int],
    size: int | None = None,
    seed: int = 0,
    *,
    pick: Callable[[int], np.ndarray | None] | None = None,
) -> np.ndarray:
    """The values of a seeded uniform sample of ``size`` of the selected cells, in raster order:
    the rows ``values[flatnonzero(mask)][sorted sample]`` of the whole grid, gathered window by
    window. ``source`` yields ``(window, mask, values)`` with values of shape (h, w) or (h, w, k).
    ``pick(n)``, if given, returns the sorted ranks to take of the ``n`` selected cells instead
    (None: all of them).

    A first pass counts the selected cells per row of every window column, which gives each
    cell's rank in raster order; a second takes the sampled ranks."""
    cols: dict[int, int] = {}
    per_row: list[tuple[Window, np.ndarray]] = []
    for win, mask, _ in source():
        cols.setdefault(win.col, len(cols))
        per_row.append((win, np.count_nonzero(mask, axis=1)))
    order = sorted(cols)
    col_index = {c: order.index(c) for c in cols}
    counts = np.zeros((shape[0], len(cols)), dtype=np.int64)
    for win, rows in per_row:
        counts[win.row : win.row + win.height, col_index[win.col]] = rows
    starts = (np.cumsum(counts.ravel()) - counts.ravel()).reshape(counts.shape)
    n = int(counts.sum())
    positions = sample_positions(n, size, seed) if pick is None else pick(n)
    picked_at, picked, columns = [], [], None
    for win, mask, values in source():
        columns = None if values.ndim == 2 else values.shape[2]
        j = col_index[win.col]
        flat = np.flatnonzero(mask)
        if positions is None:
            local = np.arange(flat.size)
        else:
            first = starts[win.row : win.row + win.height, j]
            n_row = counts[win.row : win.row + win.height, j]
            lo = np.searchsorted(positions, first)
            hi = np.searchsorted(positions, first + n_row)
            row_of = np.repeat(np.arange(win.height), hi - lo)
            take = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi)]) if row_of.size else np.zeros(0, int)
            local = (np.cumsum(n_row) - n_row)[row_of] + positions[take] - first[row_of]
        cells = flat[local]
        r, c = np.divmod(cells, win.width)
        picked_at.append((r + win.row) * shape[1] + c + win.col)
        v = values.reshape(win.height * win.width, -1)[cells]
        picked.append(v)
    at = np.concatenate(picked_at) if picked_at else np.zeros(0, np.int64)
    vals = np.concatenate(picked) if picked else np.zeros((0, columns or 1))
    vals = vals[np.argsort(at, kind="stable")].astype(np.float64)
    return vals.ravel() if columns is None else vals


def values_source(source: Source) -> Callable[[], Iterator[tuple[Window, np.ndarray, np.ndarray]]]:
    """A (window, finite mask, values) source from a source of values."""
    return lambda: ((w, np.isfinite(b), b) for w, b in source())


__all__ = [
    "ExactSum",
    "Source",
    "Window",
    "blocks_of",
    "exact_mean",
    "finite_min_max",
    "order_statistics",
    "quantiles",
    "read_with_halo",
    "sample_cells",
    "sample_positions",
    "values_source",
    "window_size",
    "windows",
]
