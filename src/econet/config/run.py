"""``[run]``: how a run uses the machine, not what it computes.

No stage reads this section, so changing it reruns nothing: a run within a memory limit, on
windows, or on a Dask cluster gives the same products as one without (issue 20).
"""

from __future__ import annotations

from pydantic import Field, field_validator

from econet.config.base import PositiveFloat, Section
from econet.tasks import check_address
from econet.windows import window_size

# Working set of a raster stage per cell of its window (bytes), an estimate: a dozen float64
# temporaries of the factor or indicator being computed, its grade, masks. The whole-grid
# operations (docs/methods/windows.md) come on top of it.
WORKING_BYTES_PER_CELL = 96


class RunSection(Section):
    """``[run]``: ``max_memory_mb``, the working memory a stage may use (None: no limit; MSPA is
    tiled beyond it, and the raster stages take the windows that fit it), and ``window_cells``,
    the side of the square windows the raster stages compute on (overrides the memory's window);
    neither: the whole grid at once. ``scheduler``: the address of a Dask scheduler
    (``"tcp://host:8786"``) that runs the per-source and per-pair tasks and the scenario runs of
    ``econet optimise`` (None: threads of this machine). ``scenario_workers``: how many scenario
    runs ``econet optimise`` runs at once on this machine (each is a whole run, with its memory:
    one by default)."""

    window_cells: int | None = Field(None, ge=16)
    max_memory_mb: PositiveFloat | None = None
    scheduler: str | None = None
    scenario_workers: int = Field(1, ge=1)

    @field_validator("scheduler")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        return None if value is None else check_address(value, "run.scheduler")

    def window(self) -> int | None:
        """The window side in cells, or None for the whole grid."""
        if self.window_cells is not None:
            return self.window_cells
        if self.max_memory_mb is not None:
            return window_size(self.max_memory_mb, WORKING_BYTES_PER_CELL)
        return None


__all__ = ["RunSection", "WORKING_BYTES_PER_CELL"]
