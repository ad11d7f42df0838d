"""Source-selection rules of the studies (docs/methods/sources.md), each a pure function over arrays.

Candidate cells come from MSPA cores, ecosystem-service importance (Feng et al. 2024) or
ecological sensitivity (Chang et al. 2018); protected polygons are unioned in (Yang et al.);
patches closer than a distance are merged (Chang et al. 2018); patches are then kept by area, by
size class (Feng et al. 2024) and by connectivity importance (dPC: Feng et al. 2024, Yang et al.;
dIIC: Chang et al. 2018). Islets are stepping-stone candidates ranked by shape (the Xuzhou SEEC
preprint). ``select_sources`` below composes them in that order from the study's ``[sources]``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from econet.classify import grade, natural_breaks
from econet.grid import Grid
from econet.habitat.sources import (
    Sources,
    core_mask,
    filter_by_area,
    label_patches,
    patch_cells,
    patch_table,
    polygonize,
    relabel,
)
from econet.rasterops import minmax, rasterize, weighted_overlay

SIZE_CLASS_NAMES = ("super-large", "large", "medium", "small")


# ---- candidate cells ---------------------------------------------------------------------------


def block_mean(values: np.ndarray, block_cells: int) -> np.ndarray:
    """Mean of the finite cells of each ``block_cells`` x ``block_cells`` block, written back to
    every cell of the block (Feng et al. (2024) average services on a 3 km x 3 km grid anchored at the
    raster's top-left corner; partial blocks at the right and bottom edges average what they
    hold). Blocks with no finite cell stay NaN."""
    if block_cells <= 1:
        return np.asarray(values, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    h, w = v.shape
    ph, pw = -h % block_cells, -w % block_cells
    padded = np.pad(v, ((0, ph), (0, pw)), constant_values=np.nan)
    blocks = padded.reshape(padded.shape[0] // block_cells, block_cells, padded.shape[1] // block_cells, block_cells)
    ok = np.isfinite(blocks)
    sums = np.where(ok, blocks, 0.0).sum(axis=(1, 3))
    counts = ok.sum(axis=(1, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / counts, np.nan)
    return np.repeat(np.repeat(means, block_cells, axis=0), block_cells, axis=1)[:h, :w]


def _levels(score: np.ndarray, k: int) -> np.ndarray:
    """Natural-breaks level 1..k of each cell (int16), 0 for NaN."""
    bins = natural_breaks(score, k)
    return grade(score, bins[:-1], np.arange(1, len(bins) + 1), nodata=0, dtype=np.int16)


def service_importance(
    layers: dict[str, np.ndarray],
    weights: dict[str, float],
    cell_size_m: float,
    block_m: float | None = 3000.0,
    levels: int = 5,
    keep_levels: int = 2,
) -> tuple[np.ndarray, np.ndarray]:
    """Ecosystem-service importance (Feng et al. 2024): each service range-normalised, weighted, summed,
    averaged on ``block_m`` blocks (None: per cell), graded into ``levels`` natural-breaks
    levels (1 = very unimportant ... 5 = very important). Returns (level raster, mask of the
    top ``keep_levels`` levels: Feng et al. keep "very important" and "important")."""
    scaled = {k: minmax(v, dtype=np.float64) for k, v in layers.items() if k in weights}
    score = weighted_overlay(scaled, weights, np.float64)
    if block_m:
        score = block_mean(score, max(1, int(round(block_m / cell_size_m))))
    level = _levels(score, levels)
    top = int(level.max())
    return level, level > top - keep_levels


def sensitivity_mask(
    factors: dict[str, np.ndarray],
    weights: dict[str, float],
    exclude: np.ndarray | None = None,
    classes: int = 5,
    keep_classes: int = 3,
) -> tuple[np.ndarray, np.ndarray]:
    """Ecological sensitivity (Chang et al. 2018): S = Σ wᵢ xᵢ over graded factors, ``classes``
    natural-breaks classes, the top ``keep_classes`` kept, minus ``exclude`` (heavily developed
    land). Returns (class raster 1..classes, 5 = high; mask of kept cells). The minimum area
    (Chang et al.: 100 ha) is applied when the cells are made into patches."""
    score = weighted_overlay(factors, weights, np.float64)
    level = _levels(score, classes)
    keep = level > int(level.max()) - keep_classes
    if exclude is not None:
        keep &= ~exclude
    return level, keep


def rasterize_polygons(geoms, grid) -> np.ndarray:
    """Cells whose centre lies in any of the polygons (GDAL's default rule)."""
    return rasterize(((g, 1) for g in geoms), grid) > 0


def rule_weights(rule, layers: dict[str, np.ndarray], valid=None) -> tuple[dict[str, float], pd.DataFrame]:
    """The weights of a weighted-layers rule (``services`` or ``sensitivity``) and a table saying
    how they were obtained: given, AHP (one matrix or the experts' geometric mean, with CR) or
    PCA of a sample of cells (range-normalised layers; with KMO and Bartlett's test)."""
    from econet.resistance.weights import ahp, kmo_bartlett, pca_weights

    names = rule.layer_names()
    if rule.weighting == "given":
        w = dict(rule.weights)
        return w, pd.DataFrame([{"layer": k, "weight": v, "method": "given"} for k, v in w.items()])
    if rule.weighting == "ahp":
        res = ahp(rule.ahp.judgements())
        w = dict(zip(names, res.weights.tolist()))
        how = "AHP (principal eigenvector)"
        if rule.ahp.experts:
            how += f" of {len(rule.ahp.experts)} experts' matrices combined by geometric mean"
        rows = [{"layer": k, "weight": w[k], "method": how, "lambda_max": res.lambda_max, "CR": res.cr} for k in names]
        return w, pd.DataFrame(rows)
    ok = np.ones(next(iter(layers.values())).shape, dtype=bool) if valid is None else valid.copy()
    scaled = {k: minmax(layers[k], dtype=np.float64) for k in names}
    for k in names:
        ok &= np.isfinite(scaled[k])
    idx = np.flatnonzero(ok.ravel())
    if idx.size > rule.weights_sample_size:
        idx = np.sort(np.random.default_rng(rule.weights_seed).choice(idx, rule.weights_sample_size, replace=False))
    x = np.column_stack([scaled[k].ravel()[idx] for k in names])
    wv, shares = pca_weights(x)
    adequacy = kmo_bartlett(x)
    w = dict(zip(names, wv.tolist()))
    how = (
        f"PCA ({len(shares)} components, {shares.sum():.1%} of variance); {x.shape[0]} cells (seed {rule.weights_seed})"
    )
    rows = [
        {
            "layer": k,
            "weight": w[k],
            "method": how,
            "KMO": adequacy.kmo,
            "KMO_layer": float(adequacy.kmo_per_variable[i]),
            "bartlett_chi2": adequacy.bartlett_chi2,
            "bartlett_df": adequacy.bartlett_df,
            "bartlett_p": adequacy.bartlett_p,
        }
        for i, k in enumerate(names)
    ]
    return w, pd.DataFrame(rows)


def importance_levels(importance: np.ndarray, levels: int) -> np.ndarray:
    """Level of each patch by natural breaks of its importance: 1 the most important, ``levels``
    the least (Yang et al.: first-, second- and third-level sources by dPC). Fewer distinct
    values than levels give fewer levels."""
    v = np.asarray(importance, dtype=np.float64)
    if v.size == 0:
        return np.zeros(0, dtype=np.int16)
    bins = natural_breaks(v, levels, sample_size=None)
    up = grade(v, bins[:-1], np.arange(1, len(bins) + 1), nodata=0, dtype=np.int16)  # 1 = least important
    return (len(bins) + 1 - up).astype(np.int16)


# ---- patch rules ---------------------------------------------------------------------------------


def merge_within(labels: np.ndarray, geoms, distance_m: float) -> np.ndarray:
    """Give one id to patches whose edge-to-edge distance is at most ``distance_m`` (the
    "ecological radiation scope" of Chang et al. 2018; single linkage, so chains merge: the connected components of the
    graph of pairs within the distance). ``geoms[i]`` is the polygon
    of label i + 1. Cells keep their place: a merged source is a multi-part patch. Ids are
    renumbered by descending merged area."""
    n = int(labels.max())
    geoms = np.asarray(geoms, dtype=object)
    if n == 0 or distance_m <= 0:
        return labels
    left, right = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=distance_m)
    pairs = coo_array((np.ones(left.size, dtype=np.int8), (left, right)), shape=(n, n))
    _, group = connected_components(pairs, directed=False)
    # Each group is named by its lowest patch index (the first seen of the group).
    _, first = np.unique(group, return_index=True)
    roots = first[group]
    lut = np.zeros(n + 1, dtype=np.int32)
    lut[1:] = roots + 1
    merged = lut[labels]
    return relabel(merged, np.unique(roots) + 1, n)


