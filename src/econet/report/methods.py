"""The report's methods and parameters: every key of the study sections the run read, with its
value (the default when the study left it out) and its unit, generated from the study model so
that no parameter that shaped the result can be forgotten."""

from __future__ import annotations

import html
import re

import pandas as pd

from econet.report.tables import html_table, split_unit

# Units of keys whose names do not end in one (econet.report.tables.split_unit reads the others).
_KEY_UNITS = {
    "max_cost": "resistance × m",
    "width_cost": "resistance × m",
    "probability": "0 to 1",
    "min_probability": "0 to 1",
    "weights": "weight",
    "max_cr": "ratio",
    "random_repeats": "repetitions",
    "sample_size": "cells",
    "weights_sample_size": "cells",
    "rsei_sample_cells": "cells",
    "classes": "classes",
    "levels": "levels",
    "patch_connectivity": "neighbours",
}


def unit_of(key: str) -> str:
    """The unit of a study key: from its name's ending (``min_area_km2``: km²), or from the few
    keys whose unit is not in their name; "" for names, switches and pure numbers."""
    parts = [p for p in key.split(".") if not p.isdigit()]
    if parts[-1] in _KEY_UNITS:
        return _KEY_UNITS[parts[-1]]
    if len(parts) > 1 and parts[-2] == "weights":  # a table of weights, one per layer or factor
        return _KEY_UNITS["weights"]
    return split_unit(parts[-1])[1]


def _flatten(prefix: str, value, rows: list[tuple[str, object]]) -> None:
    """Dotted keys and printable values: tables of scalars and lists of sections unfolded
    (a listed section by its ``name`` when it has one), lists of scalars joined."""
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(f"{prefix}.{k}", v, rows)
    elif isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        for i, v in enumerate(value):
            name = v.get("name") if isinstance(v, dict) else None
            _flatten(f"{prefix}.{name if name else i}", v, rows)
    elif isinstance(value, list):
        rows.append((prefix, ", ".join(str(v) for v in value) if value else "none"))
    elif value is not None:  # an option left unset changes nothing
        rows.append((prefix, value))


def parameters(name: str, section) -> pd.DataFrame:
    """One row per key of a study section (a pydantic model): key, value, unit."""
    rows: list[tuple[str, object]] = []
    _flatten(name, section.model_dump(mode="json"), rows)
    return pd.DataFrame([{"key": k, "value": v, "unit": unit_of(k)} for k, v in rows], columns=["key", "value", "unit"])


def _summary(section) -> str:
    """The first paragraph of a section's docstring (what it does and whose method), plain."""
    doc = (type(section).__doc__ or "").strip().split("\n\n")[0]
    return re.sub(r"\s+", " ", doc.replace("``", "")).strip()


def methods_parts(sections: dict[str, object]) -> list[str]:
    """HTML of the methods and parameters: per study section (name -> model, in run order) its
    method in a sentence and its keys with values and units."""
    parts = [
        "<p>Every parameter of the study sections this run read, with its value (the default where the "
        "study file leaves it out) and its unit. Keys are those of the study file; lengths in metres, areas "
        "in km² or ha, costs in resistance × metres (the resistance of a cell times the distance crossed).</p>"
    ]
    for name, section in sections.items():
        if section is None:
            continue
        table = parameters(name, section)
        if table.empty:
            continue
        summary = _summary(section)
        parts.append(f"<h3>[{html.escape(name)}]</h3>")
        if summary:
            parts.append(f"<p>{html.escape(summary)}</p>")
        parts.append(html_table(table))
    return parts


__all__ = ["methods_parts", "parameters", "unit_of"]
