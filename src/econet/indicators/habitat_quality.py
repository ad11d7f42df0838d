"""Habitat quality as InVEST computes it (Feng et al. 2024, eq. 1; docs/methods/indicators.md).

For each threat r with weight w_r, maximum distance d_r and the distance d from a cell to the
nearest threat cell: i = 1 - d/d_r (linear) or exp(-2.99 d/d_r) (exponential), and 0 beyond d_r.
Degradation D = Σ_r (w_r / Σ w) i_r S_jr β, with S_jr the sensitivity of the cell's class j to
r and β the accessibility (1 by default). Quality Q = H_j (1 - D^z / (D^z + k^z)), z = 2.5,
k the half-saturation constant. This is InVEST 3.14+ (distance to the nearest threat cell,
a cell being a threat when its value is non-zero); Feng et al. (2024) print k² where InVEST uses k^z.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from econet.errors import EconetError
from econet.landcover import landcover_values
from econet.windows import Window, read_with_halo, windows

Z = 2.5  # InVEST's scaling parameter


@dataclass(frozen=True)
class ThreatSpec:
    """One threat: the distance (m) at which its effect vanishes, its weight and its decay."""

    max_distance_m: float
    weight: float
    decay: str = "linear"


def threat_decay(threat: np.ndarray, max_distance_m: float, cell_size_m: float, decay: str) -> np.ndarray:
    """Distance-decayed impact i (0..1) of a threat raster: 1 on threat cells (value != 0), falling
    with the Euclidean distance to the nearest threat cell, 0 beyond ``max_distance_m``."""
    if decay not in ("linear", "exponential"):
        raise EconetError(f"threat decay '{decay}' is unknown; use 'linear' or 'exponential'")
    if max_distance_m <= 0:
        raise EconetError("a threat's max_distance_m must be > 0")
    present = np.nan_to_num(np.asarray(threat, dtype=np.float32)) != 0
    if not present.any():
        return np.zeros(present.shape, np.float32)
    dist = ndimage.distance_transform_edt(~present)  # pixels
    dmax = max_distance_m / cell_size_m
    if decay == "linear":
        out = (dmax - dist) / dmax
    else:
        out = np.exp(-2.99 * dist / dmax)
    return np.where(dist > dmax, 0.0, out).astype(np.float32)


@dataclass
class HabitatQualityResult:
    """``quality`` (0..1) and total ``degradation`` D, float32, NaN where land cover is unknown."""

    quality: np.ndarray
    degradation: np.ndarray


def habitat_quality(
    landcover: np.ndarray,
    threats: dict[str, np.ndarray | Callable[[Window], np.ndarray]],
    specs: dict[str, ThreatSpec],
    habitat: dict[int, float],
    sensitivity: dict[str, dict[int, float]],
    cell_size_m: float,
    half_saturation: float = 0.5,
    access: np.ndarray | None = None,
    window: int | None = None,
) -> HabitatQualityResult:
    """InVEST habitat quality. ``threats``: name -> raster (non-zero = threat present), or a
    function returning it on a window; ``specs``: name -> ThreatSpec; ``habitat``: class code ->
    suitability H_j (0..1); ``sensitivity``: threat name -> {class code -> S_jr}; ``access``: β
    raster (default 1).

    ``window``: the side of the windows it works on (None: the whole grid). A threat acts only
    within its ``max_distance_m``, so each window reads a threat with that reach as halo: the
    nearest threat cell within reach is inside it, and the distances, hence the results, are those
    of the whole grid."""
    missing = [t for t in threats if t not in specs or t not in sensitivity]
    if missing:
        raise EconetError(f"threats {missing} need a spec (max distance, weight, decay) and a sensitivity column")
    if half_saturation <= 0:
        raise EconetError("half_saturation (k) must be > 0")
    weight_sum = sum(specs[t].weight for t in threats)
    if weight_sum <= 0:
        raise EconetError("threat weights sum to 0; give at least one threat a positive weight")
    shape = np.shape(landcover)
    readers = {n: (lambda w, t=t: t[w.slices]) if not callable(t) else t for n, t in threats.items()}
    quality = np.empty(shape, np.float32)
    degradation = np.empty(shape, np.float32)
    for w in windows(shape, window):
        lc = landcover[w.slices]
        h = landcover_values(lc, habitat)
        D = np.zeros(w.shape, np.float32)
        for name, read in readers.items():
            spec = specs[name]
            reach = int(np.ceil(spec.max_distance_m / cell_size_m)) + 1
            i = read_with_halo(
                read,
                w,
                reach,
                shape,
                lambda t, spec=spec: threat_decay(t, spec.max_distance_m, cell_size_m, spec.decay),
            )
            s = np.nan_to_num(landcover_values(lc, sensitivity[name]), nan=0.0)
            term = i * s * np.float32(spec.weight / weight_sum)
            if access is not None:
                term = term * np.asarray(access[w.slices], np.float32)
            D += term
        Dz = D.astype(np.float64) ** Z
        quality[w.slices] = h * (1.0 - Dz / (Dz + half_saturation**Z))
        D[~np.isfinite(h)] = np.nan
        degradation[w.slices] = D
    return HabitatQualityResult(quality=quality, degradation=degradation)


__all__ = ["HabitatQualityResult", "ThreatSpec", "Z", "habitat_quality", "threat_decay"]
