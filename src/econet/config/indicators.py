"""``[indicators]``: raster indicators and ecosystem services (docs/methods/indicators.md).

The rasters computed here are available to the rest of the study by name: a source rule, a
resistance factor or correction, or ``sources.mean_of`` may name ``habitat_quality``, ``rsei``,
``soil_loss``... as if it were a layer (an input layer of the same name takes precedence).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from econet.config.base import PositiveFloat, Ref, Section, resolve_path
from econet.errors import Problem

INDICATOR_MODELS = (
    "spectral",
    "rsei",
    "carbon_sink",
    "habitat_quality",
    "carbon_storage",
    "water_yield",
    "water_conservation",
    "sediment",
    "elasticity",
    "sensitivity",
)


class ThreatEntry(Section):
    """A habitat-quality threat (InVEST threats table): a 0/1 raster layer and its reach."""

    layer: str
    max_distance_m: PositiveFloat
    weight: Annotated[float, Field(ge=0)] = 1.0
    decay: Literal["linear", "exponential"] = "linear"


class IndicatorsSection(Section):
    """Ecological indicators and services, computed only when ``[indicators]`` is given.
    ``models`` picks which; layers are named by the keys ending in ``_layer``."""

    models: list[Literal[INDICATOR_MODELS]] = ["spectral", "rsei", "carbon_sink"]
    backend: Literal["econet", "invest"] = "econet"  # "invest" runs natcap.invest (optional extra)
    biophysical_table: str | None = None  # InVEST-style CSV; default: bundled GlobeLand30 table
    # Spectral bands (surface reflectance) and the sensor that picks the wetness coefficients.
    sensor: Literal["landsat5", "landsat7", "landsat8"] = "landsat8"
    bands: dict[Literal["blue", "green", "red", "nir", "swir1", "swir2"], str] = {
        "blue": "blue",
        "green": "green",
        "red": "red",
        "nir": "nir",
        "swir1": "swir1",
        "swir2": "swir2",
    }
    # reflectance = value x scale + offset, per band (default 1 and 0); bands are checked to look
    # like reflectance (Landsat C2 L2: scale 0.0000275, offset -0.2; Sentinel-2 L2A: scale 0.0001)
    band_scale: dict[Literal["blue", "green", "red", "nir", "swir1", "swir2"], float] = {}
    band_offset: dict[Literal["blue", "green", "red", "nir", "swir1", "swir2"], float] = {}
    lst_layer: str | None = None  # an LST raster, or the thermal band (see lst_kind)
    # celsius / kelvin: a given LST raster; brightness_k / radiance: the thermal band, corrected
    # with an emissivity from NDVI (Sobrino's thresholds) and the sensor's constants.
    lst_kind: Literal["celsius", "kelvin", "brightness_k", "radiance"] = "celsius"
    rsei_without_lst: bool = False  # three-indicator RSEI when no LST exists
    rsei_mask_water: bool = True  # leave out water (MNDWI > 0), as Xu 2013
    rsei_sample_cells: int = Field(1_000_000, ge=100)
    # Habitat quality.
    threats: dict[str, ThreatEntry] = {}
    half_saturation: PositiveFloat = 0.5
    # Water yield and conservation.
    precipitation_layer: str = "precipitation_mm"
    et0_layer: str = "pet_mm"
    restricting_depth_layer: str = "root_depth_mm"
    pawc_layer: str = "pawc"
    seasonality_z: Annotated[float, Field(ge=1, le=30)] = 5.0
    # Sediment (InVEST SDR).
    dem_layer: str = "dem"
    erosivity_layer: str = "erosivity"
    erodibility_layer: str = "erodibility"
    threshold_flow_accumulation: int = Field(1000, ge=1)
    sdr_k: PositiveFloat = 2.0
    sdr_ic0: float = 0.5
    sdr_max: Annotated[float, Field(gt=0, le=1)] = 0.8
    sdr_l_max: PositiveFloat = 122.0
    # Eco-elasticity and ecological sensitivity (Tong et al. 2025).
    diversity_window_m: PositiveFloat = 990.0
    sensitivity_weights: dict[Literal["dem", "slope", "vegetation", "erosion", "landcover"], float] = {
        "dem": 0.15,
        "slope": 0.2,
        "vegetation": 0.2,
        "erosion": 0.2,
        "landcover": 0.25,
    }

    moved = {
        "corridor_width_m": "is gone: per-corridor summaries use the corridor width tiers "
        "(corridors.regional_width_m, subregional_width_m, local_width_m); remove it"
    }

    def layer_keys(self) -> dict[str, str]:
        """The layers the chosen models read: key (as in this section) -> layer name."""
        m = set(self.models)
        keys: dict[str, str] = {}
        if m & {"spectral", "rsei"}:
            keys.update({f"bands.{b}": name for b, name in self.bands.items()})
        elif "sensitivity" in m:  # vegetation cover needs NDVI only
            keys.update({f"bands.{b}": self.bands[b] for b in ("nir", "red")})
        if "rsei" in m and self.lst_layer and not self.rsei_without_lst:
            keys["lst_layer"] = self.lst_layer
        if "habitat_quality" in m:
            keys.update({f"threats.{n}.layer": t.layer for n, t in self.threats.items()})
        if m & {"water_yield", "water_conservation"}:
            for k in ("precipitation_layer", "et0_layer", "restricting_depth_layer", "pawc_layer"):
                keys[k] = getattr(self, k)
        if m & {"sediment", "sensitivity"}:
            for k in ("dem_layer", "erosivity_layer", "erodibility_layer"):
                keys[k] = getattr(self, k)
        return keys

    def products(self) -> list[str]:
        """Names of the rasters the chosen models compute, in the order they are computed."""
        m = set(self.models)
        out = []
        if m & {"spectral", "rsei", "sensitivity"}:
            out.append("ndvi")
        if m & {"spectral", "rsei"}:
            out += ["mndwi", "wet", "ndbsi"]
        if "rsei" in m and self.lst_layer and not self.rsei_without_lst:
            out.append("lst")
        if "rsei" in m:
            out.append("rsei")
        if "carbon_sink" in m:
            out.append("carbon_sink")
        if "habitat_quality" in m:
            out += ["habitat_quality", "habitat_degradation"]
        if "carbon_storage" in m:
            out.append("carbon_storage")
        if m & {"water_yield", "water_conservation"}:
            out.append("water_yield")
        if "water_conservation" in m:
            out.append("water_conservation")
        if m & {"sediment", "sensitivity"}:
            out += ["sediment_retention", "soil_loss", "sdr"]
        if "elasticity" in m:
            out.append("eco_elasticity")
        if "sensitivity" in m:
            out.append("ecological_sensitivity")
        return out

    def refs(self, at: str) -> list[Ref]:
        out = [Ref(f"{at}.{key}", "layer", name) for key, name in self.layer_keys().items()]
        if self.biophysical_table:
            out.append(Ref(f"{at}.biophysical_table", "file", self.biophysical_table))
        return out

    @field_validator("biophysical_table")
    @classmethod
    def _table_exists(cls, v, info: ValidationInfo):
        return None if v is None else resolve_path(v, info)

    @model_validator(mode="after")
    def _consistent(self):
        if "habitat_quality" in self.models and not self.threats:
            raise ValueError(
                "habitat_quality needs [indicators.threats.<name>] entries (layer, max_distance_m, weight, decay)"
            )
        total = sum(self.sensitivity_weights.values())
        if "sensitivity" in self.models and abs(total - 1.0) > 1e-6:
            raise ValueError(f"sensitivity_weights must sum to 1, they sum to {total:.6g}; rescale them")
        return self

    def problems(self, at: str) -> list[Problem]:
        if "rsei" in self.models and self.lst_layer is None and not self.rsei_without_lst:
            return [
                Problem(
                    f"{at}.lst_layer",
                    "RSEI needs land surface temperature: name an LST or thermal layer, or set rsei_without_lst = "
                    "true for a three-indicator RSEI (NDVI, WET, NDBSI)",
                )
            ]
        return []


__all__ = ["INDICATOR_MODELS", "IndicatorsSection", "ThreatEntry"]
