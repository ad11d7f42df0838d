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
from econet.resistance.corrections import apply_correction, index_scale
from econet.resistance.density import line_density_on, point_density_on
from econet.resistance.distance import distance_to_features_m
from econet.resistance.factors import class_breaks
from econet.resistance.mines import SEED001_MINE_BANDS, mine_resistance, mine_types, normalise_label
from econet.resistance.surface import Resistance
from econet.resistance.weights import ahp, entropy_weights, kmo_bartlett, pca_weights
from econet.windows import Source, Window, blocks_of, finite_min_max, read_with_halo, sample_cells, windows


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


def _check_codes(key: str, layer: str, codes: np.ndarray, table: dict) -> None:
    """Every class code in the layer needs a value in the factor's table (negative codes are nodata)."""
    present = np.unique(codes)
    lacking = [int(c) for c in present if c >= 0 and int(c) not in table]
    if lacking:
        raise LayerError(
            key,
            f"class code(s) {lacking} of layer {layer} have no value in the table ({sorted(table)}); add them to "
            f"{key}.table (or to [[landcover.classes]])",
        )


def factor_reader(
    spec, raster, vector, grid: Grid, landcover_layer: str, classes, read=None, size: int | None = None
) -> tuple[Callable[[Window], np.ndarray], str]:
    """The factor's raw values (float) on a window, as a function of the window, and a description
    of where they come from. ``read(name, window)`` reads a layer on a window (default: a slice of
    ``raster(name)``); ``size`` is the window side of the class-code check (whole grid: None).

    Per-cell factors read the window; slope reads it with a one-cell halo (Horn's 3 x 3 kernel);
    kernel densities spread the features within their radius of the window. The distance to
    features and the mine surface (distance bands) are computed on the whole grid once and then
    sliced: the Euclidean distance transform has no bounded reach (about 34 bytes a cell while it
    runs, measured at 1000 x 1000)."""
    key = f"resistance.factors.{spec.name}"
    read = read or (lambda name, w: raster(name)[w.slices])
    tiles = windows(grid.shape, size)
    if spec.kind in ("landcover", "categorical"):
        layer = spec.layer or landcover_layer
        if spec.kind == "landcover":
            table = (
                {int(k): v for k, v in spec.table.items()} if spec.table else {c.code: c.resistance for c in classes}
            )

            def codes(w):
                return read(layer, w)
        else:
            table = {int(k): v for k, v in spec.table.items()}

            def codes(w):
                return np.rint(np.nan_to_num(read(layer, w), nan=-1)).astype(np.int64)

        if spec.missing == "error":
            _check_codes(key, layer, np.unique(np.concatenate([np.unique(codes(w)) for w in tiles])), table)
        what = f"layer {layer}, class table {table}" if spec.kind == "landcover" else f"layer {layer}, table {table}"
        return (lambda w: landcover_values(codes(w), table)), what
    if spec.kind == "raster":
        return (lambda w: read(spec.layer, w)), f"layer {spec.layer}"
    if spec.kind == "slope":
        layer = spec.layer or "dem"

        def slope(w):
            return read_with_halo(lambda o: read(layer, o), w, 1, grid.shape, lambda z: slope_deg(z, grid.cell_size_m))

        return slope, f"slope (deg, Horn) of layer {layer}"
    gdf = vector(spec.vector)
    gdf = _where(gdf, spec, key) if spec.where else gdf
    what = f"{spec.vector}" + (f" where {spec.where}" if spec.where else "")
    if spec.kind == "density":
        return line_density_on(gdf.geometry.values, grid, spec.radius_m, spec.kernel), (
            f"{spec.kernel} kernel density (km/km2, radius {spec.radius_m:g} m) of {what}"
        )
    if spec.kind == "point_density":
        return point_density_on(gdf.geometry.values, grid, spec.radius_m, spec.kernel), (
            f"{spec.kernel} kernel density (points/km2, radius {spec.radius_m:g} m) of {what}"
        )
    if spec.kind == "mines":
        fields = tuple(spec.mine_fields)
        field, what = mine_resistance(gdf, grid, _mine_bands(spec), fields), f"mines in {what} by {list(fields)}"
    elif spec.kind == "distance":
        field, what = distance_to_features_m(gdf.geometry.values, grid), f"distance (m) to {what}"
    else:
        raise ValueError(f"unknown factor kind {spec.kind!r}")
    return (lambda w: field[w.slices]), what


