"""``[series]``: the epochs of a study (docs/methods/series.md).

A study of several dates names its years and, for each year, the input files that changed::

    [series]
    years = [2000, 2005, 2010]

    [series.layers.2005]
    landcover = "data/2005/landcover.tif"

    [series.vectors.2010]
    mines = "data/2010/city.gpkg"

``[layers]`` and ``[vectors]`` are the inputs of the first year. Each later year starts from the
inputs of the year before and replaces the files it names (the layer's other settings, such as
``kind`` or the GeoPackage ``layer``, are kept), so a layer that changed once stays changed.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, field_validator

from econet.config.base import Section, resolve_path
from econet.errors import Problem

# year -> layer name -> file (relative paths from the study file's folder, checked to exist)
Overrides = dict[str, dict[str, Annotated[str, AfterValidator(resolve_path)]]]


class SeriesSection(Section):
    """The years of the series (increasing) and, per year, the files of the layers and vector
    layers that changed since the year before."""

    years: list[int]
    layers: Overrides = {}
    vectors: Overrides = {}

    @field_validator("years")
    @classmethod
    def _increasing(cls, v: list[int]) -> list[int]:
        if len(v) < 2:
            raise ValueError("a series needs at least two years, e.g. years = [2000, 2010]")
        if any(b <= a for a, b in zip(v, v[1:])):
            raise ValueError(f"years must increase strictly (got {v}); list each year once, in order")
        return v

    def problems(self, at: str) -> list[Problem]:
        years = {str(y) for y in self.years}
        return [
            Problem(
                f"{at}.{group}.{year}", f"{year} is not one of series.years {self.years}; add it there or fix the year"
            )
            for group in ("layers", "vectors")
            for year in getattr(self, group)
            if year not in years
        ]

    def epoch_inputs(self, layers: dict, vectors: dict) -> dict[int, tuple[dict, dict]]:
        """Year -> (layers, vectors) of that epoch: the study's ``[layers]`` and ``[vectors]``
        (name -> ``RasterLayer`` / ``VectorLayer``) with every override of this and earlier years
        applied in turn."""
        out = {}
        layers, vectors = dict(layers), dict(vectors)
        for year in self.years:
            for name, path in self.layers.get(str(year), {}).items():
                layers[name] = layers[name].model_copy(update={"path": path})
            for name, path in self.vectors.get(str(year), {}).items():
                vectors[name] = vectors[name].model_copy(update={"path": path})
            out[year] = (dict(layers), dict(vectors))
        return out


def series_problems(data: dict) -> list[Problem]:
    """Overrides must name a layer of ``[layers]`` (a raster) or of ``[vectors]``: a series
    changes the files of the study's inputs, it does not add inputs."""
    series = data.get("series")
    if not isinstance(series, dict):
        return []
    problems = []
    for group in ("layers", "vectors"):
        known = data.get(group, {})
        known = known if isinstance(known, dict) else {}
        years = series.get(group, {})
        for year, files in years.items() if isinstance(years, dict) else ():
            for name in files if isinstance(files, dict) else ():
                if name not in known:
                    problems.append(
                        Problem(
                            f"series.{group}.{year}.{name}",
                            f"names '{name}', which is not in [{group}]; a series replaces the files of the study's "
                            f"inputs: add [{group}.{name}] (its file for the first year) or fix the name",
                        )
                    )
    return problems


__all__ = ["SeriesSection", "series_problems"]
