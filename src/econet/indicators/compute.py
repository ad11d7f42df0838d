"""The indicators a study asks for, computed together from the landscape
(docs/methods/indicators.md), and their summaries per source and per corridor.

Spectral indices, RSEI, carbon sink, the InVEST-equivalent service models (habitat quality,
carbon storage, water yield, sediment retention), water conservation, eco-elasticity and
ecological sensitivity are rasters on the template grid; they need only the landscape, so they
are computed before sources and resistance, which may use them. Per-source means and
per-corridor carbon sink need the sources and corridors and are computed after them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from econet.indicators import invest, spectral
from econet.indicators.biophysical import check_columns, column, default_biophysical_table, read_biophysical_table
from econet.indicators.carbon import POOLS, carbon_sink, carbon_storage, sink_coefficients
from econet.indicators.elasticity import eco_elasticity, shannon_diversity
from econet.indicators.habitat_quality import ThreatSpec, habitat_quality
from econet.indicators.rsei import rsei
from econet.indicators.sediment import sediment_retention
from econet.indicators.sensitivity import DEFAULT_BREAKS, ecological_sensitivity, grade, vegetation_cover
from econet.indicators.water_conservation import water_conservation
from econet.indicators.water_yield import water_yield
from econet.landcover import landcover_values
from econet.rasterops import rasterize, slope_deg
from econet.windows import Window, finite_min_max, quantiles, read_with_halo, sample_cells, windows
from econet.zonal import zonal_mean, zonal_sum

# Indicator rasters: name -> (unit, description). Written as indicator_<name>.tif.
RASTERS = {
    "ndvi": ("-1..1", "NDVI (NIR - Red) / (NIR + Red)"),
    "mndwi": ("-1..1", "MNDWI (Green - SWIR1) / (Green + SWIR1)"),
    "wet": ("reflectance", "tasselled-cap wetness"),
    "ndbsi": ("-1..1", "dryness NDBSI = (SI + IBI) / 2"),
    "lst": ("degC", "land surface temperature"),
    "rsei": ("0..1", "remote-sensing ecological index (higher is better)"),
    "carbon_sink": ("t/a per cell", "annual carbon sink (Xuzhou SEEC preprint, Table 2 coefficients)"),
    "habitat_quality": ("0..1", "InVEST habitat quality"),
    "habitat_degradation": ("index", "InVEST total habitat degradation"),
    "carbon_storage": ("Mg C/ha", "InVEST carbon storage, four pools"),
    "water_yield": ("mm/a", "InVEST annual water yield (Budyko-Fu)"),
    "water_conservation": ("mm/a", "water conservation = yield - runoff (Tong et al. 2025)"),
    "sediment_retention": ("t/(ha a)", "RKLS (1 - C P) SDR (InVEST SDR)"),
    "soil_loss": ("t/(ha a)", "RUSLE soil loss R K LS C P"),
    "sdr": ("0..1", "sediment delivery ratio"),
    "eco_elasticity": ("0..1", "eco-elasticity (O' A' R')^(1/3) (Tong et al. 2025)"),
    "ecological_sensitivity": ("1..9", "ecological sensitivity, weighted overlay (Tong et al. 2025)"),
}

_SPECTRAL_MODELS = {"spectral", "rsei", "sensitivity"}
# Models that read the biophysical table (the others need only bands and the class table).
_TABLE_FREE = {"spectral", "rsei", "carbon_sink"}


@dataclass
class Indicators:
    """Indicator rasters (name -> float32, NaN outside land cover; units in ``RASTERS``) and the
    RSEI principal-component loadings (None without RSEI)."""

    rasters: dict[str, np.ndarray]
    loadings: pd.DataFrame | None = None


@dataclass
class IndicatorSummaries:
    """Per-source means of every indicator (carbon sink summed, t/a) and, with a carbon-sink
    raster, the carbon sink and area of each corridor's width-tier polygon outside the sources."""

    sources: pd.DataFrame
    corridors: pd.DataFrame | None = None


def biophysical_table(path: str | None, landcover_table: str | None) -> pd.DataFrame:
    """The study's biophysical table (InVEST-style CSV), or the one bundled for its class table."""
    return read_biophysical_table(path) if path else default_biophysical_table(landcover_table or "")


