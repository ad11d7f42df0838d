"""The bundled landscapes: a deterministic synthetic mining city (README.md, "The synthetic mining city")."""

from econet.demo.city import LANDCOVER_CODES, LANDCOVER_COLORS, RASTER_INFO, DemoCity, generate_city
from econet.demo.series import generate_series
from econet.demo.write import city_is_current, series_section, write_city, write_series

__all__ = [
    "LANDCOVER_CODES",
    "LANDCOVER_COLORS",
    "RASTER_INFO",
    "DemoCity",
    "city_is_current",
    "generate_city",
    "generate_series",
    "series_section",
    "write_city",
    "write_series",
]
