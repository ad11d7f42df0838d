"""The HTML report: one page assembled from the sections that each stage contributes.

A :class:`ReportSection` carries a stage's title, its HTML parts (tables, text, figures drawn
beside the page as PNG) and its headline numbers. The page shows every headline number at the
top, the lead figures, then each section in pipeline order, the products and the stage timings,
so the folder can be zipped and opened anywhere.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from econet.io.atomic import write_text
from econet.report.tables import html_table, kpi

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{margin-bottom:.2em} h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;font-size:.9em;margin:.5em 0} td,th{border:1px solid #ddd;padding:.25em .6em;text-align:right}
th{background:#f3f3f3} td:first-child,th:first-child{text-align:left} img{max-width:100%;border:1px solid #eee}
.kpi{display:inline-block;margin:.3em 1.2em .3em 0} .kpi b{font-size:1.5em;display:block} .muted{color:#777;font-size:.9em}
"""


@dataclass
class ReportSection:
    """A stage's part of the report: ``title``, HTML ``parts``, the PNG ``figures`` it wrote
    (paths relative to the report), ``headline`` numbers (label -> value) shown at the top, and
    an optional ``lead`` figure shown under them (the network map)."""

    title: str
    parts: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    headline: dict[str, object] = field(default_factory=dict)
    lead: str | None = None


def report_page(
    title: str,
    subtitle: str,
    sections: list[ReportSection],
    products: dict[str, str],
    timings: pd.DataFrame,
) -> str:
    """The report as one HTML page."""
    headline = [kpi(label, value) for s in sections for label, value in s.headline.items()]
    leads = [f"<p><img src='{html.escape(s.lead)}' alt='{html.escape(s.title)}'></p>" for s in sections if s.lead]
    body = [f"<h2>{html.escape(s.title)}</h2>\n" + "\n".join(s.parts) for s in sections]
    rows = [
        f"<tr><td><a href='{html.escape(k)}'>{html.escape(k)}</a></td>"
        f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
        for k, v in products.items()
    ]
    return "\n".join(
        [
            f"<!doctype html><html><head><meta charset='utf-8'><title>econet – {html.escape(title)}</title>",
            f"<style>{_CSS}</style></head><body>",
            f"<h1>{html.escape(title)}</h1>",
            f"<p class='muted'>{html.escape(subtitle)}</p>",
            "<div>",
            *headline,
            "</div>",
            *leads,
            *body,
            "<h2>Products</h2><table><tr><th>file</th><th>content</th></tr>",
            *rows,
            "</table>",
            "<h2>Run</h2>",
            html_table(timings, "{:.2f}"),
            "</body></html>",
        ]
    )


def write_report(path, title: str, subtitle: str, sections, products, timings) -> None:
    """Write :func:`report_page` to ``path`` (atomically)."""
    write_text(path, report_page(title, subtitle, sections, products, timings))


__all__ = ["ReportSection", "report_page", "write_report"]
