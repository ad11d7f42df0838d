"""Optional backend: run natcap.invest itself on arrays (docs/methods/indicators.md#the-natcapinvest-backend).

econet computes every InVEST model in ``econet.indicators``; this backend runs the reference
implementation instead, when the ``invest`` extra is installed (natcap.invest needs GDAL's
Python bindings, built from source on Linux: see README). Each function writes its inputs as
GeoTIFFs and InVEST tables into ``workspace``, calls the model's ``execute`` and reads the
per-pixel result back as a float32 array on the same grid (nodata as NaN).
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from econet.errors import EconetError
from econet.grid import Grid
from econet.indicators.habitat_quality import ThreatSpec
from econet.io import read_raster, write_raster
from econet.rasterops import nodata_to_nan

_NODATA = -9999.0
_LULC_NODATA = -1


def available() -> bool:
    """Whether natcap.invest imports here."""
    try:
        import natcap.invest  # noqa: F401
    except Exception:  # ImportError, or GDAL bindings that fail to load
        return False
    return True


def _require():
    if not available():
        raise EconetError(
            "the natcap.invest backend is not installed; install the 'invest' extra (see README: it needs GDAL's "
            'Python bindings) or set indicators.backend = "econet"'
        )
    # InVEST logs every task at INFO; keep a pipeline run quiet.
    logging.getLogger("natcap").setLevel(logging.WARNING)
    logging.getLogger("taskgraph").setLevel(logging.WARNING)
    logging.getLogger("pygeoprocessing").setLevel(logging.WARNING)


def _write(ws: Path, name: str, arr: np.ndarray, grid: Grid) -> str:
    path = ws / "inputs" / f"{name}.tif"
    path.parent.mkdir(parents=True, exist_ok=True)
    if np.issubdtype(np.asarray(arr).dtype, np.integer):
        write_raster(path, np.asarray(arr, np.int32), grid, nodata=_LULC_NODATA)
    else:
        a = np.where(np.isfinite(arr), arr, _NODATA).astype(np.float32)
        write_raster(path, a, grid, nodata=_NODATA)
    return str(path)


def _read(path) -> np.ndarray:
    data, _, _, nodata = read_raster(path)
    return nodata_to_nan(data, nodata, dtype=np.float32)


def _table(ws: Path, name: str, df: pd.DataFrame) -> str:
    path = ws / "inputs" / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False)
    return str(path)


def _lucode_frame(table: pd.DataFrame, columns) -> pd.DataFrame:
    return table[list(columns)].reset_index().rename(columns={table.index.name or "index": "lucode"})


def habitat_quality(
    landcover: np.ndarray,
    threats: dict[str, np.ndarray],
    specs: dict[str, ThreatSpec],
    table: pd.DataFrame,
    grid: Grid,
    half_saturation: float,
    workspace,
) -> tuple[np.ndarray, np.ndarray]:
    """InVEST Habitat Quality: (quality, degradation). ``table`` holds ``habitat`` and one
    sensitivity column per threat, indexed by lucode."""
    _require()
    from natcap.invest.habitat_quality import habitat_quality as hq

    ws = Path(workspace)
    rows = []
    for name, raster in threats.items():
        s = specs[name]
        rows.append(
            {
                "threat": name,
                "max_dist": s.max_distance_m,
                "weight": s.weight,
                "decay": s.decay,
                "cur_path": _write(ws, f"threat_{name}", np.asarray(raster, np.float32), grid),
                "fut_path": "",
                "base_path": "",
            }
        )
    args = {
        "workspace_dir": str(ws / "habitat_quality"),
        "lulc_cur_path": _write(ws, "lulc", landcover, grid),
        "threats_table_path": _table(ws, "threats", pd.DataFrame(rows)),
        "sensitivity_table_path": _table(ws, "sensitivity", _lucode_frame(table, ["habitat", *threats])),
        "half_saturation_constant": half_saturation,
        "results_suffix": "",
        "n_workers": -1,
    }
    reg = hq.execute(args)
    return _read(reg["quality_c"]), _read(reg["deg_sum_c"])


def carbon_storage(landcover: np.ndarray, table: pd.DataFrame, grid: Grid, workspace) -> np.ndarray:
    """InVEST Carbon: total storage c_storage_bas (Mg C/ha)."""
    _require()
    from natcap.invest.carbon import carbon

    ws = Path(workspace)
    args = {
        "workspace_dir": str(ws / "carbon"),
        "lulc_bas_path": _write(ws, "lulc", landcover, grid),
        "carbon_pools_path": _table(
            ws, "carbon_pools", _lucode_frame(table, ["c_above", "c_below", "c_soil", "c_dead"])
        ),
        "calc_sequestration": False,
        "do_valuation": False,
        "results_suffix": "",
        "n_workers": -1,
    }
    reg = carbon.execute(args)
    return _read(reg["c_storage_bas"])


def _extent(ws: Path, grid: Grid) -> str:
    # GeoJSON: the GDAL that natcap.invest is built against may predate GeoPackage 1.4.
    path = ws / "inputs" / "watershed.geojson"
    gdf = gpd.GeoDataFrame({"ws_id": [1]}, geometry=[shapely.box(*grid.bounds)], crs=grid.crs)
    pyogrio.write_dataframe(gdf, path, driver="GeoJSON")
    return str(path)


def water_yield(
    landcover: np.ndarray,
    precipitation_mm: np.ndarray,
    et0_mm: np.ndarray,
    restricting_depth_mm: np.ndarray,
    pawc: np.ndarray,
    table: pd.DataFrame,
    grid: Grid,
    seasonality_z: float,
    workspace,
) -> np.ndarray:
    """InVEST Annual Water Yield: per-pixel water yield (mm/a), one watershed over the grid."""
    _require()
    from natcap.invest.annual_water_yield import annual_water_yield as awy

    ws = Path(workspace)
    bio = _lucode_frame(table, ["lulc_veg", "root_depth", "kc"])
    bio["lulc_veg"] = bio["lulc_veg"].astype(int)
    args = {
        "workspace_dir": str(ws / "water_yield"),
        "lulc_path": _write(ws, "lulc", landcover, grid),
        "depth_to_root_rest_layer_path": _write(ws, "restricting_depth", restricting_depth_mm, grid),
        "precipitation_path": _write(ws, "precipitation", precipitation_mm, grid),
        "pawc_path": _write(ws, "pawc", pawc, grid),
        "eto_path": _write(ws, "et0", et0_mm, grid),
        "watersheds_path": _extent(ws, grid),
        "biophysical_table_path": _table(ws, "biophysical", bio),
        "seasonality_constant": seasonality_z,
        "results_suffix": "",
        "n_workers": -1,
    }
    reg = awy.execute(args)
    return _read(reg["wyield"])


def sdr(
    landcover: np.ndarray,
    dem: np.ndarray,
    erosivity: np.ndarray,
    erodibility: np.ndarray,
    table: pd.DataFrame,
    grid: Grid,
    workspace,
    threshold_flow_accumulation: int = 1000,
    k: float = 2.0,
    ic0: float = 0.5,
    sdr_max: float = 0.8,
    l_max: float = 122.0,
) -> dict[str, np.ndarray]:
    """InVEST SDR with D8 routing: rkls, usle, sdr, sed_export, avoided_erosion and
    retention = avoided_erosion x sdr (econet's sediment retention), plus InVEST's
    avoided_export (which adds its deposition term)."""
    _require()
    from natcap.invest.sdr import sdr as invest_sdr

    ws = Path(workspace)
    args = {
        "workspace_dir": str(ws / "sdr"),
        "dem_path": _write(ws, "dem", dem, grid),
        "erosivity_path": _write(ws, "erosivity", erosivity, grid),
        "erodibility_path": _write(ws, "erodibility", erodibility, grid),
        "lulc_path": _write(ws, "lulc", landcover, grid),
        "watersheds_path": _extent(ws, grid),
        "biophysical_table_path": _table(ws, "sdr_biophysical", _lucode_frame(table, ["usle_c", "usle_p"])),
        "threshold_flow_accumulation": threshold_flow_accumulation,
        "k_param": k,
        "ic_0_param": ic0,
        "sdr_max": sdr_max,
        "l_max": l_max,
        "flow_dir_algorithm": "D8",
        "drainage_path": "",
        "results_suffix": "",
        "n_workers": -1,
    }
    reg = invest_sdr.execute(args)
    out = {k: _read(reg[k]) for k in ("rkls", "usle", "sed_export", "avoided_erosion", "avoided_export")}
    out["sdr"] = _read(reg["sdr_factor"])
    out["retention"] = out["avoided_erosion"] * out["sdr"]
    return out


__all__ = ["available", "carbon_storage", "habitat_quality", "sdr", "water_yield"]
