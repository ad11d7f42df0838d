"""``[run]``: where a run's tasks execute. Not part of any stage's cache key: the products are
the same whatever the scheduler (econet.tasks)."""

from __future__ import annotations

from pydantic import field_validator

from econet.config.base import Section
from econet.tasks import check_address


class RunSection(Section):
    """``scheduler``: the address of a Dask scheduler (``"tcp://host:8786"``) that runs the
    per-source and per-pair tasks; absent, they run on two threads of this machine."""

    scheduler: str | None = None

    @field_validator("scheduler")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        return None if value is None else check_address(value, "run.scheduler")
