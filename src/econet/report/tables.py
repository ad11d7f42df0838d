"""Small HTML helpers shared by the report sections of every stage."""

from __future__ import annotations

import html

import pandas as pd


def html_table(df: pd.DataFrame, floatfmt: str = "{:,.3f}") -> str:
    return df.to_html(index=False, border=0, float_format=lambda v: floatfmt.format(v), na_rep="–")


def kpi(label: str, value) -> str:
    return f'<span class="kpi"><b>{html.escape(str(value))}</b>{html.escape(label)}</span>'


def section(title: str, *parts: str, level: int = 2) -> str:
    return f"<h{level}>{html.escape(title)}</h{level}>\n" + "\n".join(parts)


__all__ = ["html_table", "kpi", "section"]
