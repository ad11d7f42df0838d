"""Raster files: the one way econet writes a GeoTIFF, and the readers of the drop-in commands."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine
from rasterio.crs import CRS

import econet.io.raster as raster_io
from econet.errors import LayerError
from econet.grid import Grid
from econet.io import read_resistance, read_source_labels, write_raster

CRS_M = CRS.from_epsg(32650)
TRANSFORM = Affine(30.0, 0, 500000.0, 0, -30.0, 4000000.0)


def _tif(path, data, crs=CRS_M, transform=TRANSFORM, nodata=None):
    profile = dict(driver="GTiff", height=data.shape[0], width=data.shape[1], count=1, dtype=data.dtype)
    with rasterio.open(path, "w", crs=crs, transform=transform, nodata=nodata, **profile) as dst:
        dst.write(data, 1)
    return path


def test_written_bytes_do_not_depend_on_the_thread_count(tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    data = np.cumsum(rng.uniform(0, 5, (600, 700)), axis=1).astype(np.float32)
    data[rng.random(data.shape) < 0.01] = np.nan
    grid = Grid(CRS_M, TRANSFORM, data.shape)
    files = []
    for threads in (1, 4, "ALL_CPUS"):
        monkeypatch.setattr(raster_io, "_THREADS", threads)
        files.append(write_raster(tmp_path / f"t{threads}.tif", data, grid, nodata=float("nan")).read_bytes())
    assert files[0] == files[1] == files[2]
    with rasterio.open(tmp_path / "t1.tif") as src:
        assert src.profile["tiled"] and src.block_shapes == [(256, 256)]
        assert src.compression.value == "DEFLATE" and src.tags(ns="IMAGE_STRUCTURE").get("PREDICTOR") == "3"
        np.testing.assert_array_equal(src.read(1), data)


def test_read_resistance_turns_nodata_into_nan_and_keeps_float32(tmp_path):
    data = np.array([[1.0, -9999.0], [3.0, 4.0]], dtype=np.float32)
    res, grid = read_resistance(_tif(tmp_path / "r.tif", data, nodata=-9999.0))
    assert res.dtype == np.float32 and np.isnan(res[0, 1]) and res[1, 1] == 4.0
    assert grid.shape == (2, 2) and grid.cell_size_m == 30.0 and grid.crs == CRS_M
    ints, _ = read_resistance(_tif(tmp_path / "i.tif", np.array([[1, 0]], dtype=np.int16), nodata=0))
    assert ints.dtype == np.float64 and ints[0, 0] == 1.0 and np.isnan(ints[0, 1])


def test_read_resistance_refuses_degrees_and_oblong_cells(tmp_path):
    data = np.ones((3, 3), np.float32)
    with pytest.raises(LayerError, match=r"layer 'geo.tif': needs a projected CRS in metres .* reproject"):
        read_resistance(_tif(tmp_path / "geo.tif", data, crs=CRS.from_epsg(4326)))
    with pytest.raises(LayerError, match=r"layer 'oblong.tif': cells must be square and north-up \(got 30.0 x -20.0\)"):
        read_resistance(_tif(tmp_path / "oblong.tif", data, transform=Affine(30.0, 0, 0, 0, -20.0, 0)))
    with pytest.raises(LayerError, match=r"layer 'missing.tif': cannot read raster"):
        read_resistance(tmp_path / "missing.tif")


GRID = Grid(CRS_M, TRANSFORM, (4, 5))


def test_label_raster_nodata_and_negative_cells_are_not_sources(tmp_path):
    data = np.array([[0, 2, 2, -1, 9], [0, 0, 0, 0, 0], [7, 0, 0, 0, 9], [0, 0, 0, 0, 0]], dtype=np.int32)
    labels = read_source_labels(_tif(tmp_path / "s.tif", data, nodata=9), GRID)
    assert labels.dtype == np.int32
    assert labels.tolist() == [[0, 2, 2, 0, 0], [0, 0, 0, 0, 0], [7, 0, 0, 0, 0], [0, 0, 0, 0, 0]]
    floats = data.astype(np.float32)
    floats[3, 3] = np.nan
    assert read_source_labels(_tif(tmp_path / "f.tif", floats, nodata=9), GRID).tolist() == labels.tolist()


def test_label_raster_errors_name_the_layer(tmp_path):
    half = np.full((4, 5), 1.5, np.float32)
    with pytest.raises(LayerError, match="layer 'half.tif': must hold whole-number source ids"):
        read_source_labels(_tif(tmp_path / "half.tif", half), GRID)
    with pytest.raises(LayerError, match="layer 'other.tif': is not on the resistance grid .* align it"):
        read_source_labels(_tif(tmp_path / "other.tif", np.ones((4, 4), np.int32)), GRID)
    with pytest.raises(LayerError, match="layer 'none.tif': holds no source cells"):
        read_source_labels(_tif(tmp_path / "none.tif", np.zeros((4, 5), np.int32)), GRID)
    with pytest.raises(LayerError, match="layer 'big.tif': source ids must fit in 32 bits"):
        read_source_labels(_tif(tmp_path / "big.tif", np.full((4, 5), 2**31, np.int64)), GRID)


def test_vector_sources_take_ids_from_a_field_or_file_order(tmp_path):
    x0, y0 = TRANSFORM.c, TRANSFORM.f
    cells = [shapely.Point(x0 + 15, y0 - 15), shapely.Point(x0 + 135, y0 - 105)]  # cells (0, 0) and (3, 4)
    gdf = gpd.GeoDataFrame({"core": [40, 12], "name": ["a", "b"]}, geometry=cells, crs=CRS_M).to_crs(4326)
    path = tmp_path / "cores.gpkg"
    gdf.to_file(path)
    by_field = read_source_labels(path, GRID, id_field="core")
    assert by_field[0, 0] == 40 and by_field[3, 4] == 12 and (by_field > 0).sum() == 2
    by_order = read_source_labels(path, GRID)
    assert by_order[0, 0] == 1 and by_order[3, 4] == 2
    with pytest.raises(LayerError, match=r"layer 'cores.gpkg': has no field 'id' \(fields: \['core', 'name'\]\)"):
        read_source_labels(path, GRID, id_field="id")
    with pytest.raises(LayerError, match="field 'name' must hold positive whole numbers"):
        read_source_labels(path, GRID, id_field="name")


def test_written_row_by_row_of_tiles_from_windows_with_the_same_bytes(tmp_path):
    from econet.windows import blocks_of

    rng = np.random.default_rng(2)
    data = np.cumsum(rng.uniform(0, 5, (700, 530)), axis=1).astype(np.float32)
    grid = Grid(CRS_M, TRANSFORM, data.shape)
    # the file GDAL writes from the whole array in one call
    profile = dict(raster_io._PROFILE, height=700, width=530, count=1, dtype=data.dtype, crs=CRS_M)
    profile.update(transform=TRANSFORM, nodata=float("nan"), predictor=3)
    with rasterio.Env(GDAL_PAM_ENABLED="NO"), rasterio.open(tmp_path / "ref.tif", "w", **profile) as dst:
        dst.write(data, 1)
    ref = (tmp_path / "ref.tif").read_bytes()
    assert write_raster(tmp_path / "a.tif", data, grid, nodata=float("nan")).read_bytes() == ref
    for size in (64, 100, 300, 256, None):
        out = write_raster(tmp_path / f"w{size}.tif", blocks_of(data, size), grid, nodata=float("nan"), dtype="float32")
        assert out.read_bytes() == ref, size
    with pytest.raises(ValueError, match="dtype"):
        write_raster(tmp_path / "x.tif", blocks_of(data, 64), grid)
