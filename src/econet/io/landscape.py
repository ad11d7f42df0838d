"""The Landscape: the template grid plus every input layer aligned to it (docs/methods/grid.md).

Layers are checked up front (readable, georeferenced, overlapping the template) and aligned
lazily on first use, then kept. Categorical layers come back as int32 with ``CLASS_NODATA`` for
missing cells (float-coded classes are rounded); continuous layers as float32 with NaN.
Rasters computed by a stage (indicators such as habitat quality) can be added as derived layers
and are then read by name like an input layer; an input layer of the same name takes precedence.

Layer specifications are any objects with the attributes of ``econet.config.RasterLayer``
(``path``, ``kind``, ``band``, ``nodata``) and ``VectorLayer`` (``path``, ``layer``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pyogrio
import rasterio
from affine import Affine
from rasterio.crs import CRS
from rasterio.warp import calculate_default_transform, transform_bounds

from econet.errors import LayerError, Problem, StudyError
from econet.grid import Grid, align_array
from econet.io.raster import crs_is_projected_metres
from econet.io.vector import read_vector
from econet.landcover import LandCoverClass
from econet.rasterops import nodata_mask, nodata_to_nan

CLASS_NODATA = -1


@dataclass
class Landscape:
    """Template grid, named aligned layers (read lazily), derived layers and the land-cover
    layer's name and class table."""

    grid: Grid
    layers: Mapping[str, Any]
    vectors: Mapping[str, Any]
    landcover_layer: str
    classes: tuple[LandCoverClass, ...]
    derived: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    notes: list[str] = field(default_factory=list, repr=False)  # what econet fixed in the inputs
    _rasters: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _vectors: dict[str, gpd.GeoDataFrame] = field(default_factory=dict, repr=False)

    @property
    def layer_names(self) -> list[str]:
        return list(self.layers)

    def raster(self, name: str) -> np.ndarray:
        """The layer ``name`` on the template grid (aligned on first use, then cached), or the
        derived layer of that name."""
        if name not in self._rasters:
            if name not in self.layers:
                if name in self.derived:
                    return self.derived[name]
                known = sorted(self.layers) + sorted(set(self.derived) - set(self.layers))
                raise LayerError(name, f"no such raster layer; the study has {known}")
            self._rasters[name] = _load_aligned(name, self.layers[name], self.grid)
        return self._rasters[name]

    def vector(self, name: str) -> gpd.GeoDataFrame:
        """The vector layer ``name`` reprojected to the template CRS."""
        if name not in self._vectors:
            spec = self.vectors.get(name)
            if spec is None:
                raise LayerError(name, f"no such vector layer; the study has {sorted(self.vectors)}")
            gdf = read_vector(spec.path, name, layer=spec.layer)
            if gdf.crs is None:
                raise LayerError(name, "has no CRS; define its projection (a .prj file or the GeoPackage's SRS)")
            self._vectors[name] = _repaired(name, gdf, self.notes).to_crs(self.grid.crs)
        return self._vectors[name]

    def landcover(self) -> np.ndarray:
        return self.raster(self.landcover_layer)

    def valid_mask(self) -> np.ndarray:
        """Cells with land cover: everything else is missing data for every stage."""
        return self.landcover() != CLASS_NODATA

    def check_classes(self) -> None:
        """Every land-cover code in the data must be in the class table."""
        codes = np.unique(self.landcover())
        known = {c.code for c in self.classes}
        unknown = [int(c) for c in codes if c != CLASS_NODATA and int(c) not in known]
        if unknown:
            raise LayerError(
                self.landcover_layer,
                f"class codes {unknown} are not in the class table ({sorted(known)}); "
                "add them as [[landcover.classes]] or pick another landcover.table",
            )


