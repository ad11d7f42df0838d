"""``[run]``: how a run uses the machine, not what it computes.

No stage reads this section, so changing it reruns nothing: a run within a memory limit gives the
same products as one without (issue 20).
"""

from __future__ import annotations

from econet.config.base import PositiveFloat, Section


class RunSection(Section):
    """``[run]``: ``max_memory_mb``, the working memory a stage may use (None: no limit)."""

    max_memory_mb: PositiveFloat | None = None


__all__ = ["RunSection"]
