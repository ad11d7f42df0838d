"""The HTML report: one page assembled from the sections that each stage contributes.

A :class:`ReportSection` carries a stage's title, its HTML parts (tables, text, figures drawn
beside the page as PNG) and its headline numbers. The page shows every headline number at the
top, the lead figures, then each section in pipeline order, the products that exist and what
ran. Figures lie beside the page (the folder can be zipped and opened anywhere) or are embedded in
it as data URIs (one file).
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from econet.io.atomic import write_text
from econet.report.tables import kpi

# Tables scroll inside their own box (div.table) and figures shrink to the page, so that no
# element is wider than the window, down to about 800 px.
_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;
line-height:1.4}
h1{margin-bottom:.2em} h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
.table{max-width:100%;overflow-x:auto;margin:.5em 0}
table{border-collapse:collapse;font-size:.9em} td,th{border:1px solid #ddd;padding:.25em .6em;text-align:right}
th{background:#f3f3f3;vertical-align:bottom} td:first-child,th:first-child{text-align:left}
td{overflow-wrap:anywhere} img{max-width:100%;height:auto;border:1px solid #eee}
p,li{overflow-wrap:break-word} .explain{max-width:50em}
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
    run: list[str] = (),
) -> str:
    """The report as one HTML page: headline numbers, lead figures, the sections, the products
    (file -> content; each a link) and ``run``, the HTML parts that say what ran."""
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
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
            "<meta name='viewport' content='width=device-width, initial-scale=1'>",
            f"<title>econet – {html.escape(title)}</title>",
            f"<style>{_CSS}</style></head><body>",
            f"<h1>{html.escape(title)}</h1>",
            f"<p class='muted'>{html.escape(subtitle)}</p>",
            "<div>",
            *headline,
            "</div>",
            *leads,
            *body,
            "<h2>Products</h2><div class='table'><table><tr><th>file</th><th>content</th></tr>",
            *rows,
            "</table></div>",
            *(["<h2>Run</h2>", *run] if run else []),
            "</body></html>",
        ]
    )


_IMG = re.compile(r"(<img\b[^>]*?\bsrc=)(['\"])([^'\"]+)\2")


def embed_images(page: str, folder) -> str:
    """The page with every image it shows from ``folder`` inlined as a base64 data URI, so that
    the report is one file that can be mailed or archived on its own (about 4/3 of the PNGs'
    size); images that are not files in ``folder`` are left as they are."""

    def inline(m: re.Match) -> str:
        src = html.unescape(m.group(3))
        path = Path(folder) / src
        if src.startswith(("data:", "http:", "https:")) or not path.is_file():
            return m.group(0)
        mime = "image/svg+xml" if path.suffix.lower() == ".svg" else f"image/{path.suffix.lower().lstrip('.')}"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"{m.group(1)}{m.group(2)}data:{mime};base64,{data}{m.group(2)}"

    return _IMG.sub(inline, page)


def write_report(path, title: str, subtitle: str, sections, products, run=(), embed: bool = False) -> None:
    """Write :func:`report_page` to ``path`` (atomically); ``embed``: images inlined (see
    :func:`embed_images`), else beside the page."""
    page = report_page(title, subtitle, sections, products, run)
    write_text(path, embed_images(page, Path(path).parent) if embed else page)


__all__ = ["ReportSection", "embed_images", "report_page", "write_report"]
