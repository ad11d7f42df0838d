"""Maps, figures and the HTML report assembled from the stages' sections."""

from econet.report.html import ReportSection, report_page, write_report

__all__ = ["ReportSection", "report_page", "write_report"]
