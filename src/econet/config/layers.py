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
    overrides the file's own and the CRS of a file that has none."""

    kind: Literal["categorical", "continuous"] = "continuous"
    band: int = Field(1, ge=1)
    nodata: float | None = None
    # the CRS of a file without one ("EPSG:32650", a WKT string or a .prj's text); a file whose
    # own CRS differs is an error (reproject it instead)
    crs: str | None = None


class VectorLayer(FileInput):
    """A vector input (any OGR format); ``layer`` picks one layer of a multi-layer file, ``crs``
    gives the CRS of a layer that has none."""

    layer: str | None = None
    crs: str | None = None


__all__ = ["RasterLayer", "VectorLayer"]
