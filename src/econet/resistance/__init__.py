"""Resistance surfaces: graded factors and their weighted sum (METHODS.md §4)."""

from econet.resistance.factors import grade_by_breaks, landcover_values, slope_deg
from econet.resistance.surface import Resistance, weighted_surface

__all__ = ["Resistance", "grade_by_breaks", "landcover_values", "slope_deg", "weighted_surface"]