def needs_table(models) -> bool:
    """Whether any of ``models`` reads the biophysical table."""
    return bool(set(models) - _TABLE_FREE)


def compute_indicators(
    cfg,
    layer: Callable[[str], np.ndarray],
    landcover,
    valid,
    classes,
    grid,
    table=None,
    *,
    window: int | None = None,
    read: Callable[[str, Window], np.ndarray] | None = None,
) -> Indicators:
    """The rasters of the models ``cfg.models`` asks for (``cfg``: an ``econet.config.IndicatorsSection``).

    ``layer(name)`` returns an input raster on ``grid``; ``landcover`` holds class codes and
    ``valid`` the cells with land cover; ``classes`` is the class table (carbon-sink
    coefficients); ``table`` the biophysical table (InVEST conventions) the service models read.
    Every raster is float32 with NaN outside ``valid``.

    ``window``: the side (cells) of the windows the models are computed on (None: the whole grid
    at once); ``read(name, window)`` reads an input on a window (default: a slice of ``layer``).
    Cell-by-cell models (spectral indices, LST, carbon, water yield and conservation, the
    sensitivity overlay), RSEI (its minima, maxima and sample gathered first) and the Shannon
    diversity of eco-elasticity (a halo of half its window) work window by window with the same
    results, as does habitat quality (each threat read with its reach, ``max_distance_m``, as
    halo). SDR sediment (flow routing over whole catchments) and the natcap.invest backend work
    on the whole grid: sediment holds about 200 bytes a cell while it runs."""
    models = set(cfg.models)
    lc = landcover
    tiles = windows(grid.shape, window)
    read = read or (lambda name, w: layer(name)[w.slices])
    out: dict[str, np.ndarray] = {}
    loadings = None

    def by_class(name, codes=None):
        return landcover_values(lc if codes is None else codes, column(table, name))

    def raster(name):  # an output raster, made on first use
        if name not in out:
            out[name] = np.full(grid.shape, np.nan, np.float32)
        return out[name]

    bands = {}
    if models & _SPECTRAL_MODELS:
        bands = {k: v for k, v in cfg.bands.items() if f"bands.{k}" in cfg.layer_keys()}
        for k, name in bands.items():  # every band must look like reflectance, before any work

            def band(w, k=k, name=name):
                r = spectral.scaled_band(read(name, w), cfg.band_scale.get(k, 1.0), cfg.band_offset.get(k, 0.0))
                return w, valid[w.slices] & np.isfinite(r), r

            sample = sample_cells(lambda band=band: (band(w) for w in tiles), grid.shape, pick=spectral.check_ranks)
            spectral.check_reflectance(
                sample, f"indicators.bands.{k}", cfg.band_scale.get(k, 1.0), cfg.band_offset.get(k, 0.0)
            )
    with_lst = bool(cfg.lst_layer and not cfg.rsei_without_lst and "rsei" in models)
    water = models & {"water_yield", "water_conservation"}
    if water:
        check_columns(table, ["kc", "root_depth", "lulc_veg"], "water_yield")
        if "water_conservation" in models:
            check_columns(table, ["runoff_coefficient"], "water_conservation")
    use_invest = cfg.backend == "invest"
    if "carbon_storage" in models:
        check_columns(table, POOLS, "carbon_storage")
    for w in tiles:  # the models computed cell by cell
        at, codes = w.slices, lc[w.slices]
        if bands:
            b = {
                k: spectral.scaled_band(read(v, w), cfg.band_scale.get(k, 1.0), cfg.band_offset.get(k, 0.0))
                for k, v in bands.items()
            }
            raster("ndvi")[at] = spectral.ndvi(b["nir"], b["red"])
            if models & {"spectral", "rsei"}:
                raster("mndwi")[at] = spectral.mndwi(b["green"], b["swir1"])
                raster("wet")[at] = spectral.wetness(
                    b["blue"], b["green"], b["red"], b["nir"], b["swir1"], b["swir2"], cfg.sensor
                )
                raster("ndbsi")[at] = spectral.ndbsi(b["blue"], b["green"], b["red"], b["nir"], b["swir1"])
            if with_lst:
                emissivity = None
                if cfg.lst_kind in ("brightness_k", "radiance"):
                    emissivity = spectral.emissivity_from_ndvi(out["ndvi"][at])
                raster("lst")[at] = spectral.lst(read(cfg.lst_layer, w), cfg.lst_kind, cfg.sensor, emissivity)
        if "carbon_sink" in models:
            raster("carbon_sink")[at] = carbon_sink(codes, sink_coefficients(classes), grid.cell_area_m2)
        if "carbon_storage" in models and not use_invest:
            raster("carbon_storage")[at] = carbon_storage(codes, {p: column(table, p) for p in POOLS})
        if water and not use_invest:
            P = read(cfg.precipitation_layer, w)
            args = (P, read(cfg.et0_layer, w), read(cfg.restricting_depth_layer, w), read(cfg.pawc_layer, w))
            classes_of = (by_class("kc", codes), by_class("root_depth", codes), by_class("lulc_veg", codes))
            wy = water_yield(*args, *classes_of, cfg.seasonality_z).water_yield
            raster("water_yield")[at] = wy
            if "water_conservation" in models:
                runoff = by_class("runoff_coefficient", codes)
                raster("water_conservation")[at] = water_conservation(wy, P, runoff)
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
            window=window,
        )
        out["rsei"] = res.rsei
        loadings = res.loadings.reset_index(names="row")
    workspace = tempfile.TemporaryDirectory(prefix="econet_invest_") if use_invest else None
    try:
        if "habitat_quality" in models:
            specs = {n: ThreatSpec(t.max_distance_m, t.weight, t.decay) for n, t in cfg.threats.items()}
            check_columns(table, ["habitat", *specs], "habitat_quality (one sensitivity column per threat)")
            if use_invest:
                threats = {n: np.nan_to_num(layer(t.layer)) for n, t in cfg.threats.items()}
                q, d = invest.habitat_quality(lc, threats, specs, table, grid, cfg.half_saturation, workspace.name)
            else:
                r = habitat_quality(
                    lc,
                    {n: (lambda w, name=t.layer: np.nan_to_num(read(name, w))) for n, t in cfg.threats.items()},
                    specs,
                    column(table, "habitat"),
                    {n: column(table, n) for n in specs},
                    grid.cell_size_m,
                    cfg.half_saturation,
                    window=window,
                )
                q, d = r.quality, r.degradation
            out["habitat_quality"], out["habitat_degradation"] = q, d
        if "carbon_storage" in models and use_invest:
            out["carbon_storage"] = invest.carbon_storage(lc, table, grid, workspace.name)
        if water and use_invest:
            args = tuple(
                layer(n) for n in (cfg.precipitation_layer, cfg.et0_layer, cfg.restricting_depth_layer, cfg.pawc_layer)
            )
            out["water_yield"] = invest.water_yield(lc, *args, table, grid, cfg.seasonality_z, workspace.name)
            if "water_conservation" in models:
                out["water_conservation"] = water_conservation(
                    out["water_yield"], args[0], by_class("runoff_coefficient")
                )
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
            del sed_args, s
            out["sediment_retention"], out["soil_loss"], out["sdr"] = sr, loss, sdr
    finally:
        if workspace is not None:
            workspace.cleanup()
    if "elasticity" in models:
        check_columns(table, ["elasticity_resistance", "elasticity_recovery"], "elasticity")
        out["eco_elasticity"] = _eco_elasticity(cfg, lc, valid, grid, tiles, by_class)
    if "sensitivity" in models:
        check_columns(table, ["sensitivity_grade"], "sensitivity")
        ndvi = out["ndvi"]
        ndvi_blocks = lambda: ((w, ndvi[w.slices]) for w in tiles)  # noqa: E731
        n = finite_min_max(ndvi_blocks)[2]
        # the dimidiate pixel model's soil and vegetation NDVI: the 5th and 95th percentiles
        soil, veg = (float(quantiles(ndvi_blocks, q, n, np.float32)) if n else None for q in (0.05, 0.95))
        weights = dict(cfg.sensitivity_weights)
        for w in tiles:
            at = w.slices
            dem = read(cfg.dem_layer, w)
            slope = read_with_halo(
                lambda o: read(cfg.dem_layer, o), w, 1, grid.shape, lambda z: slope_deg(z, grid.cell_size_m)
            )
            factors = {
                "dem": grade(dem, DEFAULT_BREAKS["dem"]),
                "slope": grade(slope, DEFAULT_BREAKS["slope"]),
                "vegetation": grade(vegetation_cover(ndvi[at], soil, veg), DEFAULT_BREAKS["vegetation"]),
                "erosion": grade(np.nan_to_num(out["soil_loss"][at], nan=0.0), DEFAULT_BREAKS["erosion"]),
                "landcover": by_class("sensitivity_grade", lc[at]),
            }
            raster("ecological_sensitivity")[at] = ecological_sensitivity(factors, weights)
    for k, arr in out.items():
        arr = out[k] = arr.astype(np.float32, copy=False)
        for w in tiles:
            arr[w.slices][~valid[w.slices]] = np.nan
    return Indicators({k: out[k] for k in RASTERS if k in out}, loadings)


