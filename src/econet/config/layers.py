"""``[layers.<name>]`` and ``[vectors.<name>]``: the input files of a study.

Every raster is aligned to the template grid when it is read (docs/methods/grid.md): ``kind``
decides the resampling (nearest or mode for classes, bilinear or average for values).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from econet.config.base import FileInput


class RasterLayer(FileInput):
    """A raster input: its band, its resampling kind and, optionally, a nodata value that
    overrides the file's own."""

    kind: Literal["categorical", "continuous"] = "continuous"
    band: int = Field(1, ge=1)
    nodata: float | None = None


class VectorLayer(FileInput):
    """A vector input (any OGR format); ``layer`` picks one layer of a multi-layer file."""

    layer: str | None = None


__all__ = ["RasterLayer", "VectorLayer"]
