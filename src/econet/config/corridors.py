"""``[corridors]``: least-cost paths and corridors between source pairs (docs/methods/corridors.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from econet.config.base import PositiveFloat, Ref, Section


class CorridorsSection(Section):
    """Least-cost paths and corridors between source pairs (Linkage Mapper; Feng et al. 2024, Chang et al. 2018).

    ``width_cost`` is the one corridor cutoff: the normalised least-cost corridors are truncated
    at it, and the circuit stage's pinch points are mapped inside the same corridors."""

    # Candidate pairs: cheapest-source zones touch, nearest-source zones touch, or all pairs.
    pairs: Literal["allocation_adjacency", "euclidean_adjacency", "all"] = "allocation_adjacency"
    max_cost: PositiveFloat | None = None  # drop corridors costlier than this (resistance x m)
    max_euclid_m: PositiveFloat | None = None  # drop pairs whose edges are farther apart (m)
    n_nearest: int | None = Field(None, ge=1)  # keep each source's N cheapest neighbours
    drop_through_sources: bool = True  # drop a pair whose least-cost path crosses a third source
    width_cost: PositiveFloat | None = None  # NLCC corridors truncated at this CWD (resistance x m)
    regional_width_m: PositiveFloat = 400.0  # Chang et al. (2018): 300-500 m
    subregional_width_m: PositiveFloat = 200.0  # Chang et al. (2018): 100-300 m
    local_width_m: PositiveFloat = 100.0  # Chang et al. (2018): 100 m
    gravity_area_unit: Literal["m2", "ha", "km2"] = "m2"  # unit of S in ln(S)
    roads: str | None = None  # vector layer for breakpoints (a LineString layer)
    road_class_field: str = "road_class"
    breakpoint_road_classes: list[str] = ["expressway", "highway"]
    mines: str | None = None  # vector layer for mine breakpoints and open-pit fracture surfaces
    mine_method_field: str = "method"
    open_pit: str = "open_pit"  # value of mine_method_field that marks open pits
    # A line layer: each line links the two sources under its ends, whatever the pair rule and
    # the cost limits (corridors added by a scenario, or drawn by hand).
    add_links: str | None = None
    # The cumulative resistance: "ordinary" MCR, or the Xuzhou SEEC preprint's modified MCR
    # (§3.1.2, eqs. 1-2): V = min_j N_j · A_j · N_j(r) · CD_j, with N_j the source's mean night
    # light, A_j its area and N_j(r) its mean NDVI (r = 1; forest, shrub-grass) or MNDWI (r = 2;
    # wetland-water); the allocation of V decides the adjacent pairs.
    mcr: Literal["ordinary", "energy"] = "ordinary"
    mcr_nightlight: str = "nightlight"
    mcr_ndvi: str = "ndvi"
    mcr_mndwi: str = "mndwi"

    def tier_widths_m(self) -> dict[str, float]:
        """Buffer width (m) of each corridor tier."""
        return {
            "regional": self.regional_width_m,
            "sub-regional": self.subregional_width_m,
            "local": self.local_width_m,
        }

    def refs(self, at: str) -> list[Ref]:
        keys = ("roads", "mines", "add_links")
        out = [Ref(f"{at}.{key}", "vector", name) for key in keys if (name := getattr(self, key))]
        if self.mcr == "energy":
            out += [Ref(f"{at}.{k}", "layer", getattr(self, k)) for k in ("mcr_nightlight", "mcr_ndvi", "mcr_mndwi")]
        return out


__all__ = ["CorridorsSection"]
