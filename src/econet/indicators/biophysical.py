"""InVEST-style biophysical parameters by land-cover class, and the habitat-quality threats.

The table has one row per class code (``lucode``) and InVEST's column names: ``habitat`` and one
sensitivity column per threat (Habitat Quality), ``c_above``/``c_below``/``c_soil``/``c_dead``
(Carbon, Mg C/ha), ``kc``, ``root_depth`` (mm) and ``lulc_veg`` (Annual Water Yield), ``usle_c``
and ``usle_p`` (SDR), ``runoff_coefficient`` (water conservation, Tong et al. 2025), the eco-elasticity
scores ``elasticity_resistance`` and ``elasticity_recovery`` (0..1) and the land-cover grade of
ecological sensitivity ``sensitivity_grade`` (1..9). A user's own InVEST-style CSV can replace
it (:func:`read_biophysical_table`).

The GlobeLand30 defaults are generic values of the kind published InVEST studies of eastern
Chinese cities use (root depths and Kc after the InVEST user guide's tables, USLE C after
Wischmeier & Smith style tables, runoff coefficients after the water-balance literature
Tong et al. (2025) follow). They make the demo run; a real study should replace them with local values.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from econet.errors import EconetError

BIOPHYSICAL_COLUMNS = (
    "habitat",
    "c_above",
    "c_below",
    "c_soil",
    "c_dead",
    "kc",
    "root_depth",
    "lulc_veg",
    "usle_c",
    "usle_p",
    "runoff_coefficient",
    "elasticity_resistance",
    "elasticity_recovery",
    "sensitivity_grade",
)

_GLOBELAND30_CSV = """\
lucode,name,habitat,urban,roads,mines,cropland,c_above,c_below,c_soil,c_dead,kc,root_depth,lulc_veg,usle_c,usle_p,runoff_coefficient,elasticity_resistance,elasticity_recovery,sensitivity_grade
10,cultivated,0.3,0.5,0.4,0.6,0.0,5.0,1.0,75.0,0.0,0.65,2100,1,0.31,0.35,0.40,0.50,0.60,5
20,forest,1.0,0.8,0.6,0.9,0.4,60.0,15.0,120.0,4.0,1.0,5200,1,0.006,1.0,0.03,0.95,0.50,9
30,grassland,0.8,0.6,0.5,0.7,0.3,5.0,9.0,80.0,1.0,0.75,2600,1,0.04,1.0,0.08,0.70,0.90,7
40,shrubland,0.9,0.7,0.5,0.8,0.35,15.0,6.0,90.0,2.0,0.9,3500,1,0.02,1.0,0.05,0.80,0.70,7
50,wetland,0.9,0.8,0.6,0.9,0.5,10.0,4.0,150.0,2.0,1.1,1000,0,0.001,1.0,0.02,0.85,0.60,9
60,water,0.8,0.7,0.4,0.8,0.4,0.0,0.0,0.0,0.0,1.05,1,0,0.0,1.0,0.0,0.90,0.80,9
70,tundra,0.6,0.5,0.4,0.6,0.3,2.0,4.0,60.0,1.0,0.6,1000,1,0.05,1.0,0.10,0.50,0.30,5
80,artificial surfaces,0.0,0.0,0.0,0.0,0.0,2.0,0.0,20.0,0.0,0.3,1,0,0.0,1.0,0.60,0.10,0.10,1
90,bare land,0.1,0.2,0.2,0.3,0.1,0.5,0.0,20.0,0.0,0.3,1,0,0.7,1.0,0.20,0.20,0.20,3
100,permanent snow and ice,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.05,1,0,0.0,1.0,0.50,0.30,0.10,3
"""

DEFAULT_TABLES = {"globeland30": _GLOBELAND30_CSV}


@dataclass(frozen=True)
class Threat:
    """A habitat-quality threat (InVEST threats table): the 0/1 raster layer that maps it, the
    distance (m) at which its effect vanishes, its relative weight and its decay."""

    name: str
    layer: str
    max_distance_m: float
    weight: float
    decay: str = "linear"  # or "exponential"


# The demo city's threats (as in Feng et al. 2024: mines, construction land, cropland and roads).
DEMO_THREATS = (
    Threat("urban", "threat_urban", 6000.0, 1.0, "exponential"),
    Threat("roads", "threat_roads", 3000.0, 0.6, "linear"),
    Threat("mines", "threat_mines", 5000.0, 0.9, "exponential"),
    Threat("cropland", "threat_cropland", 2000.0, 0.5, "linear"),
)


def _tidy(df: pd.DataFrame, where: str) -> pd.DataFrame:
    df = df.rename(columns={c: c.strip().lower() for c in df.columns})
    if "lucode" not in df.columns:
        raise EconetError(f"{where}: needs a 'lucode' column with the land-cover class codes")
    if df["lucode"].duplicated().any():
        dup = sorted(df.loc[df["lucode"].duplicated(), "lucode"].tolist())
        raise EconetError(f"{where}: class codes {dup} are listed twice; list each lucode once")
    return df.set_index("lucode")


def default_biophysical_table(name: str = "globeland30") -> pd.DataFrame:
    """The bundled table for a named class table (indexed by lucode)."""
    if name not in DEFAULT_TABLES:
        raise EconetError(
            f"no bundled biophysical table for land-cover table '{name}'; give indicators.biophysical_table "
            f"(an InVEST-style CSV with lucode and {', '.join(BIOPHYSICAL_COLUMNS)})"
        )
    return _tidy(pd.read_csv(io.StringIO(DEFAULT_TABLES[name])), f"bundled table {name}")


def read_biophysical_table(path: str | Path) -> pd.DataFrame:
    """Read an InVEST-style CSV (column names case-insensitive), indexed by lucode."""
    try:
        df = pd.read_csv(path)
    except (OSError, pd.errors.ParserError) as exc:
        raise EconetError(f"indicators.biophysical_table: cannot read {path} as CSV ({exc})") from None
    return _tidy(df, f"indicators.biophysical_table ({path})")


def check_columns(table: pd.DataFrame, needed, what: str) -> None:
    """Raise naming every column ``what`` needs that the table lacks."""
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise EconetError(
            f"the biophysical table lacks columns {missing} needed by {what}; add them (one value per lucode)"
        )


def column(table: pd.DataFrame, name: str) -> dict[int, float]:
    """One column as {code: value} (for ``landcover_values``)."""
    return {int(k): float(v) for k, v in table[name].items()}


__all__ = [
    "BIOPHYSICAL_COLUMNS",
    "DEMO_THREATS",
    "Threat",
    "check_columns",
    "column",
    "default_biophysical_table",
    "read_biophysical_table",
]
