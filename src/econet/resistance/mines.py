"""Mine resistance surface (Feng et al. 2024, Table 2; docs/methods/resistance.md).

Each mine gets a resistance by its mineral (metal, coal, building material), mining method
(underground, open pit) and status (producing, abandoned), in distance bands from the mine's
boundary: 5 within the first band, 3 within the second, 1 beyond (inside the mine the distance
is 0). Bands are right-closed like every grade in econet (distance <= 1000 m is the first band
of "(0-1000) = 5"). Where mines of several types are near, a cell takes the highest value.
"""

from __future__ import annotations

import numpy as np

from econet.classify import grade
from econet.grid import Grid
from econet.resistance.distance import burn, distance_to_mask_m

MINERALS = ("metal", "coal", "building_material")
METHODS = ("underground", "open_pit")
STATUSES = ("producing", "abandoned")

# (mineral, method, status) -> (band upper bounds in m, values of the bands), Feng et al. (2024), Table 2.
# Abandoned open-pit building-material mines are printed as (0-800) = 3, (800-1500) = 3,
# (>1500) = 1: kept as printed (every other cell of the table starts at 5).
SEED001_MINE_BANDS: dict[tuple[str, str, str], tuple[tuple[float, ...], tuple[float, ...]]] = {
    ("metal", "underground", "producing"): ((1000, 1500), (5, 3, 1)),
    ("metal", "underground", "abandoned"): ((500, 1000), (5, 3, 1)),
    ("metal", "open_pit", "producing"): ((3000, 4000), (5, 3, 1)),
    ("metal", "open_pit", "abandoned"): ((1000, 2000), (5, 3, 1)),
    ("coal", "underground", "producing"): ((1000, 1500), (5, 3, 1)),
    ("coal", "underground", "abandoned"): ((500, 1000), (5, 3, 1)),
    ("coal", "open_pit", "producing"): ((2500, 3500), (5, 3, 1)),
    ("coal", "open_pit", "abandoned"): ((1000, 2000), (5, 3, 1)),
    ("building_material", "underground", "producing"): ((1000, 2000), (5, 3, 1)),
    ("building_material", "underground", "abandoned"): ((500, 1000), (5, 3, 1)),
    ("building_material", "open_pit", "producing"): ((2000, 3000), (5, 3, 1)),
    ("building_material", "open_pit", "abandoned"): ((800, 1500), (3, 3, 1)),
}

_SYNONYMS = {
    "metals": "metal",
    "metallic": "metal",
    "building": "building_material",
    "building_materials": "building_material",
    "construction_material": "building_material",
    "opencast": "open_pit",
    "open_cast": "open_pit",
    "openpit": "open_pit",
    "surface": "open_pit",
    "underground_mining": "underground",
    "active": "producing",
    "operating": "producing",
    "in_production": "producing",
    "closed": "abandoned",
    "inactive": "abandoned",
    "exhausted": "abandoned",
}


def normalise_label(value) -> str:
    """Lower case, '-' and spaces to '_', common synonyms mapped (``opencast`` -> ``open_pit``)."""
    s = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    return _SYNONYMS.get(s, s)


def mine_types(mines, fields: tuple[str, str, str] = ("mineral", "method", "status")) -> list[tuple[str, str, str]]:
    """The (mineral, method, status) of each mine, normalised; ValueError names unknown values."""
    missing = [f for f in fields if f not in mines.columns]
    if missing:
        raise ValueError(f"mine attribute(s) {missing} missing; the layer has {list(mines.columns)}")
    allowed = (MINERALS, METHODS, STATUSES)
    keys = []
    for row in mines[list(fields)].itertuples(index=False):
        key = tuple(normalise_label(v) for v in row)
        for f, v, ok in zip(fields, key, allowed):
            if v not in ok:
                raise ValueError(f"mine attribute {f} = {v!r} is not one of {list(ok)}")
        keys.append(key)
    return keys


def mine_resistance(
    mines,
    grid: Grid,
    bands: dict | None = None,
    fields: tuple[str, str, str] = ("mineral", "method", "status"),
) -> np.ndarray:
    """Mine resistance raster (float32) from mine polygons with mineral, method and status.

    ``bands`` maps (mineral, method, status) to (band upper bounds in m, band values); the
    default is Feng et al. (2024), Table 2. Cells beyond every band take the lowest band value (1); with no
    mines at all every cell does.
    """
    bands = SEED001_MINE_BANDS if bands is None else bands
    keys = mine_types(mines, fields)
    floor = min(min(v) for _, v in bands.values())
    out = np.full(grid.shape, floor, dtype=np.float32)
    t = grid.transform
    for key in sorted(set(keys)):
        if key not in bands:
            raise ValueError(f"no distance bands for mines of type {key}")
        breaks, values = bands[key]
        geoms = [g for g, k in zip(mines.geometry, keys) if k == key]
        mask = burn(geoms, grid)
        if not mask.any():
            continue
        dist = distance_to_mask_m(mask, (abs(t.e), abs(t.a)))
        np.fmax(out, grade(dist, breaks, values), out=out)
    return out


__all__ = ["METHODS", "MINERALS", "SEED001_MINE_BANDS", "STATUSES", "mine_resistance", "mine_types", "normalise_label"]
