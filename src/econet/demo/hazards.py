"""Lithology, rock desertification, soil erosion and geological hazards of the demo city: the
layers of a karst mining area (Yang et al., §2.1-2.3.2: carbonate lithology, rock
desertification, soil erosion and geohazard sites correcting the resistance surface).

Part of the generator of :mod:`econet.demo.city`; pure, no I/O. Every layer follows the
land cover, the terrain and the mines already painted, so that they agree with each other:

- lithology: carbonate rocks (limestone, dolomite) on the hills, clastic rocks (sandstone,
  claystone) on the footslopes and coal fields, unconsolidated alluvium on the plain;
- rock desertification (0..1): exposed bedrock where carbonate rock carries little vegetation
  on steep ground (the karst degradation Yang et al. correct the resistance for);
- soil erosion (t/(ha·a)): a RUSLE product A = R·K·LS·C of the demo's erosivity and
  erodibility, Desmet & Govers-free simple LS from slope, and cover factors by land cover;
- geohazard sites (points): landslides, collapses and subsidence, drawn with a seeded stream
  where slopes are steep and where the ground is mined.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from shapely.geometry import Point

from econet.demo._base import CRS, _blur, _Fields
from econet.grid import Grid
from econet.rasterops import slope_deg

LITHOLOGY_CODES = {1: "carbonate (limestone, dolomite)", 2: "clastic (sandstone, claystone)", 3: "alluvium"}

# RUSLE cover factor C by GlobeLand30 code (typical values of the Chinese literature).
_C_FACTOR = {10: 0.23, 20: 0.006, 30: 0.04, 40: 0.02, 50: 0.0, 60: 0.0, 80: 0.01, 90: 0.7}


def _slope_length_factor(slope: np.ndarray) -> np.ndarray:
    """A simple LS from slope alone (30 m slopes, McCool et al. 1987 S with L = 1.4)."""
    s = np.sin(np.radians(slope))
    steep = np.where(np.tan(np.radians(slope)) < 0.09, 10.8 * s + 0.03, 16.8 * s - 0.5)
    return (1.4 * np.maximum(steep, 0.03)).astype(np.float32)


def hazards(grid: Grid, nz: _Fields, p: dict, rasters: dict) -> dict:
    """Lithology (code), rock desertification (0..1) and soil erosion (t/(ha·a)) rasters."""
    cell = grid.cell_size_m
    lc, dem, plain = p["lc"], p["dem"], p["plain"]
    relief = np.maximum(dem - plain, 0)
    slope = slope_deg(dem, cell)
    litho = np.full(grid.shape, 3, dtype=np.uint8)
    litho[(relief > 8) | p["mine_works"]] = 2
    litho[(relief > 25 + 10 * nz["soil"])] = 1
    ndvi = rasters["ndvi"]
    bare = np.clip((0.55 - ndvi) / 0.55, 0, 1)
    steep = np.clip(slope / 25.0, 0, 1)
    rd = np.where(litho == 1, bare * (0.4 + 0.6 * steep), 0.15 * bare * steep)
    rd = np.where(np.isin(lc, (50, 60)), 0.0, rd)
    rock = np.clip(_blur(rd.astype(np.float32), 60.0, cell), 0, 1)
    rock = np.round(np.where(np.isin(lc, (50, 60)), 0.0, rock), 3).astype(np.float32)  # never on water
    c = np.zeros(256, np.float32)
    for code, v in _C_FACTOR.items():
        c[code] = v
    # R (MJ mm/(ha h a)) x K (t ha h/(ha MJ mm)) x LS x C = t/(ha a)
    a = rasters["erosivity"] * rasters["erodibility"] * _slope_length_factor(slope) * c[lc]
    erosion = np.round(np.maximum(a, 0), 2).astype(np.float32)
    return {"lithology": litho, "rock_desertification": rock, "soil_erosion": erosion, "_slope": slope}


def geohazard_sites(rng, grid: Grid, p: dict, slope: np.ndarray) -> gpd.GeoDataFrame:
    """Geological hazard sites: about 10 per 100 km², likelier on steep and on mined ground."""
    lc = p["lc"]
    weight = (np.clip(slope / 15.0, 0, 1) ** 2 + 1.5 * p["mine_works"] + 0.02).astype(np.float64)
    weight[np.isin(lc, (50, 60))] = 0.0
    n = max(5, int(round(grid.area_km2 * 0.10)))
    prob = weight.ravel() / weight.sum()
    cells = rng.choice(prob.size, size=n, replace=False, p=prob)
    rows, cols = np.divmod(cells, grid.width)
    jitter = rng.uniform(-0.45, 0.45, (n, 2)) * grid.cell_size_m
    t = grid.transform
    xs, ys = t.c + (cols + 0.5) * t.a, t.f + (rows + 0.5) * t.e
    kinds = np.where(
        p["mine_works"].ravel()[cells],
        "ground_subsidence",
        np.where(slope.ravel()[cells] > 12, "landslide", "collapse"),
    )
    geoms = [Point(x + dx, y + dy) for x, y, (dx, dy) in zip(xs, ys, jitter)]
    order = np.lexsort((xs, ys))
    return gpd.GeoDataFrame(
        {"id": np.arange(1, n + 1), "kind": kinds[order]}, geometry=[geoms[i] for i in order], crs=CRS
    )
