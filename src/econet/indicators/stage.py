"""Pipeline stage of the indicators package: the models a study's [indicators] section asks for,
their rasters, the RSEI loadings, and per-source (and per-corridor) tables. Optional: runs only
when the study has an [indicators] section."""

from __future__ import annotations

import tempfile

import numpy as np
import pandas as pd
from rasterio import features

from econet.indicators import invest, spectral
from econet.indicators.biophysical import (
    check_columns,
    column,
    default_biophysical_table,
    read_biophysical_table,
)
from econet.indicators.carbon import POOLS, carbon_sink, carbon_storage, sink_coefficients
from econet.indicators.elasticity import eco_elasticity, shannon_diversity
from econet.indicators.habitat_quality import ThreatSpec, habitat_quality
from econet.indicators.rsei import rsei
from econet.indicators.sediment import sediment_retention
from econet.indicators.sensitivity import DEFAULT_BREAKS, ecological_sensitivity, grade, vegetation_cover
from econet.indicators.water_conservation import water_conservation
from econet.indicators.water_yield import water_yield
from econet.io import write_csv, write_raster
from econet.landcover import landcover_values
from econet.rasterops import slope_deg
from econet.report.tables import html_table, section
from econet.stage import Context, Stage
from econet.zonal import zonal_mean, zonal_sum

# Indicator rasters: name -> (unit, description). Written as indicator_<name>.tif.
RASTERS = {
    "ndvi": ("-1..1", "NDVI (NIR - Red) / (NIR + Red)"),
    "mndwi": ("-1..1", "MNDWI (Green - SWIR1) / (Green + SWIR1)"),
    "wet": ("reflectance", "tasselled-cap wetness"),
    "ndbsi": ("-1..1", "dryness NDBSI = (SI + IBI) / 2"),
    "lst": ("degC", "land surface temperature"),
    "rsei": ("0..1", "remote-sensing ecological index (higher is better)"),
    "carbon_sink": ("t/a per cell", "annual carbon sink (seed 000 Table 2 coefficients)"),
    "habitat_quality": ("0..1", "InVEST habitat quality"),
    "habitat_degradation": ("index", "InVEST total habitat degradation"),
    "carbon_storage": ("Mg C/ha", "InVEST carbon storage, four pools"),
    "water_yield": ("mm/a", "InVEST annual water yield (Budyko-Fu)"),
    "water_conservation": ("mm/a", "water conservation = yield - runoff (seed 004)"),
    "sediment_retention": ("t/(ha a)", "RKLS (1 - C P) SDR (InVEST SDR)"),
    "soil_loss": ("t/(ha a)", "RUSLE soil loss R K LS C P"),
    "sdr": ("0..1", "sediment delivery ratio"),
    "eco_elasticity": ("0..1", "eco-elasticity (O' A' R')^(1/3) (seed 004)"),
    "ecological_sensitivity": ("1..9", "ecological sensitivity, weighted overlay (seed 004)"),
}

_SPECTRAL_MODELS = {"spectral", "rsei", "sensitivity"}


def _layers(study) -> list[str]:
    # The study's cross-checks guarantee every named layer exists (econet.config).
    names = {study.landcover.layer, *study.indicators.layer_keys().values()}
    return sorted(f"layers.{n}" for n in names if n in study.layers)


def _table(ctx: Context) -> pd.DataFrame:
    cfg = ctx.study.indicators
    if cfg.biophysical_table:
        return read_biophysical_table(cfg.biophysical_table)
    return default_biophysical_table(ctx.study.landcover.table or "")


