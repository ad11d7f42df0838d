"""Conefor's text files: read its node and connection files, write its result tables.

Layouts follow Conefor 2.7.3 (command line 1.0.92), checked against its own output in
tests/fixtures/connectivity/conefor_2.7.3_runs: tab-separated, numbers with 6 significant
digits, the node table ends every line with a tab. ``varX`` is (num − num₋ₖ) / A_L², or the
plain numerator difference when no landscape area is given; ``dA = 100 a_k / Σa``, ``varA = a_k``.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import NamedTuple

import numpy as np

from econet.connectivity.indices import Links, iic_indices, pc_indices
from econet.errors import EconetError
from econet.io.atomic import write_text

# NumPy only (no pandas): ``econet conefor`` starts in a fraction of the time.


class Nodes(NamedTuple):
    """A Conefor node file: node IDs (int64, in file order) and their attributes (float64)."""

    id: np.ndarray
    attr: np.ndarray


def _read_columns(path: Path, columns: int, what: str, layout: str) -> np.ndarray:
    """The first ``columns`` whitespace-separated numeric columns (float64, one row a line;
    '#' starts a comment; further columns are ignored)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # an empty file: reported below
            return np.loadtxt(path, comments="#", usecols=range(columns), ndmin=2, dtype=float)
    except (OSError, ValueError) as exc:
        raise EconetError(f"{what} {path}: cannot read it ({exc}); expected lines '{layout}'") from None


def _whole(values: np.ndarray, what: str, path: Path) -> np.ndarray:
    if not np.all(np.isfinite(values) & (values == np.round(values))):
        raise EconetError(f"{what} {path}: node IDs must be whole numbers")
    return values.astype(np.int64)


def read_node_file(path) -> Nodes:
    """Conefor node file: node ID and attribute, whitespace separated (extra columns ignored)."""
    path = Path(path)
    t = _read_columns(path, 2, "node file", "ID attribute")
    if t.shape[0] == 0:
        raise EconetError(f"node file {path} has no nodes")
    if np.isnan(t).any():
        raise EconetError(f"node file {path}: every line needs an ID and a numeric attribute")
    ids = _whole(t[:, 0], "node file", path)
    unique, counts = np.unique(ids, return_counts=True)
    if (counts > 1).any():
        raise EconetError(f"node file {path}: node ID {unique[counts > 1][0]} appears more than once")
    if (t[:, 1] < 0).any():
        raise EconetError(f"node file {path}: attributes must be >= 0")
    return Nodes(ids, t[:, 1].copy())


