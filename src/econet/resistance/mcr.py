"""The Xuzhou SEEC preprint's modified minimum cumulative resistance (MCR), as a per-source cost
scaling.

The preprint (§3.1.2, eqs. 1-2) writes V_i = f_min Σ D_ij R_i N_j P_j: the cumulative resistance
of cell i is the least, over sources j, of the ordinary MCR cost from j (Σ D_ij R_i along the
least-cost path: distance x resistance of the cells crossed) multiplied by two constants of the
source, its night-light radiance N_j and its energy factor P_j = A_j · N_j(r), where A_j is the
source's area and N_j(r) its mean normalised index (r = 1: NDVI, r = 2: MNDWI).

Because N_j and P_j do not vary along a path, the modified surface is exactly

    V_i = min_j  k_j · CD_j(i),      k_j = N_j · A_j · N_j(r)

where CD_j is the cost distance from source j over the (unmodified) resistance surface computed
by the ordinary cost-distance kernel. econet computes CD_j with that kernel unchanged and
applies k_j afterwards (:func:`modified_mcr`); by default k_j is divided by its mean over the
sources, which keeps costs on the resistance x metre scale and changes neither which source is
nearest nor any ratio between costs. A source whose k_j is not positive (no light, or a
negative mean index) is an error: the formula has no meaning there.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from econet.zonal import zonal_mean


def source_means(values: np.ndarray, labels: np.ndarray, ids) -> np.ndarray:
    """Mean of ``values`` over each labelled source (NaN cells ignored), in the order of ``ids``."""
    ids = np.asarray(ids, dtype=np.int64)
    return zonal_mean(labels, values, int(max(ids.max(initial=0), labels.max(initial=0))) + 1)[ids]


def index_r(source_types) -> np.ndarray:
    """r per source from its type: 2 (MNDWI) for wetland-water sources, 1 (NDVI) otherwise."""
    return np.array([2 if t == "wetland-water" else 1 for t in source_types], dtype=np.int64)


def energy_factors(
    labels: np.ndarray,
    ids,
    area_km2,
    nightlight: np.ndarray,
    index_r: dict[int, np.ndarray],
    r_of_source,
    normalise: bool = True,
) -> np.ndarray:
    """k_j = N_j · P_j = N_j · A_j · N_j(r) for each source id (order of ``ids``).

    ``index_r`` maps r to its normalised-index raster ({1: ndvi, 2: mndwi}); ``r_of_source``
    gives r per source (the Xuzhou SEEC preprint: NDVI for forest and shrub-grass sources, MNDWI for
    wetland-water ones). With ``normalise`` the factors are divided by their mean.
    """
    ids = np.asarray(ids)
    n_light = source_means(nightlight, labels, ids)
    r_of_source = np.asarray(r_of_source)
    n_r = np.empty(len(ids), dtype=np.float64)
    for r, raster in index_r.items():
        sel = r_of_source == r
        if sel.any():
            n_r[sel] = source_means(raster, labels, ids[sel])
    unknown = sorted(set(r_of_source.tolist()) - set(index_r))
    if unknown:
        raise ValueError(f"no normalised index raster for r = {unknown}")
    k = n_light * np.asarray(area_km2, dtype=np.float64) * n_r
    bad = ids[~(k > 0)]
    if len(bad):
        raise ValueError(
            f"source(s) {bad.tolist()} get a non-positive energy factor N_j·A_j·N_j(r) "
            "(no night light or a non-positive mean index); the modified MCR is undefined there"
        )
    return k / k.mean() if normalise else k


def modified_mcr(costs: Iterable[tuple[int, np.ndarray]], k: dict[int, float]) -> tuple[np.ndarray, np.ndarray]:
    """V = min_j k_j · CD_j and the id of the minimising source, streaming over (id, CD_j) pairs.

    ``CD_j`` are cost-distance rasters from single sources (inf where unreachable).
    """
    best = None
    alloc = None
    for sid, cd in costs:
        scaled = np.asarray(cd, dtype=np.float64) * float(k[sid])
        if best is None:
            best, alloc = scaled.copy(), np.full(scaled.shape, sid, dtype=np.int32)
            continue
        better = scaled < best
        best[better] = scaled[better]
        alloc[better] = sid
    if best is None:
        raise ValueError("no source cost distances given")
    alloc[~np.isfinite(best)] = 0
    return best, alloc


__all__ = ["energy_factors", "index_r", "modified_mcr", "source_means"]
