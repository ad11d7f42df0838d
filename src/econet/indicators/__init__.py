"""Ecological indicators and services (docs/methods/indicators.md): spectral indices, RSEI, carbon, the
InVEST-equivalent models, eco-elasticity, ecological sensitivity and per-source zonal means."""

from econet.indicators.carbon import carbon_sink, carbon_storage
from econet.indicators.compute import (
    Indicators,
    IndicatorSummaries,
    compute_indicators,
    summarise_indicators,
)
from econet.indicators.elasticity import eco_elasticity, shannon_diversity
from econet.indicators.habitat_quality import ThreatSpec, habitat_quality, threat_decay
from econet.indicators.rsei import RSEIResult, rsei
from econet.indicators.sediment import sediment_retention
from econet.indicators.sensitivity import ecological_sensitivity, vegetation_cover
from econet.indicators.spectral import lst, mndwi, ndbsi, ndvi, wetness
from econet.indicators.water_conservation import water_conservation
from econet.indicators.water_yield import water_yield
from econet.zonal import zonal_mean, zonal_sum

__all__ = [
    "IndicatorSummaries",
    "Indicators",
    "compute_indicators",
    "summarise_indicators",
    "RSEIResult",
    "ThreatSpec",
    "carbon_sink",
    "carbon_storage",
    "eco_elasticity",
    "ecological_sensitivity",
    "habitat_quality",
    "lst",
    "mndwi",
    "ndbsi",
    "ndvi",
    "rsei",
    "sediment_retention",
    "shannon_diversity",
    "threat_decay",
    "vegetation_cover",
    "water_conservation",
    "water_yield",
    "wetness",
    "zonal_mean",
    "zonal_sum",
]
