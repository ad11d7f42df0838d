"""Maps, figures and the HTML report."""

from econet.report.html import write_report

__all__ = ["write_report"]
