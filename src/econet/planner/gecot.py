"""GECOT's instance and output formats (github.com/fhamonic/gecot; Hamonic et al., Networks 2023).

An ``instance.json`` names CSV files: ``options`` (id, cost) and, per case, ``vertices`` (id,
quality), ``arcs`` (id, from, to, probability), ``vertices_improvements`` (vertex_id,
option_id, quality_gain) and ``arcs_improvements`` (arc_id, option_id, improved_probability).
Paths are relative to the JSON file; ``csv_columns`` renames columns (canonical name -> the
file's column). econet reads single-case instances (the case the ``criterion`` names).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from econet.errors import EconetError
from econet.planner.instance import Instance

_COLUMNS = {
    "options": ("id", "cost"),
    "vertices": ("id", "quality"),
    "arcs": ("id", "from", "to", "probability"),
    "vertices_improvements": ("vertex_id", "option_id", "quality_gain"),
    "arcs_improvements": ("arc_id", "option_id", "improved_probability"),
}


def _table(spec, key: str, folder: Path, json_path: Path) -> pd.DataFrame:
    if not isinstance(spec, dict) or "csv_file" not in spec:
        raise EconetError(f"{json_path}: {key} must be an object with a csv_file (a CSV path relative to the JSON)")
    path = folder / str(spec["csv_file"])
    if not path.is_file():
        raise EconetError(f"{json_path}: {key}.csv_file names {path}, which does not exist")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise EconetError(f"{path}: not a readable CSV ({exc}); give a header line and comma-separated rows") from None
    df.columns = [c.strip() for c in df.columns]
    rename = spec.get("csv_columns", {}) or {}
    canonical = _COLUMNS[key.split(".")[-1]]
    out = {}
    for col in canonical:
        name = rename.get(col, col)
        if name not in df.columns:
            raise EconetError(
                f"{path}: no column {name!r} (the {col} of {key}); the file has {list(df.columns)}"
                + ("; rename it with csv_columns in the JSON" if col not in rename else "")
            )
        out[col] = df[name].str.strip()
    return pd.DataFrame(out)


def _numbers(values: pd.Series, what: str, path: Path, lo: float, hi: float | None = None) -> np.ndarray:
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(x) | (x < lo) | ((x > hi) if hi is not None else False)
    if np.any(bad):
        row = int(np.flatnonzero(bad)[0])
        bound = f"in [{lo:g}, {hi:g}]" if hi is not None else f">= {lo:g}"
        raise EconetError(f"{path}: {what} {values.iloc[row]!r} on data row {row + 1} must be a number {bound}")
    return x


def _index(ids: pd.Series, known: dict[str, int], what: str, path: Path) -> np.ndarray:
    missing = ~ids.isin(known.keys())
    if missing.any():
        raise EconetError(
            f"{path}: {what} {ids[missing].iloc[0]!r} (data row {int(np.flatnonzero(missing)[0]) + 1}) "
            f"is not listed; use an id of the {what.split()[0]} file"
        )
    return ids.map(known).to_numpy(dtype=np.int64)


def _unique(ids: pd.Series, what: str, path: Path) -> dict[str, int]:
    dup = ids.duplicated()
    if dup.any():
        raise EconetError(f"{path}: {what} id {ids[dup].iloc[0]!r} is listed twice; ids must be unique")
    return {v: i for i, v in enumerate(ids)}


def read_instance(path) -> Instance:
    """An :class:`Instance` from a GECOT ``instance.json`` (its one case, or the case
    ``criterion`` names)."""
    path = Path(path)
    if not path.is_file():
        raise EconetError(f"{path}: no such instance file; give the path of a GECOT instance.json")
    try:
        spec = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise EconetError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(spec, dict) or "options" not in spec or not isinstance(spec.get("cases"), dict):
        raise EconetError(f"{path}: a GECOT instance needs the keys 'options' and 'cases' (an object of cases)")
    cases = spec["cases"]
    criterion = spec.get("criterion")
    if isinstance(criterion, str) and criterion in cases:
        name = criterion
    elif len(cases) == 1:
        name = next(iter(cases))
    else:
        raise EconetError(
            f"{path}: criterion {criterion!r} is not one case of {sorted(cases)}; econet plans for one case: "
            "set criterion to a case name"
        )
    case = cases[name]
    folder = path.parent
    key = f"cases.{name}"
    for required in ("vertices", "arcs"):
        if required not in case:
            raise EconetError(f"{path}: {key} has no {required!r}; give it a csv_file")

    opt = _table(spec["options"], "options", folder, path)
    opt_path = folder / spec["options"]["csv_file"]
    options = _unique(opt["id"], "option", opt_path)
    cost = _numbers(opt["cost"], "cost", opt_path, 0.0)

    vert = _table(case["vertices"], f"{key}.vertices", folder, path)
    v_path = folder / case["vertices"]["csv_file"]
    nodes = _unique(vert["id"], "vertex", v_path)
    q = _numbers(vert["quality"], "quality", v_path, 0.0)

    arcs = _table(case["arcs"], f"{key}.arcs", folder, path)
    a_path = folder / case["arcs"]["csv_file"]
    arc_index = _unique(arcs["id"], "arc", a_path)
    tail = _index(arcs["from"], nodes, "vertex id in 'from'", a_path)
    head = _index(arcs["to"], nodes, "vertex id in 'to'", a_path)
    p = _numbers(arcs["probability"], "probability", a_path, 0.0, 1.0)

    node_gain = (np.zeros(0, int), np.zeros(0, int), np.zeros(0))
    if "vertices_improvements" in case:
        t = _table(case["vertices_improvements"], f"{key}.vertices_improvements", folder, path)
        t_path = folder / case["vertices_improvements"]["csv_file"]
        node_gain = (
            _index(t["vertex_id"], nodes, "vertex id", t_path),
            _index(t["option_id"], options, "option id", t_path),
            _numbers(t["quality_gain"], "quality_gain", t_path, 0.0),
        )
    arc_gain = (np.zeros(0, int), np.zeros(0, int), np.zeros(0))
    if "arcs_improvements" in case:
        t = _table(case["arcs_improvements"], f"{key}.arcs_improvements", folder, path)
        t_path = folder / case["arcs_improvements"]["csv_file"]
        arc_gain = (
            _index(t["arc_id"], arc_index, "arc id", t_path),
            _index(t["option_id"], options, "option id", t_path),
            _numbers(t["improved_probability"], "improved_probability", t_path, 0.0, 1.0),
        )
    return Instance(
        node_ids=tuple(nodes),
        q=q,
        arc_ids=tuple(arc_index),
        tail=tail,
        head=head,
        p=p,
        option_ids=tuple(options),
        cost=cost,
        node_gain=node_gain,
        arc_gain=arc_gain,
        name=name,
    )


def output_json(instance: Instance, instance_path, solution, budget: float) -> dict:
    """GECOT's output object for a :class:`~econet.planner.solve.Solution`, plus ``gap`` (the
    proven relative optimality gap; 0 when optimal, null for a heuristic or with no bound)."""
    initial = instance.pc_num()
    return {
        "instance_path": str(instance_path),
        "algorithm": solution.algorithm,
        "computation_time_ms": int(round(solution.time_s * 1000)),
        "initial_score": initial,
        "initial_pc_num": {instance.name: initial},
        "budget": float(budget),
        "solution_score": solution.value,
        "solution_pc_num": {instance.name: solution.value},
        "solution_cost": solution.cost,
        "solution": {o: int(c) for o, c in zip(instance.option_ids, solution.chosen)},
        # null for a heuristic, and when no bound was proven in time (JSON has no infinity)
        "gap": solution.gap if solution.gap is not None and np.isfinite(solution.gap) else None,
    }


__all__ = ["output_json", "read_instance"]