def size_classes(area_km2, thresholds_km2=(7.0, 4.0, 1.0), names=SIZE_CLASS_NAMES) -> np.ndarray:
    """Size class of each patch (Feng et al. 2024: ≥ 7 km² super-large, ≥ 4 large, ≥ 1 medium, else small)."""
    t = sorted(thresholds_km2, reverse=True)
    if len(names) != len(t) + 1:
        raise ValueError(f"{len(t)} thresholds need {len(t) + 1} class names, got {len(names)}")
    a = np.asarray(area_km2, dtype=float)
    idx = np.zeros(a.shape, dtype=int)
    for th in t:
        idx += a < th
    return np.asarray(names, dtype=object)[idx]


def connectivity_importance(
    geoms,
    area_m2: np.ndarray,
    index: str = "dPC",
    distance_m: float = 5000.0,
    probability: float = 0.5,
    landscape_area_m2: float | None = None,
) -> np.ndarray:
    """Each patch's importance for connectivity in percent, over edge-to-edge distances (Conefor
    conventions, Saura & Pascual-Hortal 2007): dPC (Feng et al. 2024; Yang et al.) with p = ``probability`` at
    ``distance_m``, or dIIC (Chang et al. 2018) with links where d <= ``distance_m``."""
    from econet.connectivity.distances import edge_distances
    from econet.connectivity.indices import iic_indices, pc_indices

    geoms = np.asarray(geoms, dtype=object)
    if geoms.size == 0:
        return np.zeros(0)
    dist = edge_distances(geoms)
    area_m2 = np.asarray(area_m2, dtype=float)
    if index == "dPC":
        a_l = landscape_area_m2 or float(area_m2.sum())
        _, nodes = pc_indices(area_m2, dist, distance_m, probability, a_l)
        return nodes["dPC"].to_numpy()
    if index == "dIIC":
        _, nodes = iic_indices(area_m2, dist, distance_m)
        return nodes["dIIC"].to_numpy()
    raise ValueError(f"index must be 'dPC' or 'dIIC', got {index!r}")


