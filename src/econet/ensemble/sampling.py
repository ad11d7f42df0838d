"""Drawing an ensemble's weights and thresholds (docs/methods/sensitivity.md).

Each drawn quantity has its own random stream, seeded by the ensemble's seed and the quantity's
name, so a sample's values do not depend on which other quantities vary, on their order, or on
how many threads run the samples afterwards.

- Weights around given ones: a Dirichlet distribution with α_i = c · w_i, whose mean is w and
  whose spread shrinks as the concentration c grows (Var w_i = w_i (1 - w_i) / (c + 1)).
- Weights within an AHP matrix's judgement range: every judgement above the diagonal moves a
  whole number of steps, uniformly in [-k, k], along Saaty's (1980) scale 1/9, 1/8, ..., 1/2, 1,
  2, ..., 9, its reciprocal follows, and a matrix whose consistency ratio reaches ``max_cr`` is
  drawn again (Saaty's rule: such judgements would not have been accepted).
- Thresholds: uniform in [low, high].
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from econet.resistance.weights import ahp

# Saaty's (1980) 1/9..9 scale, in order.
SAATY_SCALE = np.array([1 / k for k in range(9, 1, -1)] + [float(k) for k in range(1, 10)])


def stream(seed: int, name: str) -> np.random.Generator:
    """The random stream of one drawn quantity: PCG64 seeded by (seed, CRC-32 of its name)."""
    return np.random.default_rng([int(seed), zlib.crc32(name.encode())])


def dirichlet_weights(weights: dict[str, float], concentration: float, n: int, rng) -> list[dict[str, float]]:
    """``n`` weight tables drawn from Dirichlet(c · w) over the positive weights of ``weights``
    (zero weights stay zero); each sums to 1 and their mean is ``weights`` rescaled to sum 1."""
    names = [k for k, v in weights.items() if v > 0]
    w = np.array([weights[k] for k in names], dtype=np.float64)
    draws = rng.dirichlet(concentration * w / w.sum(), size=n)
    return [{k: float(d[names.index(k)]) if k in names else 0.0 for k in weights} for d in draws]


def scale_index(judgement: float) -> int:
    """Position on :data:`SAATY_SCALE` of the scale value nearest ``judgement`` (in log ratio)."""
    return int(np.argmin(np.abs(np.log(SAATY_SCALE) - np.log(judgement))))


def ahp_matrices(matrix, steps: int, max_cr: float, n: int, rng, max_tries: int = 1000) -> list[np.ndarray]:
    """``n`` pairwise matrices with every judgement above the diagonal moved by a whole number
    of steps, uniform in [-``steps``, ``steps``], along Saaty's scale (clipped at 1/9 and 9; a
    judgement off the scale, an experts' geometric mean, starts from the nearest scale value),
    each consistent (CR < ``max_cr``). Raises ValueError when ``max_tries`` draws in a row are
    all inconsistent."""
    a = np.asarray(matrix, dtype=np.float64)
    m = a.shape[0]
    iu = np.triu_indices(m, 1)
    start = np.array([scale_index(v) for v in a[iu]], dtype=np.int64)
    out = []
    for _ in range(n):
        for _try in range(max_tries):
            moved = np.clip(start + rng.integers(-steps, steps + 1, size=start.size), 0, len(SAATY_SCALE) - 1)
            b = np.ones((m, m))
            b[iu] = SAATY_SCALE[moved]
            b[(iu[1], iu[0])] = 1.0 / SAATY_SCALE[moved]
            if ahp(b).cr < max_cr:
                out.append(b)
                break
        else:
            raise ValueError(
                f"{max_tries} matrices drawn in a row within {steps} step(s) of the judgements all have CR >= "
                f"{max_cr}; draw fewer steps"
            )
    return out


@dataclass(frozen=True)
class Threshold:
    """A study key drawn uniformly in [low, high] (a range of one value is not drawn);
    ``unset``: keys removed with it (another way of giving the same value)."""

    name: str  # the parameter's name in the tables
    key: str  # the dotted study key it overrides
    low: float
    high: float
    unset: tuple[str, ...] = ()


@dataclass(frozen=True)
class WeightTable:
    """A table of weights the ensemble draws: the study table at ``key`` (its ``weights`` and
    ``ahp`` keys), by ``mode`` "dirichlet" (around ``weights``; the draws keep their total) or
    "ahp" (``matrix`` of ``factors`` moved by up to ``steps``, CR < ``max_cr``); ``extra``: keys
    set with every draw (e.g. weighting = "given" for Dirichlet draws around AHP weights);
    ``column``: the prefix of its columns in the tables (``w_`` + factor), ``cr_column`` the
    column of the drawn matrices' consistency ratio."""

    key: str
    mode: str
    weights: dict[str, float] | None = None
    factors: tuple[str, ...] = ()
    matrix: Any = None
    steps: int = 1
    max_cr: float = 0.1
    extra: dict[str, Any] = field(default_factory=dict)
    column: str = "w_"
    cr_column: str = "ahp_cr"

    @property
    def stream_name(self) -> str:
        """The name of its random stream (the resistance weights' is the plain mode)."""
        base = "weights" if self.mode == "dirichlet" else "ahp"
        return base if self.key == "resistance" else f"{base}:{self.key}"