def open_landscape(
    layers: Mapping[str, Any],
    vectors: Mapping[str, Any],
    *,
    template: str,
    landcover_layer: str,
    classes: tuple[LandCoverClass, ...],
    target_crs: str | None = None,
    cell_size_m: float | None = None,
) -> Landscape:
    """Check every input layer and build the template grid from the ``template`` layer
    (reprojected to ``target_crs`` and resampled to ``cell_size_m`` when given); no pixel is read
    beyond headers. All problems are reported together (``StudyError``)."""
    problems: list[Problem] = []
    headers = {}
    for name, spec in layers.items():
        try:
            with rasterio.open(spec.path) as src:
                if spec.band > src.count:
                    problems.append(
                        Problem(f"layers.{name}.band", f"file has {src.count} band(s); pick 1..{src.count}")
                    )
                if src.crs is None:
                    problems.append(
                        Problem(
                            f"layers.{name}", f"{spec.path} has no CRS; assign one in QGIS or with gdal_edit.py -a_srs"
                        )
                    )
                headers[name] = (src.crs, src.transform, src.shape, src.bounds)
        except rasterio.errors.RasterioIOError as exc:
            problems.append(Problem(f"layers.{name}.path", f"cannot read {spec.path} as a raster ({exc})"))
    for name, spec in vectors.items():
        try:
            info = pyogrio.read_info(spec.path, layer=spec.layer)
            if info.get("crs") is None:
                problems.append(Problem(f"vectors.{name}", f"{spec.path} has no CRS; define its projection"))
        except Exception as exc:  # pyogrio raises several types for unreadable data
            problems.append(Problem(f"vectors.{name}.path", f"cannot read {spec.path} as a vector layer ({exc})"))
    if problems:
        raise StudyError(problems, "inputs")

    crs, transform, shape, bounds = headers[template]
    grid = _template_grid(template, crs, transform, shape, target_crs, cell_size_m)

    for name, (lcrs, _, _, lbounds) in headers.items():
        if name != template and not _overlaps(lcrs, lbounds, grid):
            problems.append(Problem(f"layers.{name}", "does not overlap the template grid; check its CRS and extent"))
    if problems:
        raise StudyError(problems, "inputs")
    return Landscape(grid, layers, vectors, landcover_layer, tuple(classes))


def _template_grid(name, crs, transform: Affine, shape, target_crs, cell_size_m) -> Grid:
    if target_crs:
        try:
            dst_crs = CRS.from_user_input(target_crs)
        except rasterio.errors.CRSError as exc:
            raise StudyError(
                [Problem("study.target_crs", f'{target_crs!r} is not a CRS PROJ knows ({exc}); give e.g. "EPSG:32650"')]
            ) from None
        if not crs_is_projected_metres(dst_crs):
            raise StudyError(
                [
                    Problem(
                        "study.target_crs",
                        f"{target_crs} is not a projected CRS in metres; choose one (e.g. a UTM zone)",
                    )
                ]
            )
    else:
        if not crs_is_projected_metres(crs):
            raise LayerError(
                name,
                f"is in {crs.to_string()}, not a projected CRS in metres; analysis needs metres. "
                'Set study.target_crs (e.g. "EPSG:32650") to reproject, or reproject the layer',
            )
        dst_crs = crs
    if abs(abs(transform.a) - abs(transform.e)) > 1e-6 * abs(transform.a) and cell_size_m is None:
        raise LayerError(name, "has non-square cells; set study.cell_size_m to resample to square cells")
    src_crs = CRS.from_user_input(crs)
    if dst_crs == src_crs and cell_size_m is None:
        return Grid(src_crs, transform, tuple(shape))
    left, bottom, right, top = rasterio.transform.array_bounds(shape[0], shape[1], transform)
    cell = abs(transform.a)
    if dst_crs != src_crs:
        dt, w, h = calculate_default_transform(src_crs, dst_crs, shape[1], shape[0], left, bottom, right, top)
        left, top, cell = dt.c, dt.f, dt.a
        right, bottom = left + w * cell, top - h * cell
    return Grid.from_bounds(dst_crs, left, bottom, right, top, cell_size_m or cell)


def _overlaps(crs, bounds, grid: Grid) -> bool:
    try:
        b = transform_bounds(crs, grid.crs, *bounds)
    except Exception:
        return False
    g = grid.bounds
    return b[0] < g[2] and b[2] > g[0] and b[1] < g[3] and b[3] > g[1]


def _repaired(name: str, gdf: gpd.GeoDataFrame, notes: list[str]) -> gpd.GeoDataFrame:
    """The layer with invalid geometries (self-intersecting rings, ...) repaired by
    ``make_valid``, as GIS tools do before an overlay; the repair is noted, not silent."""
    geoms = gdf.geometry
    bad = geoms.notna() & ~geoms.is_valid
    if bad.any():
        gdf = gdf.copy()
        gdf.loc[bad, gdf.geometry.name] = geoms[bad].make_valid()
        notes.append(
            f"vectors.{name}: {int(bad.sum())} invalid geometr{'y' if bad.sum() == 1 else 'ies'} "
            "(self-intersections) repaired with make_valid; fix them in the source to silence this"
        )
    return gdf


