"""``[report]``: how the HTML report is written."""

from __future__ import annotations

from econet.config.base import Section


class ReportOptions(Section):
    """How the HTML report is written: its figures beside it as PNG files, or embedded in the page
    (``embed_images``: one self-contained file, about a third larger than the PNGs together)."""

    embed_images: bool = False  # `econet run --embed-images` sets it for one run


__all__ = ["ReportOptions"]