def _compute(ctx: Context):
    study, L = ctx.study, ctx.landscape
    cfg = study.indicators
    models = set(cfg.models)
    grid = L.grid
    lc = L.landcover()
    valid = L.valid_mask()
    out: dict[str, np.ndarray] = {}
    tables: dict[str, pd.DataFrame] = {}
    table = None
    if models - {"spectral", "rsei", "carbon_sink"}:
        table = _table(ctx)

    def by_class(name):
        return landcover_values(lc, column(table, name))

    def layer(name):
        return L.raster(name)

    if models & _SPECTRAL_MODELS:
        b = {k: layer(v) for k, v in cfg.bands.items() if f"bands.{k}" in cfg.layer_keys()}
        out["ndvi"] = spectral.ndvi(b["nir"], b["red"])
        if models & {"spectral", "rsei"}:
            out["mndwi"] = spectral.mndwi(b["green"], b["swir1"])
            out["wet"] = spectral.wetness(b["blue"], b["green"], b["red"], b["nir"], b["swir1"], b["swir2"], cfg.sensor)
            out["ndbsi"] = spectral.ndbsi(b["blue"], b["green"], b["red"], b["nir"], b["swir1"])
        if cfg.lst_layer and not cfg.rsei_without_lst and "rsei" in models:
            emissivity = None
            if cfg.lst_kind in ("brightness_k", "radiance"):
                emissivity = spectral.emissivity_from_ndvi(out["ndvi"])
            out["lst"] = spectral.lst(layer(cfg.lst_layer), cfg.lst_kind, cfg.sensor, emissivity)
    if "rsei" in models:
        mask = valid & ~(out["mndwi"] > 0) if cfg.rsei_mask_water else valid
        res = rsei(
            out["ndvi"],
            out["wet"],
            out["ndbsi"],
            out.get("lst"),
            without_lst=cfg.rsei_without_lst,
            mask=mask,
            sample_cells=cfg.rsei_sample_cells,
        )
        out["rsei"] = res.rsei
        tables["rsei_loadings"] = res.loadings.reset_index(names="row")
    if "carbon_sink" in models:
        out["carbon_sink"] = carbon_sink(lc, sink_coefficients(L.classes), grid.cell_area_m2)
    use_invest = cfg.backend == "invest"
    workspace = tempfile.TemporaryDirectory(prefix="econet_invest_") if use_invest else None
    try:
        if "habitat_quality" in models:
            threats = {n: np.nan_to_num(layer(t.layer)) for n, t in cfg.threats.items()}
            specs = {n: ThreatSpec(t.max_distance_m, t.weight, t.decay) for n, t in cfg.threats.items()}
            check_columns(table, ["habitat", *threats], "habitat_quality (one sensitivity column per threat)")
            if use_invest:
                q, d = invest.habitat_quality(lc, threats, specs, table, grid, cfg.half_saturation, workspace.name)
            else:
                r = habitat_quality(
                    lc,
                    threats,
                    specs,
                    column(table, "habitat"),
                    {n: column(table, n) for n in threats},
                    grid.cell_size_m,
                    cfg.half_saturation,
                )
                q, d = r.quality, r.degradation
            out["habitat_quality"], out["habitat_degradation"] = q, d
        if "carbon_storage" in models:
            check_columns(table, POOLS, "carbon_storage")
            if use_invest:
                out["carbon_storage"] = invest.carbon_storage(lc, table, grid, workspace.name)
            else:
                out["carbon_storage"] = carbon_storage(lc, {p: column(table, p) for p in POOLS})
        if models & {"water_yield", "water_conservation"}:
            check_columns(table, ["kc", "root_depth", "lulc_veg"], "water_yield")
            P = layer(cfg.precipitation_layer)
            args = (P, layer(cfg.et0_layer), layer(cfg.restricting_depth_layer), layer(cfg.pawc_layer))
            if use_invest:
                out["water_yield"] = invest.water_yield(lc, *args, table, grid, cfg.seasonality_z, workspace.name)
            else:
                wy = water_yield(*args, by_class("kc"), by_class("root_depth"), by_class("lulc_veg"), cfg.seasonality_z)
                out["water_yield"] = wy.water_yield
            if "water_conservation" in models:
                check_columns(table, ["runoff_coefficient"], "water_conservation")
                out["water_conservation"] = water_conservation(out["water_yield"], P, by_class("runoff_coefficient"))
        if models & {"sediment", "sensitivity"}:
            check_columns(table, ["usle_c", "usle_p"], "sediment")
            sed_args = (layer(cfg.dem_layer), layer(cfg.erosivity_layer), layer(cfg.erodibility_layer))
            sdr_params = dict(
                threshold_flow_accumulation=cfg.threshold_flow_accumulation,
                k=cfg.sdr_k,
                ic0=cfg.sdr_ic0,
                sdr_max=cfg.sdr_max,
                l_max=cfg.sdr_l_max,
            )
            if use_invest:
                s = invest.sdr(lc, *sed_args, table, grid, workspace.name, **sdr_params)
                sr, loss, sdr = s["retention"], s["usle"], s["sdr"]
            else:
                s = sediment_retention(
                    *sed_args, by_class("usle_c"), by_class("usle_p"), grid.cell_size_m, **sdr_params
                )
                sr, loss, sdr = s.retention, s.usle, s.sdr
            out["sediment_retention"], out["soil_loss"], out["sdr"] = sr, loss, sdr
    finally:
        if workspace is not None:
            workspace.cleanup()
    if "elasticity" in models:
        check_columns(table, ["elasticity_resistance", "elasticity_recovery"], "elasticity")
        window = max(1, int(round(cfg.diversity_window_m / grid.cell_size_m))) | 1
        adapt = shannon_diversity(lc, window, valid)
        out["eco_elasticity"] = eco_elasticity(
            by_class("elasticity_resistance"), adapt, by_class("elasticity_recovery")
        )
    if "sensitivity" in models:
        check_columns(table, ["sensitivity_grade"], "sensitivity")
        dem = layer(cfg.dem_layer)
        factors = {
            "dem": grade(dem, DEFAULT_BREAKS["dem"]),
            "slope": grade(slope_deg(dem, grid.cell_size_m), DEFAULT_BREAKS["slope"]),
            "vegetation": grade(vegetation_cover(out["ndvi"]), DEFAULT_BREAKS["vegetation"]),
            "erosion": grade(np.nan_to_num(out["soil_loss"], nan=0.0), DEFAULT_BREAKS["erosion"]),
            "landcover": by_class("sensitivity_grade"),
        }
        out["ecological_sensitivity"] = ecological_sensitivity(factors, dict(cfg.sensitivity_weights))
    for k in out:
        out[k] = np.where(valid, out[k], np.nan).astype(np.float32)
    tables.update(_zone_tables(ctx, out, cfg))
    return {"rasters": out, "tables": tables}


