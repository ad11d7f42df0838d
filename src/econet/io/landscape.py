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
from rasterio.windows import Window as RioWindow

from econet.errors import LayerError, Problem, StudyError
from econet.grid import Grid, align_array
from econet.io.raster import crs_is_projected_metres
from econet.io.vector import read_vector
from econet.landcover import LandCoverClass
from econet.rasterops import nodata_mask, nodata_to_nan
from econet.windows import Window, windows

_CHECK_WINDOW = 2048  # cells a side of the windows the coverage check reads

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
    area: str | None = None  # vector layer of the study area (polygons)
    buffer_m: float = 0.0
    derived: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    notes: list[str] = field(default_factory=list, repr=False)  # what econet fixed in the inputs
    _rasters: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _vectors: dict[str, gpd.GeoDataFrame] = field(default_factory=dict, repr=False)
    _masks: dict[float, np.ndarray] = field(default_factory=dict, repr=False)

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
            data = _load_aligned(name, self.layers[name], self.grid)
            if name == self.landcover_layer and self.area is not None:
                # beyond the study area and its buffer nothing takes part: no land cover there
                data[~self._inside(self.buffer_m)] = CLASS_NODATA
            self._rasters[name] = data
        return self._rasters[name]

    def read(self, name: str, window: Window) -> np.ndarray:
        """The layer ``name`` on a window of the template grid. An input layer already on the grid
        that is not held in memory is read from its file, only that window; any other layer is
        aligned whole (:meth:`raster`) and sliced (warping a window alone could round otherwise)."""
        spec = self.layers.get(name)
        if name not in self._rasters and spec is not None and name != self.landcover_layer:
            with rasterio.open(spec.path) as src:
                on_grid = self.grid.same_as(src.crs or CRS.from_user_input(spec.crs), src.transform, src.shape)
            if on_grid:
                return _load_aligned(name, spec, self.grid, window)
        return self.raster(name)[window.slices]

    def _inside(self, buffer_m: float) -> np.ndarray:
        """Cells whose centre is inside the study area grown by ``buffer_m`` metres."""
        if buffer_m not in self._masks:
            from econet.rasterops import rasterize

            polygons = self.vector(self.area).geometry
            polygons = polygons[polygons.geom_type.isin(["Polygon", "MultiPolygon"])]
            if len(polygons) == 0:
                raise LayerError(self.area, "is the study area (study.area) but holds no polygon")
            shape = polygons.union_all()
            if buffer_m > 0:
                shape = shape.buffer(buffer_m)
            self._masks[buffer_m] = rasterize([(shape, 1)], self.grid).astype(bool)
        return self._masks[buffer_m]

    def area_mask(self) -> np.ndarray | None:
        """Cells inside the study area (``study.area``), or None when the study has none."""
        return None if self.area is None else self._inside(0.0)

    def habitat_mask(self) -> np.ndarray:
        """Cells that may be habitat: cells with land cover inside the study area (the buffer
        around it carries corridors but holds no source)."""
        inside = self.area_mask()
        return self.valid_mask() if inside is None else self.valid_mask() & inside

    def study_area_km2(self) -> float:
        """The study area A_L: the cells with land cover inside ``study.area`` (all cells with
        land cover without one), in km²."""
        return float(np.count_nonzero(self.habitat_mask())) * self.grid.cell_area_m2 / 1e6

    def vector(self, name: str) -> gpd.GeoDataFrame:
        """The vector layer ``name`` reprojected to the template CRS."""
        if name not in self._vectors:
            spec = self.vectors.get(name)
            if spec is None:
                raise LayerError(name, f"no such vector layer; the study has {sorted(self.vectors)}")
            gdf = read_vector(spec.path, name, layer=spec.layer)
            if gdf.crs is None and getattr(spec, "crs", None):
                gdf = gdf.set_crs(CRS.from_user_input(spec.crs).to_wkt())
            if gdf.crs is None:
                raise LayerError(name, "has no CRS; define its projection (a .prj file or the GeoPackage's SRS)")
            self._vectors[name] = _repaired(name, gdf, self.notes).to_crs(self.grid.crs)
        return self._vectors[name]

    def landcover(self) -> np.ndarray:
        return self.raster(self.landcover_layer)

    def valid_mask(self) -> np.ndarray:
        """Cells with land cover: everything else is missing data for every stage."""
        return self.landcover() != CLASS_NODATA

    def uncovered(self, name: str) -> int:
        """Cells of the study area (cells with land cover) where layer ``name`` has no value."""
        valid, n = self.valid_mask(), 0
        # Window by window: a layer on the grid is then read from its file a strip at a time,
        # not held whole for the rest of the run.
        for window in windows(self.grid.shape, _CHECK_WINDOW):
            values = self.read(name, window)
            missing = values == CLASS_NODATA if np.issubdtype(values.dtype, np.integer) else ~np.isfinite(values)
            n += int(np.count_nonzero(missing & valid[window.slices]))
        return n

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
    area: str | None = None,
    buffer_m: float = 0.0,
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
                crs, problem = _layer_crs(f"layers.{name}", spec, src.crs)
                if problem is not None:
                    problems.append(problem)
                headers[name] = (crs, src.transform, src.shape, src.bounds)
        except rasterio.errors.RasterioIOError as exc:
            problems.append(Problem(f"layers.{name}.path", f"cannot read {spec.path} as a raster ({exc})"))
    for name, spec in vectors.items():
        try:
            info = pyogrio.read_info(spec.path, layer=spec.layer)
            _, problem = _layer_crs(f"vectors.{name}", spec, info.get("crs"))
            if problem is not None:
                problems.append(problem)
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
    return Landscape(grid, layers, vectors, landcover_layer, tuple(classes), area, buffer_m)


