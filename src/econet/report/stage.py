"""The report stage: the HTML page over every stage's section."""

from __future__ import annotations

from econet.stage import Context, Stage, landcover_layers


def _report(ctx: Context):
    return {"made": True}


def _write_report(ctx: Context, _res) -> list[str]:
    from econet.report.html import write_report

    return write_report(ctx)


def _report_layers(s) -> list[str]:
    return landcover_layers(s) + [f"vectors.{k}" for k in ("roads", "mines") if k in s.vectors]


REPORT_STAGE = Stage(
    "report",
    "Report",
    ("mspa", "sources", "resistance", "corridors", "indicators", "connectivity", "network", "robustness"),
    ("study",),
    _report_layers,
    _report,
    _write_report,
    None,
    {"report.html": "this report; figures beside it as PNG"},
)

__all__ = ["REPORT_STAGE"]
