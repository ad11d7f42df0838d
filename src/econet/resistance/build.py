"""From a study's ``[resistance]`` section to a :class:`Resistance` (docs/methods/resistance.md).

Pure apart from the two accessors it is given (``raster(name)`` and ``vector(name)`` return
aligned arrays and reprojected GeoDataFrames), so it runs the same from the pipeline, a test or
a notebook. Cheap checks (attributes of vector layers, mine types) run before any heavy work.

Missing values are never silent: a valid cell (with land cover) where a factor has no value is
an error unless the factor's ``missing`` says otherwise ("impassable": the cell's resistance is
NaN, which the cost-distance kernel treats as a barrier; "highest" / "lowest": the factor's top
or bottom level). The counts are in the factors table. A final resistance that is zero or
negative in a valid cell is an error.
"""

from __future__ import annotations

import time
from typing import Callable

import numpy as np
import pandas as pd

from econet.classify import grade
from econet.errors import LayerError
from econet.grid import Grid
from econet.landcover import landcover_values
from econet.rasterops import slope_deg, weighted_overlay
from econet.resistance.corrections import apply_correction
from econet.resistance.density import line_density_km_km2, point_density_per_km2
from econet.resistance.distance import distance_to_features_m
from econet.resistance.factors import class_breaks
from econet.resistance.mines import SEED001_MINE_BANDS, mine_resistance, mine_types, normalise_label
from econet.resistance.surface import Resistance
from econet.resistance.weights import ahp, entropy_weights, kmo_bartlett, pca_weights


def _where(gdf, spec, key: str):
    """Features of ``gdf`` whose attributes match ``spec.where``."""
    for col, allowed in spec.where.items():
        if col not in gdf.columns:
            raise LayerError(spec.vector, f"{key}.where names attribute '{col}'; the layer has {list(gdf.columns)}")
        gdf = gdf[gdf[col].isin(allowed)]
    if len(gdf) == 0:
        raise LayerError(spec.vector, f"{key}: no feature matches where = {spec.where}; check the values")
    return gdf


def _mine_bands(spec) -> dict:
    if spec.mine_bands == "seed001":
        return SEED001_MINE_BANDS
    return {
        (normalise_label(b.mineral), normalise_label(b.method), normalise_label(b.status)): (
            tuple(b.breaks_m),
            tuple(b.values),
        )
        for b in spec.mine_bands
    }


def factor_values(spec, raster, vector, grid: Grid, landcover_layer: str, classes) -> tuple[np.ndarray, str]:
    """The factor's raw values (float) and a description of where they came from."""
    key = f"resistance.factors.{spec.name}"
    if spec.kind == "landcover":
        layer = spec.layer or landcover_layer
        table = {int(k): v for k, v in spec.table.items()} if spec.table else {c.code: c.resistance for c in classes}
        return landcover_values(raster(layer), table), f"layer {layer}, class table {table}"
    if spec.kind == "categorical":
        table = {int(k): v for k, v in spec.table.items()}
        return landcover_values(np.rint(np.nan_to_num(raster(spec.layer), nan=-1)).astype(np.int64), table), (
            f"layer {spec.layer}, table {table}"
        )
    if spec.kind == "raster":
        return raster(spec.layer), f"layer {spec.layer}"
    if spec.kind == "slope":
        layer = spec.layer or "dem"
        return slope_deg(raster(layer), grid.cell_size_m), f"slope (deg, Horn) of layer {layer}"
    gdf = vector(spec.vector)
    gdf = _where(gdf, spec, key) if spec.where else gdf
    what = f"{spec.vector}" + (f" where {spec.where}" if spec.where else "")
    if spec.kind == "mines":
        fields = tuple(spec.mine_fields)
        return mine_resistance(gdf, grid, _mine_bands(spec), fields), f"mines in {what} by {list(fields)}"
    if spec.kind == "distance":
        return distance_to_features_m(gdf.geometry.values, grid), f"distance (m) to {what}"
    if spec.kind == "density":
        return line_density_km_km2(gdf.geometry.values, grid, spec.radius_m, spec.kernel), (
            f"{spec.kernel} kernel density (km/km2, radius {spec.radius_m:g} m) of {what}"
        )
    if spec.kind == "point_density":
        return point_density_per_km2(gdf.geometry.values, grid, spec.radius_m, spec.kernel), (
            f"{spec.kernel} kernel density (points/km2, radius {spec.radius_m:g} m) of {what}"
        )
    raise ValueError(f"unknown factor kind {spec.kind!r}")


def grade_factor(spec, values: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, list[float] | None]:
    """Grade raw values by the factor's method; returns the grade raster and the breaks used."""
    method = spec.method
    if method in ("table", "none"):
        return values.astype(np.float32, copy=False), None
    v = np.abs(values) if spec.transform == "abs" else values
    if method == "manual":
        breaks = np.asarray(spec.breaks, dtype=np.float64)
    else:
        inside = np.where(valid, v, np.nan)
        breaks = class_breaks(inside, method, len(spec.levels), spec.sample_size, spec.seed)
    return grade(v, breaks, spec.levels, spec.direction), [float(b) for b in breaks]


