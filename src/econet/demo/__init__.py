"""The bundled landscapes: a deterministic synthetic mining city (README.md, "The synthetic mining city")
and a synthetic province for studies at provincial scale (econet.demo.province)."""

from econet.demo.city import LANDCOVER_CODES, LANDCOVER_COLORS, RASTER_INFO, DemoCity, generate_city
from econet.demo.province import Province, plan_province
from econet.demo.series import generate_series
from econet.demo.write import city_is_current, series_section, write_city, write_province, write_series

__all__ = [
    "LANDCOVER_CODES",
    "LANDCOVER_COLORS",
    "RASTER_INFO",
    "DemoCity",
    "Province",
    "city_is_current",
    "generate_city",
    "generate_series",
    "plan_province",
    "series_section",
    "write_city",
    "write_province",
    "write_series",
]