def islet_candidates(mspa_result: np.ndarray, connectivity: int = 8, min_cells: int = 1) -> np.ndarray:
    """MSPA Islets (9, and 109 inside core holes) as labelled patches of at least ``min_cells``
    cells: stepping-stone candidates (the Xuzhou SEEC preprint screens them by shape index; the patch table
    gives ``shape`` and ``lsi``)."""
    labels, n = label_patches((mspa_result == 9) | (mspa_result == 109), connectivity)
    cells = patch_cells(labels, n)
    return relabel(labels, np.flatnonzero(cells >= min_cells), n)


# ---- composition -------------------------------------------------------------------------------


def select_sources(
    cfg,
    mspa_result: np.ndarray | None,
    landcover: np.ndarray,
    grid: Grid,
    classes,
    layers: dict[str, np.ndarray] | None = None,
    protected: dict[str, list] | None = None,
    valid: np.ndarray | None = None,
    include: np.ndarray | None = None,
) -> Sources:
    """Apply the study's source rules (``cfg`` is a ``config.SourcesSection``) in order:
    candidate cells, union with protected polygons, patches, merge, minimum area, size classes,
    connectivity importance. ``layers`` holds every raster the rules and ``mean_of`` name;
    ``protected`` maps a vector layer name to its polygons; cells outside ``valid`` (missing
    land cover) never become source cells, even under a protected polygon. ``include`` (non-zero
    cells) adds patches after every rule, whatever their area or importance: see
    :func:`add_patches`."""
    layers = layers or {}
    steps: list[dict] = []
    rasters: dict[str, np.ndarray] = {}
    conn = cfg.patch_connectivity

    def log(step: str, labels_or_mask, detail: str = "") -> None:
        arr = labels_or_mask
        n = int(arr.max()) if arr.dtype != bool else label_patches(arr, conn)[1]
        cells = int(np.count_nonzero(arr))
        steps.append({"step": step, "patches": n, "area_km2": cells * grid.cell_area_m2 / 1e6, "detail": detail})

    combine = getattr(cfg, "combine", "union")
    mask = np.zeros(landcover.shape, dtype=bool) if combine == "union" else np.ones(landcover.shape, dtype=bool)
    weight_tables = []

    def add(rule_mask: np.ndarray) -> None:
        nonlocal mask
        mask = (mask | rule_mask) if combine == "union" else (mask & rule_mask)

    core = None
    if {"mspa_core", "core_connectivity"} & set(cfg.candidates):
        if mspa_result is None:
            raise ValueError("the mspa_core candidates need the MSPA result")
        core, _ = label_patches(core_mask(mspa_result), conn)
        log("MSPA core patches", core)
        if cfg.min_core_area_km2:
            core = filter_by_area(core, grid.cell_area_m2, cfg.min_core_area_km2)
            log("core patches ≥ min_core_area_km2", core, f"{cfg.min_core_area_km2:g} km²")
    if "mspa_core" in cfg.candidates:
        add(core > 0)
    if "core_connectivity" in cfg.candidates:
        r = cfg.core_connectivity
        n_core = int(core.max())
        importance = np.zeros(0)
        if n_core:
            area = patch_cells(core, n_core)[1:] * grid.cell_area_m2
            geoms = polygonize(core, grid, n_core)
            importance = connectivity_importance(geoms, area, r.index, r.distance_m, r.probability, grid.area_km2 * 1e6)
        level = importance_levels(importance, r.levels)
        lut = np.zeros(n_core + 1, dtype=np.int16)
        lut[1:] = r.levels + 1 - level  # r.levels = most important, as the other rules' levels
        rasters["connectivity_level"] = lut[core]
        keep = np.zeros(n_core + 1, dtype=bool)
        keep[1:] = level <= r.keep_levels
        log("core connectivity, top levels", keep[core], f"top {r.keep_levels} of {r.levels} {r.index} levels")
        add(keep[core])
    if "services" in cfg.candidates:
        r = cfg.services
        w, t = rule_weights(r, layers, valid)
        weight_tables.append(t.assign(rule="services"))
        level, top = service_importance(
            {k: layers[k] for k in w}, w, grid.cell_size_m, r.block_m, r.levels, r.keep_levels
        )
        rasters["services_level"] = level
        log("service importance, top levels", top, f"top {r.keep_levels} of {r.levels} natural-breaks levels")
        add(top)
    if "sensitivity" in cfg.candidates:
        r = cfg.sensitivity
        w, t = rule_weights(r, layers, valid)
        weight_tables.append(t.assign(rule="sensitivity"))
        developed = np.isin(landcover, r.exclude_classes)
        level, keep = sensitivity_mask({k: layers[k] for k in w}, w, developed, r.classes, r.keep_classes)
        rasters["sensitivity_class"] = level
        sens = filter_by_area(label_patches(keep, conn)[0], grid.cell_area_m2, r.min_area_km2)
        log("sensitive patches", sens, f"top {r.keep_classes} of {r.classes} classes, ≥ {r.min_area_km2:g} km²")
        add(sens > 0)
    if combine == "intersection" and len(cfg.candidates) > 1:
        log("intersection of the candidate rules", mask)
    for name, geoms in (protected or {}).items():
        mask |= rasterize_polygons(geoms, grid)
        log(f"union with {name}", mask)
    if valid is not None:
        mask &= valid
    labels, n = label_patches(mask, conn)
    if cfg.merge_within_m > 0 and n:
        labels = merge_within(labels, polygonize(labels, grid, n), cfg.merge_within_m)
        log("merged within distance", labels, f"{cfg.merge_within_m:g} m")
    labels = filter_by_area(labels, grid.cell_area_m2, cfg.min_area_km2)
    log("patches ≥ min_area_km2", labels, f"{cfg.min_area_km2:g} km²")
    mean_of = {k: layers[k] for k in cfg.mean_of}
    table = patch_table(labels, landcover, grid, classes, mean_of)
    names = SIZE_CLASS_NAMES
    table["size_class"] = size_classes(table["area_km2"].to_numpy(), cfg.size_classes_km2, names)
    if cfg.keep_size_classes is not None:
        keep = table["size_class"].isin(cfg.keep_size_classes).to_numpy()
        labels, table = _subset(labels, table, keep)
        log("size classes kept", labels, ", ".join(cfg.keep_size_classes))
    if cfg.connectivity is not None and len(table):
        r = cfg.connectivity
        a_l = (r.landscape_area_km2 or grid.area_km2) * 1e6
        importance = connectivity_importance(
            table.geometry.to_numpy(), table["area_km2"].to_numpy() * 1e6, r.index, r.distance_m, r.probability, a_l
        )
        column = f"importance_{r.index}_pct"
        table[column] = importance
        labels, table = _subset(labels, table, importance > r.min_importance_pct)
        log(f"{r.index} > {r.min_importance_pct:g} %", labels, f"d = {r.distance_m:g} m")
        if getattr(r, "levels", None) and len(table):
            table["level"] = importance_levels(table[column].to_numpy(), r.levels)
    if include is not None:
        labels, table = add_patches(
            labels, table, include, landcover, grid, classes, mean_of, conn, valid, cfg.size_classes_km2
        )
        log("patches added", labels, f"{int((table['added'] != '').sum())} patch(es) from the include layer")
    weights = pd.concat(weight_tables, ignore_index=True) if weight_tables else None
    return Sources(table.reset_index(drop=True), labels, steps=pd.DataFrame(steps), rasters=rasters, weights=weights)