def _check_vectors(cfg, vector) -> None:
    """Attribute filters and mine types, before any raster work."""
    for spec in cfg.resolved_factors():
        key = f"resistance.factors.{spec.name}"
        if spec.kind in ("distance", "density", "point_density", "mines") and spec.where:
            _where(vector(spec.vector), spec, key)
        if spec.kind == "mines":
            gdf = vector(spec.vector)
            try:
                keys = set(mine_types(gdf, tuple(spec.mine_fields)))
            except ValueError as exc:
                raise LayerError(spec.vector, f"{key}: {exc}") from None
            lacking = sorted(keys - set(_mine_bands(spec)))
            if lacking:
                raise LayerError(spec.vector, f"{key}: no distance bands for mine type(s) {lacking}; add mine_bands")


def _sample_matrix(grades: dict[str, np.ndarray], names: list[str], valid, size: int, seed: int) -> np.ndarray:
    ok = valid.copy()
    for n in names:
        ok &= np.isfinite(grades[n])
    idx = np.flatnonzero(ok.ravel())
    if idx.size > size:
        idx = np.sort(np.random.default_rng(seed).choice(idx, size=size, replace=False))
    return np.column_stack([grades[n].ravel()[idx] for n in names]).astype(np.float64)


def _judgement(v) -> str:
    return v if isinstance(v, str) else f"{v:.4g}"


def compute_weights(cfg, grades: dict[str, np.ndarray], valid: np.ndarray) -> tuple[dict[str, float], pd.DataFrame]:
    """The factor weights and a table saying how they were obtained."""
    names = cfg.weighted_names()
    if cfg.weighting == "given":
        w = cfg.resolved_weights()
        given = {k: cfg.weights[k] for k in w}
        rows = [{"factor": k, "weight": w[k], "method": "given", "given": given[k]} for k in w]
        return w, pd.DataFrame(rows)
    if cfg.weighting == "ahp":
        matrix = cfg.ahp.judgements()
        res = ahp(matrix)
        w = dict(zip(cfg.ahp.factors, res.weights.tolist()))
        rows = []
        method = "AHP (principal eigenvector)"
        if getattr(cfg.ahp, "experts", None):
            method += f" of {len(cfg.ahp.experts)} experts' matrices combined by geometric mean"
        for i, k in enumerate(cfg.ahp.factors):
            row = {"factor": k, "weight": w[k], "method": method}
            row.update({f"vs_{o}": _judgement(matrix[i][j]) for j, o in enumerate(cfg.ahp.factors)})
            row.update(lambda_max=res.lambda_max, CI=res.ci, RI=res.ri, CR=res.cr)
            rows.append(row)
        return w, pd.DataFrame(rows)
    x = _sample_matrix(grades, names, valid, cfg.weights_sample_size, cfg.weights_seed)
    if x.shape[0] < 3:
        raise LayerError("resistance", "fewer than 3 cells have every factor; entropy / PCA weights need more")
    note = f"{x.shape[0]} cells sampled (seed {cfg.weights_seed}) from the factor grades"
    if cfg.weighting == "entropy":
        try:
            wv = entropy_weights(x)
        except ValueError as exc:
            raise LayerError("resistance", f"entropy weights: {exc}") from None
        method = f"entropy weight method; {note}"
    else:
        try:
            wv, shares = pca_weights(x)
            adequacy = kmo_bartlett(x)
        except ValueError as exc:
            raise LayerError("resistance", f"PCA weights: {exc}") from None
        method = f"PCA ({len(shares)} components, {shares.sum():.1%} of variance); {note}"
        w = dict(zip(names, wv.tolist()))
        return w, pca_table(w, method, adequacy)
    w = dict(zip(names, wv.tolist()))
    return w, pd.DataFrame([{"factor": k, "weight": w[k], "method": method} for k in names])


def pca_table(weights: dict[str, float], method: str, adequacy) -> pd.DataFrame:
    """The weights table of PCA weights, with KMO (overall and per factor) and Bartlett's test."""
    rows = []
    for i, (k, v) in enumerate(weights.items()):
        rows.append(
            {
                "factor": k,
                "weight": v,
                "method": method,
                "KMO": adequacy.kmo,
                "KMO_factor": float(adequacy.kmo_per_variable[i]),
                "bartlett_chi2": adequacy.bartlett_chi2,
                "bartlett_df": adequacy.bartlett_df,
                "bartlett_p": adequacy.bartlett_p,
            }
        )
    return pd.DataFrame(rows)


