"""The bundled landscapes: a deterministic synthetic mining city (README.md, "The synthetic mining city")."""

from econet.demo.city import LANDCOVER_CODES, LANDCOVER_COLORS, RASTER_INFO, DemoCity, generate_city
from econet.demo.write import city_is_current, write_city

__all__ = [
    "LANDCOVER_CODES",
    "LANDCOVER_COLORS",
    "RASTER_INFO",
    "DemoCity",
    "city_is_current",
    "generate_city",
    "write_city",
]