def add_patches(
    labels, table, include, landcover, grid, classes, layers=None, connectivity=8, valid=None, size_thresholds_km2=None
):
    """Sources plus the patches of ``include`` (non-zero cells that are not sources yet: 1 a new
    source, 2 a stepping stone), each connected patch a new source numbered after the existing
    ones, so existing ids stay as they were. The table gains ``added`` ("", "source" or
    "stepping stone"). A patch that touches an existing source stays a source of its own: the
    two are linked by a corridor of (nearly) zero length."""
    code = np.where(labels > 0, 0, np.asarray(include)).astype(np.uint8)
    if valid is not None:
        code[~valid] = 0
    new, k = label_patches(code > 0, connectivity)
    n = int(labels.max())
    table = table.copy()
    table["added"] = ""
    if k == 0:
        return labels, table
    out = np.where(new > 0, new + n, labels).astype(np.int32)
    extra = patch_table(new, landcover, grid, classes, layers)
    extra["id"] = extra["id"] + n
    kind = np.zeros(k + 1, dtype=np.uint8)
    np.maximum.at(kind, new.ravel(), code.ravel())
    extra["added"] = np.where(kind[1:] == 2, "stepping stone", "source")
    if size_thresholds_km2 is not None:
        extra["size_class"] = size_classes(extra["area_km2"].to_numpy(), size_thresholds_km2)
    table = pd.concat([table, extra], ignore_index=True)
    return out, gpd.GeoDataFrame(table, geometry="geometry", crs=grid.crs)