def build_resistance(
    cfg,
    raster: Callable[[str], np.ndarray],
    vector: Callable[[str], object],
    grid: Grid,
    valid: np.ndarray,
    classes=(),
    landcover_layer: str = "landcover",
    timings: dict[str, float] | None = None,
) -> Resistance:
    """Compute every factor, grade it, weight it, combine and correct (see the module docstring).

    ``timings``, if given, receives the seconds spent on each factor (and on "weights+combine")."""
    _check_vectors(cfg, vector)
    grades: dict[str, np.ndarray] = {}
    rows = []
    timings = {} if timings is None else timings
    for spec in cfg.resolved_factors():
        t0 = time.perf_counter()
        values, source = factor_values(spec, raster, vector, grid, landcover_layer, classes)
        try:
            g, breaks = grade_factor(spec, values, valid)
        except ValueError as exc:
            raise LayerError(f"resistance.factors.{spec.name}", f"{exc}") from None
        del values
        hole = valid & ~np.isfinite(g)
        n_missing = int(np.count_nonzero(hole))
        if n_missing:
            if spec.missing == "error":
                raise LayerError(
                    f"resistance.factors.{spec.name}",
                    f"{n_missing} cell(s) with land cover have no value ({source}); fill the layer there or set "
                    "missing = 'impassable', 'highest' or 'lowest' for this factor",
                )
            if spec.missing in ("highest", "lowest"):
                scale = list(spec.table.values()) if spec.table else list(spec.levels)
                if spec.method == "none":  # values used as they are: the extremes of the data
                    scale = [float(np.nanmin(g[valid])), float(np.nanmax(g[valid]))]
                g[hole] = max(scale) if spec.missing == "highest" else min(scale)
        nonpositive = int(np.count_nonzero(valid & (g <= 0)))
        if nonpositive:
            raise LayerError(
                f"resistance.factors.{spec.name}",
                f"{nonpositive} cell(s) have a value <= 0 ({source}) and grading = 'none' uses values as "
                "resistances; grade the layer (breaks and levels) or fix its values",
            )
        g[~valid] = np.nan
        grades[spec.name] = g
        rows.append(
            {
                "factor": spec.name,
                "kind": spec.kind,
                "source": source,
                "method": spec.method,
                "breaks": "" if breaks is None else str([round(b, 6) for b in breaks]),
                "levels": "" if spec.method in ("table", "none") else str(list(spec.levels)),
                "direction": spec.direction if breaks is not None else "",
                "combine": spec.combine,
                "missing_cells": n_missing,
                "missing": spec.missing,
                "note": spec.note or "",
            }
        )
        timings[spec.name] = time.perf_counter() - t0
    t0 = time.perf_counter()
    weights, weights_table = compute_weights(cfg, grades, valid)
    # Weights sum to 1, so the surface stays on the grades' scale.
    surface = weighted_overlay(grades, weights, unit_sum=True)
    for spec in cfg.resolved_factors():
        if spec.combine == "max":
            surface = np.maximum(surface, grades[spec.name])  # NaN (impassable) stays NaN
    for corr in cfg.corrections:
        if corr.layer:
            index, what = raster(corr.layer), f"layer {corr.layer}"
        else:
            points = vector(corr.vector).geometry.values
            index = point_density_per_km2(points, grid, corr.radius_m, corr.kernel)
            what = f"{corr.kernel} kernel density (points/km2, radius {corr.radius_m:g} m) of {corr.vector}"
        try:
            surface = apply_correction(surface, index, valid, corr.mode, corr.normalize, corr.weight)
        except ValueError as exc:
            raise LayerError(f"resistance.corrections.{corr.name}", f"{what}: {exc}") from None
        rows.append(
            {
                "factor": corr.name,
                "kind": "correction",
                "source": what,
                "method": f"{corr.mode} (index normalised by {corr.normalize}"
                + (f", weight {corr.weight:g})" if corr.mode == "add" else ")"),
                "combine": corr.mode,
            }
        )
    lower_to = getattr(cfg, "lower_to", None)
    if lower_to:
        target = raster(lower_to)
        lowered = valid & np.isfinite(target) & np.isfinite(surface) & (target < surface)
        surface[lowered] = target[lowered]
        rows.append(
            {
                "factor": "lower_to",
                "kind": "restoration",
                "source": f"layer {lower_to}",
                "method": f"lowered to the layer's value on {int(lowered.sum())} cell(s)",
                "combine": "min",
            }
        )
    surface[~valid] = np.nan
    bad = int(np.count_nonzero(valid & np.isfinite(surface) & (surface <= 0)))
    if bad:
        raise LayerError("resistance", f"{bad} cell(s) get a zero or negative resistance; every level must be > 0")
    table = pd.DataFrame(rows)
    table.insert(1, "weight", table["factor"].map(weights))
    timings["weights+combine"] = time.perf_counter() - t0
    return Resistance(surface=surface, factors=table, grades=grades, weights=weights_table)


__all__ = ["build_resistance", "compute_weights", "factor_values", "grade_factor", "pca_table"]
