"""Feng et al. (2024), Table 2: mine resistance reproduced cell for cell on a test raster."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from affine import Affine
from rasterio.crs import CRS
from shapely.geometry import box

from econet.grid import Grid
from econet.resistance.mines import mine_resistance

# Feng et al. (2024) (PLoS ONE 10.1371/journal.pone.0303016), Table 2, transcribed here independently of
# econet.resistance.mines: (mineral, method, status) -> [(upper bound m, value), ..., (inf, value)].
TABLE2 = {
    ("metal", "underground", "producing"): [(1000, 5), (1500, 3), (np.inf, 1)],
    ("metal", "underground", "abandoned"): [(500, 5), (1000, 3), (np.inf, 1)],
    ("metal", "open_pit", "producing"): [(3000, 5), (4000, 3), (np.inf, 1)],
    ("metal", "open_pit", "abandoned"): [(1000, 5), (2000, 3), (np.inf, 1)],
    ("coal", "underground", "producing"): [(1000, 5), (1500, 3), (np.inf, 1)],
    ("coal", "underground", "abandoned"): [(500, 5), (1000, 3), (np.inf, 1)],
    ("coal", "open_pit", "producing"): [(2500, 5), (3500, 3), (np.inf, 1)],
    ("coal", "open_pit", "abandoned"): [(1000, 5), (2000, 3), (np.inf, 1)],
    ("building_material", "underground", "producing"): [(1000, 5), (2000, 3), (np.inf, 1)],
    ("building_material", "underground", "abandoned"): [(500, 5), (1000, 3), (np.inf, 1)],
    ("building_material", "open_pit", "producing"): [(2000, 5), (3000, 3), (np.inf, 1)],
    ("building_material", "open_pit", "abandoned"): [(800, 3), (1500, 3), (np.inf, 1)],
}

CELL = 100.0
N = 110  # 11 km square: every band of every type fits
GRID = Grid(CRS.from_epsg(4548), Affine(CELL, 0, 500_000.0, 0, -CELL, 3_811_000.0), (N, N))


def _expected(key, mine_cells: np.ndarray) -> np.ndarray:
    """Brute force: distance from each cell centre to the nearest mine cell centre, then the table."""
    rr, cc = np.nonzero(mine_cells)
    r, c = np.mgrid[0:N, 0:N]
    d = np.full((N, N), np.inf)
    for a, b in zip(rr, cc):
        d = np.minimum(d, CELL * np.hypot(r - a, c - b))
    out = np.zeros((N, N))
    for i in range(N):
        for j in range(N):
            for upper, value in TABLE2[key]:
                if d[i, j] <= upper:
                    out[i, j] = value
                    break
    return out


@pytest.mark.parametrize("key", sorted(TABLE2))
def test_table2_bands_cell_for_cell(key):
    # A 600 m x 400 m mine (whole cells) near the middle, off-centre so bands are cut by the edges.
    x0, y0 = 500_000.0 + 40 * CELL, 3_811_000.0 - 50 * CELL
    mine = box(x0, y0 - 400, x0 + 600, y0)
    mines = gpd.GeoDataFrame(
        {"mineral": [key[0]], "method": [key[1]], "status": [key[2]]}, geometry=[mine], crs="EPSG:4548"
    )
    got = mine_resistance(mines, GRID)
    cells = np.zeros((N, N), bool)
    cells[50:54, 40:46] = True
    exp = _expected(key, cells)
    assert np.array_equal(got, exp)
    assert (got[cells] == TABLE2[key][0][1]).all()


def test_several_mines_take_the_maximum_and_labels_are_normalised():
    a = box(500_000 + 1000, 3_811_000 - 2000, 500_000 + 1500, 3_811_000 - 1500)
    b = box(500_000 + 9000, 3_811_000 - 9000, 500_000 + 9500, 3_811_000 - 8500)
    mines = gpd.GeoDataFrame(
        {
            "mineral": ["Coal", "building material"],
            "method": ["Open-pit", "underground"],
            "status": ["active", "closed"],
        },
        geometry=[a, b],
        crs="EPSG:4548",
    )
    got = mine_resistance(mines, GRID)
    assert got.max() == 5 and got.min() == 1
    # A cell 2 km from the coal pit (5 there) and far from the other mine keeps the higher value.
    assert got[int(1750 // CELL) + 20, int(1250 // CELL)] == 5


def test_unknown_mine_labels_are_errors():
    mines = gpd.GeoDataFrame(
        {"mineral": ["gold"], "method": ["open_pit"], "status": ["producing"]}, geometry=[box(0, 0, 1, 1)]
    )
    with pytest.raises(ValueError, match="mineral = 'gold'"):
        mine_resistance(mines, GRID)
    with pytest.raises(ValueError, match="missing"):
        mine_resistance(mines.drop(columns="status"), GRID)
