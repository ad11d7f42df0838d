"""Land-cover class tables: codes, names and their roles in every stage (docs/methods/grid.md).

A class table says, per code: whether it is habitat (MSPA foreground), which source type a
source dominated by it gets, its resistance value, and its carbon-sink coefficient (the Xuzhou
SEEC preprint, Table 2, t/(ha·a)). GlobeLand30 is the default table, as that preprint uses it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SOURCE_TYPES = ("forest", "shrub-grass", "wetland-water")


@dataclass(frozen=True)
class LandCoverClass:
    code: int
    name: str
    habitat: bool
    source_type: str | None
    resistance: float
    carbon_t_ha_a: float = 0.0
    colour: str | None = None  # "#rrggbb" for maps (GlobeLand30's legend colours by default)


# Resistance grades are the Xuzhou SEEC preprint's Table 1 (LUCC factor, 1/3/5/7/9: forest,
# water and wetland 1; shrubland and grass 3; cultivated 5; artificial 7; bare 9); carbon
# coefficients are its Table 2 (t/(hm²·a)); classes the preprint does not grade get the grade of
# their nearest kin.
GLOBELAND30 = (
    LandCoverClass(10, "cultivated", False, None, 5.0, 0.0, "#f9f3c1"),
    LandCoverClass(20, "forest", True, "forest", 1.0, 0.870, "#147749"),
    LandCoverClass(30, "grassland", True, "shrub-grass", 3.0, 0.191, "#a9d05f"),
    LandCoverClass(40, "shrubland", True, "shrub-grass", 3.0, 0.230, "#3eb370"),
    LandCoverClass(50, "wetland", True, "wetland-water", 1.0, 0.671, "#7ecef4"),
    LandCoverClass(60, "water", True, "wetland-water", 1.0, 0.671, "#00449a"),
    LandCoverClass(70, "tundra", False, None, 5.0, 0.0, "#968c6e"),
    LandCoverClass(80, "artificial surfaces", False, None, 7.0, 0.0, "#932f14"),
    LandCoverClass(90, "bare land", False, None, 9.0, 0.0, "#cacaca"),
    LandCoverClass(100, "permanent snow and ice", False, None, 9.0, 0.0, "#ebf5ff"),
)

# The GRASS nc_spm_08 "landclass96" legend (as in tests/fixtures/raleigh_nc/legend.json).
NC_LANDCLASS96 = (
    LandCoverClass(1, "developed", False, None, 7.0, 0.0, "#c83232"),
    LandCoverClass(2, "agriculture", False, None, 5.0, 0.0, "#f0e496"),
    LandCoverClass(3, "herbaceous", True, "shrub-grass", 3.0, 0.191, "#a0cd5f"),
    LandCoverClass(4, "shrubland", True, "shrub-grass", 3.0, 0.230, "#6eaa5a"),
    LandCoverClass(5, "forest", True, "forest", 1.0, 0.870, "#226e34"),
    LandCoverClass(6, "water", True, "wetland-water", 1.0, 0.671, "#285ac8"),
    LandCoverClass(7, "sediment", False, None, 9.0, 0.0, "#aaa096"),
)

CLASS_TABLES = {"globeland30": GLOBELAND30, "nc_landclass96": NC_LANDCLASS96}


def landcover_values(landcover: np.ndarray, table: dict[int, float]) -> np.ndarray:
    """Map class codes to values (float32); codes missing from ``table`` become NaN."""
    codes = np.fromiter(table.keys(), dtype=np.int64)
    values = np.fromiter(table.values(), dtype=np.float32)
    order = np.argsort(codes)
    codes, values = codes[order], values[order]
    idx = np.clip(np.searchsorted(codes, landcover), 0, len(codes) - 1)
    out = values[idx]
    out[codes[idx] != landcover] = np.nan
    return out