def _layer_crs(key: str, spec, file_crs) -> tuple[CRS | None, Problem | None]:
    """The CRS of an input: the file's, or the study's ``crs`` key for a file without one."""
    given = getattr(spec, "crs", None)
    if given is None:
        if file_crs is None:
            return None, Problem(
                key, f'{spec.path} has no CRS; give it with {key}.crs (e.g. "EPSG:32650") or assign one in the file'
            )
        return CRS.from_user_input(file_crs), None
    try:
        crs = CRS.from_user_input(given)
    except rasterio.errors.CRSError as exc:
        return None, Problem(f"{key}.crs", f'is not a CRS rasterio can read ({exc}); give e.g. "EPSG:32650" or a WKT')
    if file_crs is not None and CRS.from_user_input(file_crs) != crs:
        return None, Problem(
            f"{key}.crs",
            f"the file already has a CRS ({CRS.from_user_input(file_crs).to_string()[:60]}); crs only assigns a CRS "
            "to a file without one: remove the key, or reproject the file",
        )
    return crs, None


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
            if not crs.is_projected and not crs.is_geographic:  # a local grid in feet, say
                raise LayerError(
                    name,
                    f"is in a local CRS that is not in metres ({crs.to_string()[:80]}); a local CRS cannot be "
                    "reprojected: scale its coordinates to metres (a local CRS in metres is accepted as it is)",
                )
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
    try:  # the same CRS (a local one has no transformation, not even to itself)
        b = bounds if CRS.from_user_input(crs) == grid.crs else transform_bounds(crs, grid.crs, *bounds)
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


def _load_aligned(name: str, spec, grid: Grid, window: Window | None = None) -> np.ndarray:
    """The layer aligned to ``grid``; with ``window``, the window of a layer already on the grid
    (its cells need no resampling: nodata and class codes are converted cell by cell)."""
    try:
        with rasterio.open(spec.path) as src:
            data = src.read(
                spec.band,
                window=None if window is None else RioWindow(window.col, window.row, window.width, window.height),
            )
            crs, transform = src.crs or CRS.from_user_input(spec.crs), src.transform
            nodata = spec.nodata if spec.nodata is not None else src.nodata
    except rasterio.errors.RasterioError as exc:
        raise LayerError(name, f"cannot read the pixels of {spec.path} ({exc}); export or copy it again") from None
    if window is not None:  # on the grid: the window's own grid, which align_array copies as it is
        grid = Grid(grid.crs, grid.transform @ Affine.translation(window.col, window.row), window.shape)
        transform = grid.transform
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