def factor_values(spec, raster, vector, grid: Grid, landcover_layer: str, classes) -> tuple[np.ndarray, str]:
    """The factor's raw values (float) on the whole grid and a description of where they came from."""
    values_on, what = factor_reader(spec, raster, vector, grid, landcover_layer, classes)
    return values_on(windows(grid.shape)[0]), what


def factor_breaks(spec, source: Source, shape) -> list[float] | None:
    """The class breaks of a graded factor from a source of its raw values on the valid cells
    (NaN elsewhere); None for factors used as they are ("table", "none")."""
    if spec.method in ("table", "none"):
        return None
    if spec.method == "manual":
        return [float(b) for b in spec.breaks]
    if spec.transform == "abs":
        source = _mapped(source, np.abs)
    breaks = class_breaks(source, spec.method, len(spec.levels), spec.sample_size, spec.seed, shape)
    return [float(b) for b in breaks]


def _mapped(source: Source, fn) -> Source:
    return lambda: ((w, fn(b)) for w, b in source())


def grade_values(spec, values: np.ndarray, breaks: list[float] | None) -> np.ndarray:
    """The factor's grades of raw values (float32) by its breaks."""
    if breaks is None:
        return values.astype(np.float32, copy=False)
    v = np.abs(values) if spec.transform == "abs" else values
    return grade(v, np.asarray(breaks, dtype=np.float64), spec.levels, spec.direction)


def grade_factor(spec, values: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, list[float] | None]:
    """Grade raw values by the factor's method; returns the grade raster and the breaks used."""
    values = np.asarray(values)
    shaped = values.reshape(1, -1) if values.ndim != 2 else values
    inside = np.where(np.asarray(valid).reshape(shaped.shape), shaped, np.nan)
    breaks = factor_breaks(spec, blocks_of(inside), inside.shape)
    return grade_values(spec, values, breaks), breaks


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


def _sample_matrix(grades: dict[str, np.ndarray], names: list[str], valid, size: int, seed: int, tiles) -> np.ndarray:
    """A seeded sample of the cells where every factor has a grade: cells x factors, raster order."""

    def cells():
        for w in tiles:
            stack = np.stack([grades[n][w.slices] for n in names], axis=-1)
            yield w, valid[w.slices] & np.isfinite(stack).all(axis=-1), stack

    return sample_cells(cells, valid.shape, size, seed)


def _judgement(v) -> str:
    return v if isinstance(v, str) else f"{v:.4g}"