@dataclass(frozen=True)
class Design:
    """What an ensemble draws: ``tables`` of weights (Dirichlet ``concentration``) and
    ``thresholds``."""

    tables: tuple[WeightTable, ...] = ()
    concentration: float = 100.0
    thresholds: tuple[Threshold, ...] = ()


# Columns of ``Draws.parameters`` that describe a draw rather than set a study key (the drawn
# matrices' consistency ratios).
DESCRIPTIVE = "ahp_cr"


@dataclass
class Draws:
    """An ensemble's samples: ``parameters`` (one row per sample, one column per drawn value:
    ``w_<factor>`` for weights, a threshold's name, and ``ahp_cr``, a drawn matrix's
    consistency ratio) and ``overrides`` (per sample, dotted study key -> value)."""

    parameters: pd.DataFrame
    overrides: list[dict[str, Any]]

    @property
    def drawn(self) -> pd.DataFrame:
        """The parameters that set study keys (``parameters`` less the descriptive columns)."""
        return self.parameters.drop(columns=[c for c in self.parameters if c.startswith(DESCRIPTIVE)])


def draw(design: Design, n: int, seed: int) -> Draws:
    """``n`` samples of ``design`` for ``seed`` (the same arguments give the same draws)."""
    rows: list[dict[str, float]] = [{} for _ in range(n)]
    overrides: list[dict[str, Any]] = [{} for _ in range(n)]
    for table in design.tables:
        rng = stream(seed, table.stream_name)
        if table.mode == "dirichlet":
            total = sum(table.weights.values())
            for row, over, w in zip(rows, overrides, dirichlet_weights(table.weights, design.concentration, n, rng)):
                w = {k: v * total for k, v in w.items()}  # a rule's score is the same for any total
                row.update({f"{table.column}{k}": v for k, v in w.items()})
                over.update({f"{table.key}.weights": w, **table.extra})
        else:
            for row, over, b in zip(rows, overrides, ahp_matrices(table.matrix, table.steps, table.max_cr, n, rng)):
                res = ahp(b)
                row.update({f"{table.column}{k}": float(v) for k, v in zip(table.factors, res.weights)})
                row[table.cr_column] = float(res.cr)
                over.update({f"{table.key}.ahp.matrix": b.tolist(), f"{table.key}.ahp.experts": None})
    for t in design.thresholds:
        if t.high <= t.low:
            continue
        values = stream(seed, t.name).uniform(t.low, t.high, size=n)
        for row, over, v in zip(rows, overrides, values):
            row[t.name] = float(v)
            over[t.key] = float(v)
            over.update(dict.fromkeys(t.unset))
    parameters = pd.DataFrame(rows, index=pd.RangeIndex(1, n + 1, name="sample"))
    return Draws(parameters, overrides)


__all__ = [
    "DESCRIPTIVE",
    "SAATY_SCALE",
    "Design",
    "Draws",
    "Threshold",
    "ahp_matrices",
    "dirichlet_weights",
    "draw",
    "stream",
]