def _subset(labels: np.ndarray, table, keep: np.ndarray):
    """Keep flagged rows and renumber ids 1..k in table order (which is by descending area)."""
    keep = np.asarray(keep, dtype=bool)
    lut = np.zeros(len(keep) + 1, dtype=np.int32)
    lut[1:][keep] = np.arange(1, int(keep.sum()) + 1, dtype=np.int32)
    table = table[keep].copy()
    table["id"] = np.arange(1, len(table) + 1)
    return lut[labels], table


def stepping_stone_islets(mspa_result, landcover, grid, classes, connectivity=8, min_area_km2=0.0, max_lsi=None):
    """Islets as stepping-stone candidates with their patch table, most compact (lowest LSI) first."""
    min_cells = max(1, int(np.ceil(min_area_km2 * 1e6 / grid.cell_area_m2 - 1e-9)))
    labels = islet_candidates(mspa_result, connectivity, min_cells)
    table = patch_table(labels, landcover, grid, classes)
    if max_lsi is not None and len(table):
        labels, table = _subset(labels, table, (table["lsi"] <= max_lsi).to_numpy())
    # Ties (a square and a single cell are equally compact) go to the larger islet (lower id).
    order = np.lexsort((table["id"].to_numpy(), np.round(table["lsi"].to_numpy(), 9)))
    table = table.iloc[order].reset_index(drop=True)
    return Sources(table=table, labels=labels)


__all__ = [
    "SIZE_CLASS_NAMES",
    "add_patches",
    "select_sources",
    "stepping_stone_islets",
    "block_mean",
    "connectivity_importance",
    "importance_levels",
    "rule_weights",
    "islet_candidates",
    "merge_within",
    "rasterize_polygons",
    "sensitivity_mask",
    "service_importance",
    "size_classes",
]
