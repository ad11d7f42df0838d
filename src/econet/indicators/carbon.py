"""Carbon: the annual sink by land-use coefficients (the Xuzhou SEEC preprint, §3.6.2) and InVEST's
carbon storage (four pools by land cover; Feng et al. 2024, eq. 5). See docs/methods/indicators.md.
"""

from __future__ import annotations

import numpy as np

from econet.landcover import LandCoverClass, landcover_values


def sink_coefficients(classes: tuple[LandCoverClass, ...]) -> dict[int, float]:
    """Carbon-sink coefficient (t/(ha·a)) per class code from the class table (the Xuzhou SEEC
    preprint, Table 2)."""
    return {c.code: float(c.carbon_t_ha_a) for c in classes}


def carbon_sink(landcover: np.ndarray, coefficients: dict[int, float], cell_area_m2: float) -> np.ndarray:
    """Annual carbon sink per cell (t/a): C = A S, A the cell area in ha, S the class coefficient
    in t/(ha·a) (the Xuzhou SEEC preprint, eq. 7). Codes without a coefficient (and nodata) sink nothing."""
    s = landcover_values(landcover, coefficients)
    return (np.nan_to_num(s, nan=0.0) * np.float32(cell_area_m2 / 1e4)).astype(np.float32)


POOLS = ("c_above", "c_below", "c_soil", "c_dead")


def carbon_storage(landcover: np.ndarray, pools: dict[str, dict[int, float]]) -> np.ndarray:
    """Carbon stored (Mg C/ha, as InVEST's c_storage): the sum of the four pools of each cell's
    class (InVEST Carbon Storage and Sequestration; Feng et al. 2024, eq. 5). ``pools`` maps each of
    ``POOLS`` to {class code: Mg C/ha}; codes absent from the table store 0. Multiply by the
    cell area in ha for Mg per cell."""
    missing = [p for p in POOLS if p not in pools]
    if missing:
        raise ValueError(f"carbon pools {missing} are missing; give all of {POOLS} (Mg C/ha by class code)")
    density = np.zeros(np.shape(landcover), np.float64)
    for p in POOLS:
        density += np.nan_to_num(landcover_values(landcover, pools[p]), nan=0.0)
    return density.astype(np.float32)


__all__ = ["POOLS", "carbon_sink", "carbon_storage", "sink_coefficients"]