def read_connection_file(path, ids, kind: str = "dist") -> Links:
    """Conefor connection file ('ID1 ID2 value') as :class:`Links` over the node order of ``ids``.

    ``kind`` 'dist' reads distances; 'prob' reads direct probabilities, returned as distances
    -ln p (so use them with distance_m = 1, probability = e⁻¹). Repeated pairs keep the
    shortest distance.
    """
    path = Path(path)
    if kind not in ("dist", "prob"):
        raise EconetError(f"connection type '{kind}' (-t): use 'dist' (distances) or 'prob' (probabilities)")
    t = _read_columns(path, 3, "connection file", "ID1 ID2 value")
    ends = _whole(t[:, :2], "connection file", path)
    ids = np.asarray(ids, dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    pos = np.minimum(np.searchsorted(ids[order], ends), ids.size - 1)
    unknown = (ids[order][pos] != ends).any(axis=1)
    if unknown.any():
        a, b = ends[unknown][0]
        raise EconetError(
            f"connection file {path}: {int(unknown.sum())} line(s) name nodes missing from the node file, e.g. {a} {b}"
        )
    index = order[pos]
    v = t[:, 2].copy()
    if np.isnan(v).any():
        raise EconetError(f"connection file {path}: every line needs a numeric third column")
    if kind == "prob":
        if ((v < 0) | (v > 1)).any():
            raise EconetError(f"connection file {path}: probabilities must lie in [0, 1]")
        with np.errstate(divide="ignore"):
            v = -np.log(v)
    elif (v < 0).any():
        raise EconetError(f"connection file {path}: distances must be >= 0")
    return Links(index[:, 0], index[:, 1], v)


def check_connection_scope(links: Links, n: int, kind: str, scope: str, path) -> None:
    """Conefor's ``-t KIND all|notall``: with ``all`` the connection file must list every pair of
    the ``n`` nodes (a missing pair would be read as unconnected); raises EconetError if not."""
    if scope not in ("all", "notall"):
        raise EconetError(f"-t {kind} {scope}: the second word must be 'all' or 'notall'")
    if scope == "notall":
        return
    i, j = np.asarray(links.i, np.int64), np.asarray(links.j, np.int64)
    pairs = np.unique(np.minimum(i, j)[i != j] * n + np.maximum(i, j)[i != j]).size
    if pairs < n * (n - 1) // 2:
        raise EconetError(
            f"-t {kind} all: {path} lists {pairs} of the {n * (n - 1) // 2} pairs of {n} nodes; "
            f"use '-t {kind} notall' if the missing pairs are unconnected"
        )


def conefor_tables(
    nodes: Nodes,
    links: Links,
    *,
    kind: str = "dist",
    conf_prob: tuple[float, float] | None = None,
    conf_adj: float | None = None,
    pc: bool = False,
    iic: bool = False,
    land_area: float | None = None,
) -> tuple[dict[str, np.ndarray], list[tuple[str, float]]]:
    """Node importances (columns in Conefor's order: Node, dA, varA, then the IIC block, then PC)
    and the overall indices as (name, value) pairs."""
    if not (pc or iic):
        raise EconetError("choose at least one index: -PC and/or -IIC")
    if land_area is not None and not land_area > 0:
        raise EconetError(f"-landArea {land_area}: the landscape area must be > 0 (in the attribute's units)")
    attr = np.asarray(nodes.attr, dtype=float)
    total = attr.sum()
    table = {
        "Node": np.asarray(nodes.id),
        "dA": 100 * attr / total if total > 0 else np.zeros_like(attr),
        "varA": attr,
    }
    overall: list[tuple[str, float]] = []
    runs = []
    if iic:
        if conf_adj is None:
            raise EconetError("-IIC needs -confAdj <distance threshold>")
        if not conf_adj >= 0:
            raise EconetError(f"-confAdj {conf_adj:g}: the distance threshold must be >= 0 (in the distances' units)")
        if kind == "prob":
            raise EconetError("-IIC with a probability connection file is not supported; use -t dist")
        runs.append(("IIC", iic_indices(attr, links, conf_adj, land_area, as_frame=False)))
    if pc:
        if kind == "prob":
            runs.append(("PC", pc_indices(attr, links, 1.0, np.exp(-1.0), land_area, as_frame=False)))
        else:
            if conf_prob is None:
                raise EconetError("-PC needs -confProb <distance> <probability>")
            if not (conf_prob[0] > 0 and 0 < conf_prob[1] <= 1):
                raise EconetError(
                    f"-confProb {conf_prob[0]:g} {conf_prob[1]:g}: the distance must be > 0 and the probability "
                    "in (0, 1], e.g. -confProb 1000 0.5"
                )
            runs.append(("PC", pc_indices(attr, links, conf_prob[0], conf_prob[1], land_area, as_frame=False)))
    for name, (tot, columns) in runs:
        for key in (f"{name}num", f"EC({name})", name, f"{name}intra(%)", f"{name}direct(%)", f"{name}step(%)"):
            if key == name and not land_area:
                continue
            overall.append((key, tot[key]))
        table |= columns
    return table, overall


def _g(x) -> str:
    return f"{x:.6g}" if isinstance(x, float | np.floating) else str(x)


def write_node_importances(path, table: dict[str, np.ndarray]) -> None:
    """Conefor's ``*_node_importances.txt``: header and rows tab-separated, each ending in a tab."""
    lines = ["".join(f"{c}\t" for c in table)]
    for row in zip(*table.values(), strict=True):
        lines.append("".join(f"{_g(v)}\t" for v in row))
    write_text(path, "\n".join(lines) + "\n")


def write_overall_indices(path, overall: list[tuple[str, float]]) -> None:
    """Conefor's ``overall_indices.txt``: one 'name<TAB>value' line per index."""
    write_text(path, "".join(f"{k}\t{_g(float(v))}\n" for k, v in overall))


__all__ = [
    "Nodes",
    "check_connection_scope",
    "conefor_tables",
    "read_connection_file",
    "read_node_file",
    "write_node_importances",
    "write_overall_indices",
]
