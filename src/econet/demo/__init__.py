"""The bundled landscapes: a deterministic synthetic mining city (README.md, "The synthetic mining city")
and a synthetic province for studies at provincial scale (econet.demo.province)."""

from econet.demo.city import LANDCOVER_CODES, LANDCOVER_COLORS, RASTER_INFO, DemoCity, generate_city
from econet.demo.province import Province, plan_province
from econet.demo.write import write_city, write_province

__all__ = [
    "LANDCOVER_CODES",
    "LANDCOVER_COLORS",
    "RASTER_INFO",
    "DemoCity",
    "Province",
    "generate_city",
    "plan_province",
    "write_city",
    "write_province",
]