def inspect_layers(landscape: Landscape, max_cells: int = 25_000_000) -> list[Problem]:
    """Read every input's data, as a run will (rasters decimated beyond ``max_cells`` cells):
    unreadable (corrupt or truncated) tiles, rasters holding only nodata, unreadable vectors;
    then the land cover on the template grid: no data at all, or codes not in the class table.
    Vectors with invalid geometries are repaired and noted (``landscape.notes``)."""
    problems: list[Problem] = []
    for name, spec in landscape.layers.items():
        try:
            with rasterio.open(spec.path) as src:
                step = max(1, int(np.ceil(np.sqrt(src.width * src.height / max_cells))))
                shape = (max(1, src.height // step), max(1, src.width // step))
                data = src.read(spec.band, out_shape=shape) if step > 1 else src.read(spec.band)
                nodata = spec.nodata if spec.nodata is not None else src.nodata
        except (rasterio.errors.RasterioError, OSError) as exc:
            problems.append(
                Problem(
                    f"layers.{name}.path",
                    f"cannot read the pixels of {spec.path} ({exc}); the file is damaged or truncated, "
                    "export or copy it again",
                )
            )
            continue
        missing = nodata_mask(data, nodata)
        if np.issubdtype(data.dtype, np.floating):
            missing |= ~np.isfinite(data)
        if missing.all():
            problems.append(
                Problem(
                    f"layers.{name}",
                    f"every cell of {spec.path} is nodata ({nodata if nodata is not None else 'NaN'}); "
                    f"give the right file, or set layers.{name}.nodata to the value that marks missing cells",
                )
            )
    for name in landscape.vectors:
        try:
            landscape.vector(name)
        except LayerError as exc:
            problems.append(Problem(f"vectors.{name}", str(exc).split(": ", 1)[-1]))
    if problems:
        return problems
    try:
        cover = landscape.landcover()
        if not (cover != CLASS_NODATA).any():
            problems.append(
                Problem(
                    f"layers.{landscape.landcover_layer}",
                    "has no land-cover cell on the template grid (all nodata there); "
                    "check the file, its nodata value and the study.template layer",
                )
            )
        else:
            landscape.check_classes()
    except LayerError as exc:
        problems.append(Problem(f"layers.{exc.layer}", str(exc).split(": ", 1)[-1]))
    return problems


def _load_aligned(name: str, spec, grid: Grid) -> np.ndarray:
    try:
        with rasterio.open(spec.path) as src:
            data = src.read(spec.band)
            crs, transform = src.crs, src.transform
            nodata = spec.nodata if spec.nodata is not None else src.nodata
    except rasterio.errors.RasterioError as exc:
        raise LayerError(name, f"cannot read the pixels of {spec.path} ({exc}); export or copy it again") from None
    if spec.kind == "categorical":
        return _align_categorical(name, data, crs, transform, nodata, grid)
    data = nodata_to_nan(data, nodata, dtype=np.float32)
    out = align_array(data, crs, transform, grid, "continuous", src_nodata=np.nan, dst_nodata=np.nan)
    return out.astype(np.float32, copy=False)


def _align_categorical(name, data, crs, transform, nodata, grid: Grid) -> np.ndarray:
    missing = nodata_mask(data, nodata)
    if np.issubdtype(data.dtype, np.floating):
        missing |= ~np.isfinite(data)
        codes = np.rint(np.where(missing, 0, data))
        if np.any(np.abs(codes - np.where(missing, 0, data)) > 1e-3):
            raise LayerError(
                name, 'is categorical but holds non-integer values; give the class raster, or kind = "continuous"'
            )
        data = np.where(missing, CLASS_NODATA, codes).astype(np.int32)
    else:
        data = data.astype(np.int32)
        data[missing] = CLASS_NODATA
    return align_array(data, crs, transform, grid, "categorical", src_nodata=CLASS_NODATA, dst_nodata=CLASS_NODATA)


def describe(landscape: Landscape) -> dict:
    """A small JSON-able summary of the grid for manifests and reports."""
    g = landscape.grid
    return {
        **g.to_dict(),
        "cell_size_m": g.cell_size_m,
        "area_km2": round(g.area_km2, 3),
        "layers": landscape.layer_names,
        "vectors": list(landscape.vectors),
    }


__all__ = ["CLASS_NODATA", "Landscape", "describe", "inspect_layers", "open_landscape"]