def compute_weights(
    cfg, grades: dict[str, np.ndarray], valid: np.ndarray, tiles: list[Window] | None = None
) -> tuple[dict[str, float], pd.DataFrame]:
    """The factor weights and a table saying how they were obtained (entropy and PCA weights from
    a sample of cells gathered over ``tiles``, the whole grid by default)."""
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
    tiles = windows(valid.shape) if tiles is None else tiles
    x = _sample_matrix(grades, names, valid, cfg.weights_sample_size, cfg.weights_seed, tiles)
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
    *,
    window: int | None = None,
    read: Callable[[str, Window], np.ndarray] | None = None,
) -> Resistance:
    """Compute every factor, grade it, weight it, combine and correct (see the module docstring).

    ``window``: the side (cells) of the square windows the factors are read, graded and combined
    on, so that the working memory is a few window-sized blocks besides the results (the surface
    and one grade raster per factor, float32); None: the whole grid as one window. The grading
    breaks, entropy / PCA samples and correction scales are gathered over the windows first,
    exactly, so every window size gives the same surface. ``read(name, window)`` reads a layer
    on a window (default: a slice of ``raster(name)``).
    ``timings``, if given, receives the seconds spent on each factor (and on "weights+combine")."""
    _check_vectors(cfg, vector)
    read_layer = read or (lambda name, w: raster(name)[w.slices])
    tiles = windows(grid.shape, window)
    grades: dict[str, np.ndarray] = {}
    rows = []
    timings = {} if timings is None else timings
    for spec in cfg.resolved_factors():
        t0 = time.perf_counter()
        key = f"resistance.factors.{spec.name}"
        values_on, source = factor_reader(spec, raster, vector, grid, landcover_layer, classes, read, window)

        def inside(values_on=values_on):
            return ((w, np.where(valid[w.slices], values_on(w), np.nan)) for w in tiles)

        try:
            breaks = factor_breaks(spec, inside, grid.shape)
            g = np.empty(grid.shape, dtype=np.float32)
            for w in tiles:
                g[w.slices] = grade_values(spec, values_on(w), breaks)
        except ValueError as exc:
            raise LayerError(key, f"{exc}") from None
        n_missing = sum(int(np.count_nonzero(valid[w.slices] & ~np.isfinite(g[w.slices]))) for w in tiles)
        if n_missing:
            if spec.missing == "error":
                raise LayerError(
                    key,
                    f"{n_missing} cell(s) with land cover have no value ({source}); fill the layer there or set "
                    "missing = 'impassable', 'highest' or 'lowest' for this factor",
                )
            if spec.missing in ("highest", "lowest"):
                scale = list(spec.table.values()) if spec.table else list(spec.levels)
                if spec.method == "none":  # values used as they are: the extremes of the data
                    lo, hi, _ = finite_min_max(
                        lambda: ((w, np.where(valid[w.slices], g[w.slices], np.nan)) for w in tiles)
                    )
                    scale = [lo, hi]
                fill = np.float32(max(scale) if spec.missing == "highest" else min(scale))
                for w in tiles:
                    block, ok = g[w.slices], valid[w.slices]
                    block[ok & ~np.isfinite(block)] = fill
        nonpositive = sum(int(np.count_nonzero(valid[w.slices] & (g[w.slices] <= 0))) for w in tiles)
        if nonpositive:
            raise LayerError(
                key,
                f"{nonpositive} cell(s) have a value <= 0 ({source}) and grading = 'none' uses values as "
                "resistances; grade the layer (breaks and levels) or fix its values",
            )
        for w in tiles:
            g[w.slices][~valid[w.slices]] = np.nan
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
    weights, weights_table = compute_weights(cfg, grades, valid, tiles)
    surface = np.empty(grid.shape, dtype=np.float32)
    for w in tiles:
        # Weights sum to 1, so the surface stays on the grades' scale.
        block = weighted_overlay({k: v[w.slices] for k, v in grades.items()}, weights, unit_sum=True)
        for spec in cfg.resolved_factors():
            if spec.combine == "max":
                block = np.maximum(block, grades[spec.name][w.slices])  # NaN (impassable) stays NaN
        surface[w.slices] = block
    for corr in cfg.corrections:
        key = f"resistance.corrections.{corr.name}"
        if corr.layer:
            index_on, what = (lambda w, layer=corr.layer: read_layer(layer, w)), f"layer {corr.layer}"
        else:
            points = vector(corr.vector).geometry.values
            index_on = point_density_on(points, grid, corr.radius_m, corr.kernel)
            what = f"{corr.kernel} kernel density (points/km2, radius {corr.radius_m:g} m) of {corr.vector}"
        try:
            missing = sum(int(np.count_nonzero(valid[w.slices] & ~np.isfinite(index_on(w)))) for w in tiles)
            if missing:
                raise ValueError(f"the index has no value in {missing} cell(s) of the study area")
            scale = index_scale(
                lambda: ((w, np.where(valid[w.slices], index_on(w), np.nan)) for w in tiles), None, corr.normalize
            )
            for w in tiles:
                surface[w.slices] = apply_correction(
                    surface[w.slices], index_on(w), valid[w.slices], corr.mode, corr.normalize, corr.weight, scale
                )
        except ValueError as exc:
            raise LayerError(key, f"{what}: {exc}") from None
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
        n_lowered = 0
        for w in tiles:
            target, block, ok = read_layer(lower_to, w), surface[w.slices], valid[w.slices]
            lowered = ok & np.isfinite(target) & np.isfinite(block) & (target < block)
            block[lowered] = target[lowered]
            n_lowered += int(lowered.sum())
        rows.append(
            {
                "factor": "lower_to",
                "kind": "restoration",
                "source": f"layer {lower_to}",
                "method": f"lowered to the layer's value on {n_lowered} cell(s)",
                "combine": "min",
            }
        )
    bad = 0
    for w in tiles:
        block, ok = surface[w.slices], valid[w.slices]
        block[~ok] = np.nan
        bad += int(np.count_nonzero(ok & np.isfinite(block) & (block <= 0)))
    if bad:
        raise LayerError("resistance", f"{bad} cell(s) get a zero or negative resistance; every level must be > 0")
    table = pd.DataFrame(rows)
    table.insert(1, "weight", table["factor"].map(weights))
    timings["weights+combine"] = time.perf_counter() - t0
    return Resistance(surface=surface, factors=table, grades=grades, weights=weights_table)


__all__ = [
    "build_resistance",
    "compute_weights",
    "factor_breaks",
    "factor_reader",
    "factor_values",
    "grade_factor",
    "grade_values",
    "pca_table",
]