def _eco_elasticity(cfg, lc, valid, grid, tiles, by_class) -> np.ndarray:
    """Eco-elasticity (Tong et al. 2025) window by window: the Shannon diversity of each window
    read with a halo of half the diversity window, then the three factors scaled by their
    minima and maxima over the grid."""
    size = max(1, int(round(cfg.diversity_window_m / grid.cell_size_m))) | 1
    adapt = np.empty(grid.shape, np.float32)
    for w in tiles:
        outer = w.grown(size // 2, grid.shape)
        adapt[w.slices] = shannon_diversity(lc[outer.slices], size, valid[outer.slices])[w.within(outer)]
    factors = {
        "resistance": lambda w: by_class("elasticity_resistance", lc[w.slices]),
        "adaptability": lambda w: adapt[w.slices],
        "recovery": lambda w: by_class("elasticity_recovery", lc[w.slices]),
    }
    bounds = {k: finite_min_max(lambda f=f: ((w, f(w)) for w in tiles))[:2] for k, f in factors.items()}
    out = np.empty(grid.shape, np.float32)
    for w in tiles:
        out[w.slices] = eco_elasticity(*(f(w) for f in factors.values()), bounds=tuple(bounds.values()))
    return out


def summarise_indicators(rasters: dict[str, np.ndarray], source_labels, source_ids, tiers, grid) -> IndicatorSummaries:
    """Per-source means of every raster (``carbon_sink`` summed, t/a) over the ``source_labels``
    cells of each of ``source_ids``; per-corridor carbon sink over each corridor's width-tier
    polygon (``tiers``: corridor_id, from_id, to_id, tier, width_m) outside the sources."""
    ids = np.asarray(source_ids, dtype=int)
    n = int(ids.max()) + 1 if ids.size else 1
    per_source = pd.DataFrame({"id": ids})
    for name, arr in rasters.items():
        if name == "carbon_sink":
            per_source["carbon_sink_t_a"] = zonal_sum(source_labels, arr, n)[ids]
        else:
            per_source[f"{name}_mean"] = zonal_mean(source_labels, arr, n)[ids]
    per_corridor = None
    if "carbon_sink" in rasters:
        m = len(tiers)
        labels = rasterize(((geom, i + 1) for i, geom in enumerate(tiers.geometry)), grid, dtype=np.int32)
        labels[source_labels > 0] = 0
        per_corridor = pd.DataFrame(tiers.drop(columns="geometry")).reset_index(drop=True)
        per_corridor["area_ha"] = np.bincount(labels.ravel(), minlength=m + 1)[1:] * grid.cell_area_m2 / 1e4
        per_corridor["carbon_sink_t_a"] = zonal_sum(labels, rasters["carbon_sink"], m + 1)[1:]
    return IndicatorSummaries(per_source, per_corridor)


__all__ = [
    "IndicatorSummaries",
    "Indicators",
    "RASTERS",
    "biophysical_table",
    "compute_indicators",
    "needs_table",
    "summarise_indicators",
]
