"""Loading inputs into one aligned Landscape: real data on two grids, odd nodata, CRS rules."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio

from econet.config import load_study, parse_study
from econet.errors import LayerError, StudyError
from econet.io.landscape import CLASS_NODATA
from econet.pipeline import landscape_of
from tests.conftest import RALEIGH
from tests.landscapes.build import write_tif


def test_raleigh_two_grids_into_one(raleigh_study):
    L = landscape_of(load_study(raleigh_study))
    g = L.grid
    assert g.shape == (443, 489) and g.cell_size_m == 28.5 and g.crs.to_epsg() == 3358
    lc = L.landcover()
    assert lc.dtype == np.int32 and lc.shape == g.shape
    # float32 codes with nodata -99999 become integer classes with CLASS_NODATA
    with rasterio.open(RALEIGH / "landclass96.tif") as src:
        raw = src.read(1)
    assert np.array_equal(lc[raw != -99999], raw[raw != -99999].astype(np.int32))
    assert (lc[raw == -99999] == CLASS_NODATA).all()
    assert set(np.unique(lc)) <= {CLASS_NODATA, 1, 2, 3, 4, 5, 6, 7}
    dem = L.raster("dem")
    assert dem.dtype == np.float32 and dem.shape == g.shape
    assert not np.isnan(dem).any()  # the DEM covers the land-cover extent
    assert 55 < np.nanmin(dem) and np.nanmax(dem) < 157
    # Spot check bilinear alignment: the DEM at a land-cover cell centre equals the
    # bilinear interpolation of the source DEM at the same coordinates (EPSG:3358 and
    # 32119 are the same plane coordinates, up to the HARN datum shift of < 1 m).
    with rasterio.open(RALEIGH / "elev_ned_30m.tif") as src:
        z = src.read(1).astype(float)
        inv = ~src.transform
    x, y = g.xy(200, 300)
    col, row = inv @ (float(x), float(y))
    c0, r0 = int(np.floor(col - 0.5)), int(np.floor(row - 0.5))
    fx, fy = col - 0.5 - c0, row - 0.5 - r0
    expected = (
        z[r0, c0] * (1 - fx) * (1 - fy)
        + z[r0, c0 + 1] * fx * (1 - fy)
        + z[r0 + 1, c0] * (1 - fx) * fy
        + z[r0 + 1, c0 + 1] * fx * fy
    )
    assert abs(dem[200, 300] - expected) < 0.5
    L.check_classes()


def _study(lc_path, extra=None, **meta):
    doc = {
        "study": meta,
        "layers": {"landcover": {"path": lc_path, "kind": "categorical"}},
        "landcover": {"table": "globeland30"},
        "resistance": {"weights": {"landcover": 1.0}},
    }
    if extra:
        doc["layers"].update(extra)
    return parse_study(doc)


def test_geographic_crs_rejected_unless_target_crs(tmp_path):
    data = np.full((20, 20), 20, dtype=np.uint8)
    p = write_tif(tmp_path / "lc.tif", data, "EPSG:4326", cell=0.001, origin=(117.2, 34.3))
    with pytest.raises(LayerError) as info:
        landscape_of(_study(p))
    assert "landcover" in str(info.value) and "target_crs" in str(info.value)
    L = landscape_of(_study(p, target_crs="EPSG:4548"))
    assert L.grid.crs.to_epsg() == 4548
    assert 80 < L.grid.cell_size_m < 120  # 0.001 degree is about 92 m east-west, 111 m north-south
    lc = L.landcover()
    assert set(np.unique(lc)) <= {20, CLASS_NODATA} and (lc == 20).mean() > 0.5


def test_target_crs_must_be_metric(tmp_path):
    p = write_tif(tmp_path / "lc.tif", np.full((5, 5), 20, np.uint8), "EPSG:4548", cell=30, origin=(5e5, 3.8e6))
    with pytest.raises(StudyError) as info:
        landscape_of(_study(p, target_crs="EPSG:4326"))
    assert info.value.problems[0].where == "study.target_crs"


def test_cell_size_resamples_template(tmp_path):
    data = np.kron(np.array([[20, 10], [60, 80]], np.uint8), np.ones((4, 4), np.uint8))
    p = write_tif(tmp_path / "lc.tif", data, "EPSG:4548", cell=30, origin=(5e5, 3.8e6))
    L = landscape_of(_study(p, cell_size_m=60))
    assert L.grid.shape == (4, 4) and L.grid.cell_size_m == 60
    assert np.array_equal(L.landcover(), np.kron(np.array([[20, 10], [60, 80]]), np.ones((2, 2), int)))


def test_float_codes_and_custom_nodata(tmp_path):
    data = np.array([[20.0, 60.0], [-3.4e38, 10.0]], dtype=np.float32)
    p = write_tif(tmp_path / "lc.tif", data, "EPSG:4548", cell=30, origin=(5e5, 3.8e6), nodata=-3.4e38)
    L = landscape_of(_study(p))
    assert L.landcover().tolist() == [[20, 60], [CLASS_NODATA, 10]]


def test_non_integer_classes_rejected(tmp_path):
    data = np.array([[20.4, 60.0], [30.0, 10.0]], dtype=np.float32)
    p = write_tif(tmp_path / "lc.tif", data, "EPSG:4548", cell=30, origin=(5e5, 3.8e6))
    with pytest.raises(LayerError, match="non-integer"):
        landscape_of(_study(p)).landcover()


def test_unknown_codes_named(tmp_path):
    data = np.array([[20, 61], [30, 10]], dtype=np.uint8)
    p = write_tif(tmp_path / "lc.tif", data, "EPSG:4548", cell=30, origin=(5e5, 3.8e6))
    with pytest.raises(LayerError, match=r"\[61\]"):
        landscape_of(_study(p)).check_classes()


def test_non_overlapping_layer_reported(tmp_path):
    lc = write_tif(tmp_path / "lc.tif", np.full((5, 5), 20, np.uint8), "EPSG:4548", cell=30, origin=(5e5, 3.8e6))
    far = write_tif(tmp_path / "far.tif", np.ones((5, 5), np.float32), "EPSG:4548", cell=30, origin=(9e5, 3.8e6))
    with pytest.raises(StudyError) as info:
        landscape_of(_study(lc, extra={"dem": {"path": far}}))
    assert [p.where for p in info.value.problems] == ["layers.dem"]


def test_vectors_reprojected_to_template(tmp_path):
    import geopandas as gpd
    import shapely

    lc = write_tif(tmp_path / "lc.tif", np.full((50, 50), 20, np.uint8), "EPSG:4548", cell=30, origin=(5e5, 3.8e6))
    # A point given in degrees (EPSG:4326) at the grid's centre, 117E on the central meridian.
    pt = gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.Point(5e5 + 750, 3.8e6 - 750)], crs=4548).to_crs(4326)
    pt.to_file(tmp_path / "pts.gpkg", layer="pts")
    study = parse_study(
        {
            "layers": {"landcover": {"path": lc, "kind": "categorical"}},
            "landcover": {"table": "globeland30"},
            "vectors": {"pts": {"path": str(tmp_path / "pts.gpkg"), "layer": "pts"}},
            "resistance": {"weights": {"landcover": 1.0}},
        }
    )
    got = landscape_of(study).vector("pts")
    assert got.crs.to_epsg() == 4548
    assert abs(got.geometry.x[0] - (5e5 + 750)) < 1e-3 and abs(got.geometry.y[0] - (3.8e6 - 750)) < 1e-3


def test_windows_of_layers_read_from_their_files(tmp_path, raleigh_study):
    from econet.windows import Window, windows

    rng = np.random.default_rng(0)
    at = {"cell": 30, "origin": (5e5, 3.8e6)}
    lc = write_tif(tmp_path / "lc.tif", rng.choice([10, 20, 60], (37, 29)).astype(np.uint8), "EPSG:4548", **at)
    heat = rng.normal(20, 5, (37, 29)).astype(np.float32)
    heat[4, 5] = -9999  # nodata becomes NaN
    zones = np.rint(rng.uniform(0, 4, (37, 29))).astype(np.float32)
    zones[6, 7] = np.nan
    extra = {
        "heat": {"path": write_tif(tmp_path / "heat.tif", heat, "EPSG:4548", nodata=-9999, **at), "kind": "continuous"},
        "zones": {"path": write_tif(tmp_path / "zones.tif", zones, "EPSG:4548", **at), "kind": "categorical"},
    }
    fresh = landscape_of(_study(lc, extra=extra))
    whole = landscape_of(_study(lc, extra=extra))
    for name in ("heat", "zones"):
        for w in windows((37, 29), 8):
            block = fresh.read(name, w)
            assert block.dtype == whole.raster(name).dtype
            assert np.array_equal(block, whole.raster(name)[w.slices], equal_nan=True)
        assert name not in fresh._rasters  # read window by window: never held whole
    assert np.isnan(fresh.read("heat", Window(4, 5, 1, 1))[0, 0])
    assert fresh.read("zones", Window(6, 7, 1, 1))[0, 0] == CLASS_NODATA
    # a layer resampled to the grid is aligned whole once, then sliced
    L = landscape_of(load_study(raleigh_study))
    w = Window(100, 200, 50, 60)
    assert np.array_equal(L.read("dem", w), L.raster("dem")[w.slices])
