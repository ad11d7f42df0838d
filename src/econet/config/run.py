"""``[run]``: how a run uses the machine, not what it computes.

No stage reads this section, so changing it reruns nothing: a run within a memory limit, or on a
Dask cluster, gives the same products as one without (issue 20).
"""

from __future__ import annotations

from pydantic import field_validator

from econet.config.base import PositiveFloat, Section
from econet.tasks import check_address


class RunSection(Section):
    """``[run]``: ``max_memory_mb``, the working memory a stage may use (None: no limit);
    ``scheduler``, the address of a Dask scheduler (``"tcp://host:8786"``) that runs the
    per-source and per-pair tasks (None: two threads of this machine)."""

    max_memory_mb: PositiveFloat | None = None
    scheduler: str | None = None

    @field_validator("scheduler")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        return None if value is None else check_address(value, "run.scheduler")


__all__ = ["RunSection"]
