"""Socio-economic and environmental layers of the demo city: night lights, population, climate, soils, threats.

Part of the generator of :mod:`econet.demo.city`; pure, no I/O."""

from __future__ import annotations

import numpy as np

from econet.demo._base import _blur, _burn, _Fields, _Plan
from econet.demo.spectral import _LST_C
from econet.grid import Grid


def _derived(plan: _Plan, grid: Grid, nz: _Fields, p: dict):
    """Thermal, night lights, population and the InVEST inputs."""
    cell = grid.cell_size_m
    lc, dem, plain, U = p["lc"], p["dem"], p["plain"], p["U"]
    lst_table = np.zeros(256, np.float32)
    for code, t in _LST_C.items():
        lst_table[code] = t
    t = lst_table[lc]
    t = np.where(p["coal"], np.float32(41.0), t)
    t += np.float32(4.0) * _blur(U, 600.0, cell)  # urban heat island
    t -= np.float32(0.0065) * np.maximum(dem - plain, 0)  # lapse rate on the hills
    t += np.float32(0.8) * nz["climate"] + np.float32(0.4) * nz["veg"]
    thermal = np.round(_blur(t, 45.0, cell), 2).astype(np.float32)
    # Night lights: emission from built-up land (brightest in the core) and working mines,
    # smeared by a VIIRS-like 500 m footprint.
    built = lc == 80
    emit = np.where(built, np.float32(2.5) + np.float32(110.0) * U ** np.float32(1.3), np.float32(0.15))
    emit = np.where((lc == 20) | (lc == 60), np.float32(0.02), emit)
    # (Working pits and the surface sites of working underground mines, not their whole fields.)
    producing = {m["name"] for m in plan.mines if m["status"] == "producing"}
    working = _burn(
        grid,
        [(m["geom"], 1) for m in plan.mines if m["name"] in producing and m["method"] == "open_pit"]
        + [(site, 1) for site, name in plan.sites if name in producing],
    )
    emit += np.float32(25.0) * working.astype(np.float32)
    nightlight = np.round(np.maximum(_blur(emit, 350.0, cell), 0), 3).astype(np.float32)
    # Population (persons/km2): dense in the core, thin in villages, nearly none on water.
    pop = np.full(grid.shape, np.float32(60.0))
    pop = np.where(built, np.float32(1200.0) + np.float32(21000.0) * U ** np.float32(1.1), pop)
    pop = np.where(np.isin(lc, (20, 40, 50)), np.float32(4.0), pop)
    pop = np.where((lc == 60) | (lc == 90), np.float32(0.0), pop)
    pop = np.where(p["roads"] & (U < 0.05), np.float32(60.0), pop)  # nobody lives on rural roads
    pop *= np.float32(1.0) + np.float32(0.15) * nz["bright"]
    population = np.round(np.maximum(_blur(pop, 60.0, cell), 0), 1).astype(np.float32)
    # Climate: ~850 mm rain rising to the south-east and with altitude (orographic), PET
    # following temperature.
    left, bottom, right, top = plan.bounds
    ys = ((top - (np.arange(grid.height) + 0.5) * cell - (top + bottom) / 2) / plan.extent_m).astype(np.float32)
    xs = ((left + (np.arange(grid.width) + 0.5) * cell - (left + right) / 2) / plan.extent_m).astype(np.float32)
    relief = np.maximum(dem - plain, 0)
    precip = np.float32(850.0) + np.float32(40.0) * (xs[None, :] - ys[:, None]) + np.float32(0.45) * relief
    precip += np.float32(12.0) * nz["climate"]
    precipitation = np.round(precip, 1).astype(np.float32)
    pet = np.float32(1000.0) + np.float32(9.0) * (_blur(thermal, 500.0, cell) - np.float32(30.0))
    pet += np.float32(15.0) * nz["soil"] - np.float32(0.25) * relief
    pet_mm = np.round(np.clip(pet, 880.0, 1120.0), 1).astype(np.float32)
    # Soils: deep alluvial loam on the plain, sandy Yellow River alluvium by the river, thin
    # stony soils on the hills, gangue on the dumps.
    soil = nz["soil"]
    thin = np.exp(-relief / np.float32(40.0))
    sandy = np.exp(-((p["d_main"] / np.float32(1500.0)) ** 2))
    root = (np.float32(1700.0) + np.float32(250.0) * soil) * thin + np.float32(250.0) * (1 - thin)
    root = np.where(p["mine_works"], np.float32(300.0), root)
    root_depth = np.round(np.clip(root, 100.0, 3000.0), 0).astype(np.float32)
    pawc = np.float32(0.17) + np.float32(0.025) * soil - np.float32(0.06) * sandy - np.float32(0.07) * (1 - thin)
    pawc = np.where(lc == 50, np.float32(0.26), pawc)
    pawc = np.where(p["mine_works"], np.float32(0.05), pawc)
    pawc = np.round(np.clip(pawc, 0.02, 0.6), 3).astype(np.float32)
    # Rainfall erosivity from annual rain (Renard & Freimund 1994), in MJ mm/(ha h a).
    erosivity = np.round(np.float32(0.0483) * precipitation ** np.float32(1.61), 1).astype(np.float32)
    k = np.float32(0.033) + np.float32(0.004) * soil + np.float32(0.012) * sandy - np.float32(0.01) * (1 - thin)
    k = np.where((lc == 50) | (lc == 60), np.float32(0.02), k)
    k = np.where(p["mine_works"], np.float32(0.05), k)
    erodibility = np.round(np.clip(k, 0.005, 0.07), 4).astype(np.float32)
    one, zero = np.float32(1.0), np.float32(0.0)
    return {
        "thermal": thermal,
        "nightlight": nightlight,
        "population": population,
        "precipitation_mm": precipitation,
        "pet_mm": pet_mm,
        "root_depth_mm": root_depth,
        "pawc": pawc,
        "erosivity": erosivity,
        "erodibility": erodibility,
        "threat_urban": np.where(built & ~p["roads"] & ~p["mine_works"], one, zero),
        "threat_roads": np.where(p["roads"], one, zero),
        "threat_mines": np.where(p["mine_works"], one, zero),
        "threat_cropland": np.where(lc == 10, one, zero),
    }
