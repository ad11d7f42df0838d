"""``[zones]``: where the products lie, by zone, and indicator means per pinch point and barrier
(docs/methods/zones.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from econet.config.base import Ref, Section

Product = Literal["sources", "corridors", "pinchpoints", "barriers"]


class Zoning(Section):
    """One zone layer: polygons of ``vector`` named by their ``field`` (townships), or the integer
    codes of a raster ``layer`` (lithology, land cover: codes of the land-cover layer are named
    by the class table)."""

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    vector: str | None = None
    field: str | None = None  # the attribute naming a polygon's zone (default: its row number)
    layer: str | None = None

    @model_validator(mode="after")
    def _one_source(self):
        if (self.vector is None) == (self.layer is None):
            raise ValueError("a zoning needs vector = a polygon layer (with field) or layer = a class raster; give one")
        if self.field is not None and self.vector is None:
            raise ValueError("field names an attribute of vector; a raster zoning has no field")
        return self


class ZonesSection(Section):
    """Zonal tables of the products by each zoning (areas, counts, shares summing to 100 %; Yang et
    al., Tables 3 and 4: pinch points and barriers by township and land use), and the means of
    ``means_of`` rasters over each pinch point and barrier (Tong et al. 2025 read the indicators of
    each pinch point and barrier to choose those to restore). Present = the zones stage runs."""

    by: list[Zoning] = Field(default_factory=list)
    products: list[Product] = ["sources", "corridors", "pinchpoints", "barriers"]
    means_of: list[str] = []  # rasters averaged over each pinch point and barrier

    @model_validator(mode="after")
    def _something(self):
        names = [z.name for z in self.by]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"zoning name(s) {dup} are used twice; give each [[zones.by]] its own name")
        if not self.by and not self.means_of:
            raise ValueError("[zones] needs [[zones.by]] zonings, means_of rasters, or both")
        return self

    def refs(self, at: str) -> list[Ref]:
        out = []
        for i, z in enumerate(self.by):
            if z.vector:
                out.append(Ref(f"{at}.by.{i}.vector", "vector", z.vector))
            else:
                out.append(Ref(f"{at}.by.{i}.layer", "layer", z.layer))
        out += [Ref(f"{at}.means_of", "layer", k) for k in self.means_of]
        return out


__all__ = ["ZonesSection", "Zoning"]
