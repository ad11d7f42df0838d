"""Conefor's text files: read its node and connection files, write its result tables.

Layouts follow Conefor 2.7.3 (command line 1.0.92), checked against its own output in
tests/fixtures/connectivity/conefor_2.7.3_runs: tab-separated, numbers with 6 significant
digits, the node table ends every line with a tab. ``varX`` is (num − num₋ₖ) / A_L², or the
plain numerator difference when no landscape area is given; ``dA = 100 a_k / Σa``, ``varA = a_k``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from econet.connectivity.indices import Links, iic_indices, pc_indices
from econet.errors import EconetError
from econet.io import write_text


def read_node_file(path) -> pd.DataFrame:
    """Conefor node file: node ID and attribute, whitespace separated (extra columns ignored)."""
    path = Path(path)
    try:
        t = pd.read_csv(path, sep=r"\s+", header=None, comment="#", usecols=[0, 1], names=["id", "attr"])
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise EconetError(f"node file {path}: cannot read it ({exc}); expected lines 'ID attribute'") from None
    if t.empty:
        raise EconetError(f"node file {path} has no nodes")
    if t["attr"].isna().any() or t["id"].isna().any():
        raise EconetError(f"node file {path}: every line needs an ID and a numeric attribute")
    if t["id"].duplicated().any():
        dup = t.loc[t["id"].duplicated(), "id"].iloc[0]
        raise EconetError(f"node file {path}: node ID {dup} appears more than once")
    if (t["attr"] < 0).any():
        raise EconetError(f"node file {path}: attributes must be >= 0")
    return t


def read_connection_file(path, ids, kind: str = "dist") -> Links:
    """Conefor connection file ('ID1 ID2 value') as :class:`Links` over the node order of ``ids``.

    ``kind`` 'dist' reads distances; 'prob' reads direct probabilities, returned as distances
    -ln p (so use them with distance_m = 1, probability = e⁻¹). Repeated pairs keep the
    shortest distance.
    """
    path = Path(path)
    try:
        t = pd.read_csv(path, sep=r"\s+", header=None, comment="#", usecols=[0, 1, 2], names=["a", "b", "v"])
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise EconetError(f"connection file {path}: cannot read it ({exc}); expected lines 'ID1 ID2 value'") from None
    index = pd.Series(np.arange(len(ids)), index=pd.Index(ids))
    unknown = ~t["a"].isin(index.index) | ~t["b"].isin(index.index)
    if unknown.any():
        row = t[unknown].iloc[0]
        raise EconetError(
            f"connection file {path}: {int(unknown.sum())} line(s) name nodes missing from the node file, "
            f"e.g. {row['a']} {row['b']}"
        )
    v = t["v"].to_numpy(float)
    if np.isnan(v).any():
        raise EconetError(f"connection file {path}: every line needs a numeric third column")
    if kind == "prob":
        if ((v < 0) | (v > 1)).any():
            raise EconetError(f"connection file {path}: probabilities must lie in [0, 1]")
        with np.errstate(divide="ignore"):
            v = -np.log(v)
    elif (v < 0).any():
        raise EconetError(f"connection file {path}: distances must be >= 0")
    return Links(index[t["a"]].to_numpy(), index[t["b"]].to_numpy(), v)


def conefor_tables(
    nodes: pd.DataFrame,
    links: Links,
    *,
    kind: str = "dist",
    conf_prob: tuple[float, float] | None = None,
    conf_adj: float | None = None,
    pc: bool = False,
    iic: bool = False,
    land_area: float | None = None,
) -> tuple[pd.DataFrame, list[tuple[str, float]]]:
    """Node importances and overall indices as Conefor lays them out (IIC block, then PC)."""
    if not (pc or iic):
        raise EconetError("choose at least one index: -PC and/or -IIC")
    attr = nodes["attr"].to_numpy(float)
    table = pd.DataFrame({"Node": nodes["id"].to_numpy()})
    total = attr.sum()
    table["dA"] = 100 * attr / total if total > 0 else 0.0
    table["varA"] = attr
    overall: list[tuple[str, float]] = []
    runs = []
    if iic:
        if conf_adj is None:
            raise EconetError("-IIC needs -confAdj <distance threshold>")
        if kind == "prob":
            raise EconetError("-IIC with a probability connection file is not supported; use -t dist")
        runs.append(("IIC", iic_indices(attr, links, conf_adj, land_area)))
    if pc:
        if kind == "prob":
            runs.append(("PC", pc_indices(attr, links, 1.0, np.exp(-1.0), land_area)))
        else:
            if conf_prob is None:
                raise EconetError("-PC needs -confProb <distance> <probability>")
            runs.append(("PC", pc_indices(attr, links, conf_prob[0], conf_prob[1], land_area)))
    for name, (tot, node_df) in runs:
        for key in (f"{name}num", f"EC({name})", name, f"{name}intra(%)", f"{name}direct(%)", f"{name}step(%)"):
            if key == name and not land_area:
                continue
            overall.append((key, tot[key]))
        table = pd.concat([table, node_df], axis=1)
    return table, overall


def _g(x) -> str:
    return f"{x:.6g}" if isinstance(x, float | np.floating) else str(x)


def write_node_importances(path, table: pd.DataFrame) -> None:
    """Conefor's ``*_node_importances.txt``: header and rows tab-separated, each ending in a tab."""
    lines = ["".join(f"{c}\t" for c in table.columns)]
    for row in table.itertuples(index=False):
        lines.append("".join(f"{_g(v)}\t" for v in row))
    write_text(path, "\n".join(lines) + "\n")


def write_overall_indices(path, overall: list[tuple[str, float]]) -> None:
    """Conefor's ``overall_indices.txt``: one 'name<TAB>value' line per index."""
    write_text(path, "".join(f"{k}\t{_g(float(v))}\n" for k, v in overall))


__all__ = [
    "conefor_tables",
    "read_connection_file",
    "read_node_file",
    "write_node_importances",
    "write_overall_indices",
]
