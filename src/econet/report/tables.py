"""Small HTML helpers shared by the report sections of every stage: the report's one number
formatter, tables that scroll inside their own box, headline numbers."""

from __future__ import annotations

import html
import math
import numbers

import pandas as pd

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")

# Column-name endings that carry a unit (econet writes units into names, as the study keys do).
_UNITS = (
    ("_t_ha_a", "t/(ha·a)"),
    ("_t_a", "t/a"),
    ("_km2", "km²"),
    ("_m2", "m²"),
    ("_ha", "ha"),
    ("_km", "km"),
    ("_mm", "mm"),
    ("_m", "m"),
    ("_px", "cells"),
    ("_pct", "%"),
    ("_percent", "%"),
)
# Names no rule turns into plain words.
_LABELS = {
    "r2": "R²",
    "lsi": "LSI",
    "first_below_1": "first removal below 1",
    "first_below_0_1": "first removal below 0.1",
    "cwd_to_euclid": "cost distance / straight-line distance",
    "mean_cwd_to_euclid": "mean cost distance / straight-line distance",
    "CI": "CI",
    "RI": "RI",
    "CR": "CR",
}


def number(value, digits: int = 4) -> str:
    """The report's one way to print a number: ``digits`` significant digits, thousands
    separated, never e-notation for ordinary magnitudes (10⁻⁴ to 10¹⁵; beyond, "2.1 × 10¹⁶");
    whole floats without decimals, integers in full, booleans as yes/no, missing as "–"."""
    if value is None or value is pd.NA:
        return "–"
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if not isinstance(value, numbers.Real):
        return str(value)
    v = float(value)
    if math.isnan(v):
        return "–"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(v)))
    if magnitude < -4 or magnitude >= 15:
        mantissa = f"{v / 10**magnitude:.{digits - 1}f}".rstrip("0").rstrip(".")
        return f"{mantissa} × 10{str(magnitude).translate(_SUPERSCRIPT)}".replace("-", "−")
    decimals = max(0, digits - 1 - magnitude)
    text = f"{v:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text.replace("-", "−")


def split_unit(name: str) -> tuple[str, str]:
    """A name and the unit its ending carries: ``area_km2`` -> ("area", "km²"); ("x", "") if none."""
    for suffix, unit in _UNITS:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], unit
    return name, ""


def label(column: str) -> str:
    """A column name as a reader's header: ``area_km2`` -> "area (km²)", underscores as spaces."""
    if column in _LABELS:
        return _LABELS[column]
    stem, unit = split_unit(column)
    return f"{stem.replace('_', ' ')} ({unit})" if unit else column.replace("_", " ")


def _is_code(column: str) -> bool:
    """Identifiers and codes are printed as they are (no thousands separators)."""
    c = str(column).lower()
    return c in ("id", "code", "seed", "community", "row") or c.endswith(("_id", "_code"))


def html_table(df: pd.DataFrame, digits: int = 4) -> str:
    """A table in a box that scrolls sideways on a narrow screen, headers in plain words with
    their units, every number through :func:`number`."""
    shown = pd.DataFrame(
        {
            label(str(c)): [_code(v) if _is_code(c) and not _missing(v) else number(v, digits) for v in df[c]]
            for c in df.columns
        },
        index=range(len(df)),
    )
    if shown.columns.duplicated().any():  # two names that read the same: keep them apart
        shown.columns = [str(c) for c in df.columns]
    return f'<div class="table">{shown.to_html(index=False, border=0, escape=True)}</div>'


def html_record(record: dict, digits: int = 4) -> str:
    """One row of measures (name -> value) as a two-column table, measure and value, which fits
    a narrow page where a row of twenty columns would not."""
    names = [label(str(k)) for k in record]
    values = [number(v, digits) if not isinstance(v, str) else v for v in record.values()]
    return html_table(pd.DataFrame({"measure": names, "value": values}), digits)


def _code(v) -> str:
    """An identifier as written: 12 (not 12.0 from a column with gaps, nor 1,012)."""
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def kpi(label: str, value) -> str:
    text = value if isinstance(value, str) else number(value)
    return f'<span class="kpi"><b>{html.escape(text)}</b>{html.escape(label)}</span>'


def section(title: str, *parts: str, level: int = 2) -> str:
    return f"<h{level}>{html.escape(title)}</h{level}>\n" + "\n".join(parts)


__all__ = ["html_record", "html_table", "kpi", "label", "number", "section", "split_unit"]