def _corridor_labels(ctx: Context, width_m: float) -> tuple[np.ndarray, pd.DataFrame]:
    """Corridor areas: each least-cost path buffered to ``width_m``, outside the sources."""
    lines = ctx.results["corridors"]["corridors"]
    grid = ctx.landscape.grid
    labels = np.zeros(grid.shape, np.int32)
    if len(lines):
        shapes = [(geom.buffer(width_m / 2), i + 1) for i, geom in enumerate(lines.geometry)]
        labels = features.rasterize(shapes, out_shape=grid.shape, transform=grid.transform, fill=0, dtype="int32")
    labels[ctx.results["sources"].labels > 0] = 0
    return labels, lines.drop(columns="geometry").reset_index(drop=True)


def _zone_tables(ctx: Context, out: dict[str, np.ndarray], cfg) -> dict[str, pd.DataFrame]:
    """Per-source means of every indicator (carbon sink summed, t/a); per-corridor carbon sink."""
    src = ctx.results["sources"]
    n = int(src.table["id"].max()) + 1 if len(src.table) else 1
    per_source = pd.DataFrame({"id": src.table["id"].to_numpy()})
    for name, arr in out.items():
        if name == "carbon_sink":
            per_source["carbon_sink_t_a"] = zonal_sum(src.labels, arr, n)[per_source["id"]]
        else:
            per_source[f"{name}_mean"] = zonal_mean(src.labels, arr, n)[per_source["id"]]
    tables = {"indicators_sources": per_source}
    if "carbon_sink" in out:
        labels, corridors = _corridor_labels(ctx, cfg.corridor_width_m)
        m = len(corridors)
        sink = zonal_sum(labels, out["carbon_sink"], m + 1)[1:]
        cells = np.bincount(labels.ravel(), minlength=m + 1)[1:]
        keep = [c for c in ("from_id", "to_id", "length_m") if c in corridors.columns]
        per_corridor = corridors[keep].copy()
        per_corridor["area_ha"] = cells * ctx.landscape.grid.cell_area_m2 / 1e4
        per_corridor["carbon_sink_t_a"] = sink
        tables["indicators_corridors"] = per_corridor
    return tables


def _write(ctx: Context, res) -> list[str]:
    grid = ctx.landscape.grid
    paths = []
    for name, arr in res["rasters"].items():
        unit, what = RASTERS[name]
        path = f"indicator_{name}.tif"
        write_raster(ctx.run.product(path), arr, grid, nodata=float("nan"), description=f"{what} ({unit})")
        paths.append(path)
    for name, table in res["tables"].items():
        write_csv(ctx.run.product(f"{name}.csv"), table)
        paths.append(f"{name}.csv")
    return paths


def _report(ctx: Context, res) -> tuple[str, list[str]]:
    from econet.report.figures import raster_map

    figures, parts = [], []
    shown = [k for k in ("rsei", "habitat_quality", "water_yield", "carbon_sink") if k in res["rasters"]]
    for name in shown[:2]:
        path = f"map_indicator_{name}.png"
        unit, what = RASTERS[name]
        raster_map(ctx.landscape.grid, res["rasters"][name], ctx.run.product(path), what, cmap="RdYlGn", label=unit)
        figures.append(path)
        parts.append(f"<img src='{path}' alt='{what}'>")
    rasters = res["rasters"]
    summary = pd.DataFrame(
        [
            {"indicator": k, "unit": RASTERS[k][0], "mean": float(np.nanmean(v)), "max": float(np.nanmax(v))}
            for k, v in rasters.items()
        ]
    )
    if "carbon_sink" in rasters:
        parts.append(f"<p>Total carbon sink: {np.nansum(rasters['carbon_sink']):,.1f} t/a</p>")
    parts.append(html_table(summary))
    if "rsei_loadings" in res["tables"]:
        parts.append(section("RSEI loadings", html_table(res["tables"]["rsei_loadings"]), level=3))
    return section("Ecological indicators", *parts), figures


def _enabled(study) -> bool:
    return study.indicators is not None


INDICATORS_STAGE = Stage(
    "indicators",
    "Ecological indicators",
    ("sources", "corridors"),
    ("indicators", "landcover"),
    _layers,
    _compute,
    _write,
    _report,
    {
        "indicator_<name>.tif": "one raster per indicator the study asks for (NDVI, RSEI, carbon sink, ...)",
        "indicators_sources.csv": "per-source means of every indicator; carbon sink summed (t/a)",
        "indicators_corridors.csv": "carbon sink (t/a) and area of each corridor buffer, outside the sources",
        "rsei_loadings.csv": "RSEI principal-component loadings, eigenvalues and percent of variance",
    },
    enabled=_enabled,
)

__all__ = ["INDICATORS_STAGE", "RASTERS"]
