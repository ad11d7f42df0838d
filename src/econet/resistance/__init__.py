"""Resistance surfaces: graded factors, weights and their combination (docs/methods/resistance.md).

Names are imported lazily (PEP 562), so that the study schema can use the light modules
(weights) without loading the raster and vector machinery.
"""

from __future__ import annotations

import importlib

_WHERE = {
    "build_resistance": "build",
    "apply_correction": "corrections",
    "line_density_km_km2": "density",
    "line_length_m": "density",
    "burn": "distance",
    "distance_to_features_m": "distance",
    "distance_to_mask_m": "distance",
    "class_breaks": "factors",
    "energy_factors": "mcr",
    "modified_mcr": "mcr",
    "index_r": "mcr",
    "SEED001_MINE_BANDS": "mines",
    "mine_resistance": "mines",
    "Resistance": "surface",
    "ahp": "weights",
    "ahp_checked": "weights",
    "entropy_weights": "weights",
    "pca_weights": "weights",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(f"econet.resistance.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'econet.resistance' has no attribute {name!r}")


def __dir__():
    return __all__
