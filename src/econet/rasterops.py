"""Array helpers every stage shares: scaling, weighted overlay, nodata, rasterising, union-find.

The ground level of econet: pure functions over NumPy arrays (and shapely geometries), no file
I/O, no study configuration. Each concept is written once here and used everywhere.
"""

from __future__ import annotations

# ---- scaling and weighted overlay -------------------------------------------------------------


# ---- nodata and rasterising -------------------------------------------------------------------


# ---- union-find -------------------------------------------------------------------------------


__all__: list[str] = []
