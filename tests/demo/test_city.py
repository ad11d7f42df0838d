"""The synthetic mining city: determinism, layers, land-cover targets and the sources it yields."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import rasterio
from rasterio.crs import CRS
from rasterio.transform import rowcol
from scipy import ndimage as ndi

from econet.demo import LANDCOVER_CODES, DemoCity, generate_city, write_city
from econet.demo.city import RASTER_INFO, VECTOR_LAYERS

SIZE = 400  # 12 km at 30 m: small enough to be quick, big enough to hold every feature
HABITAT = (20, 30, 40, 50, 60)


@pytest.fixture(scope="module")
def city() -> DemoCity:
    return generate_city(size=SIZE, seed=0)


@pytest.fixture(scope="module")
def written(city, tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return out, write_city(city, out)


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sources(lc: np.ndarray, cell_area_m2: float) -> dict[str, int]:
    """MSPA (8-connectivity, edge 1) Core patches of at least 1 km2, counted by dominant cover."""
    from pyguidos._mspa import _mspa

    arr = np.where(np.isin(lc, HABITAT), 2, 1).astype(np.uint8)
    out, _ = _mspa.mspa(arr, 1.0, 8, 1, 1)
    out[out == 2] = 0
    labels, _ = ndi.label(out == 17, structure=np.ones((3, 3)))
    cells = np.bincount(labels.ravel())
    counts = {"forest": 0, "shrub-grass": 0, "wetland-water": 0}
    for k in np.nonzero(cells[1:] >= 1e6 / cell_area_m2)[0] + 1:
        c = np.bincount(lc[labels == k], minlength=256)
        by_type = {"forest": c[20], "shrub-grass": c[30] + c[40], "wetland-water": c[50] + c[60]}
        counts[max(by_type, key=by_type.get)] += 1
    return counts


def test_same_seed_gives_identical_files(written, tmp_path):
    out, paths = written
    again = write_city(generate_city(size=SIZE, seed=0), tmp_path)
    assert set(again) == set(paths)
    for key, path in paths.items():
        assert _sha256(path) == _sha256(again[key]), f"{key} differs between runs"


def test_different_seeds_give_different_cities(city):
    other = generate_city(size=SIZE, seed=1)
    assert not np.array_equal(city.rasters["landcover"], other.rasters["landcover"])
    assert not np.array_equal(city.rasters["dem"], other.rasters["dem"])
    assert city.vectors["towns"].geometry.iloc[0] != other.vectors["towns"].geometry.iloc[0]


def test_landcover_shares_within_targets(city):
    shares = {LANDCOVER_CODES[k]: v for k, v in city.landcover_shares().items()}
    assert sum(shares.values()) == pytest.approx(1.0)  # no cell outside the legend
    assert 0.45 <= shares["cultivated land"] <= 0.68
    assert 0.11 <= shares["artificial surfaces"] <= 0.22
    assert shares["water"] < 0.10
    assert 0.02 <= shares["forest"] <= 0.14
    assert shares["bare land"] > 0.0


def test_default_size_targets():
    """The demo city's design targets at the default 1500 x 1500: land-cover shares, and a few dozen
    sources of each type."""
    big = generate_city()
    shares = {LANDCOVER_CODES[k]: v for k, v in big.landcover_shares().items()}
    assert 0.55 <= shares["cultivated land"] <= 0.66
    assert 0.15 <= shares["artificial surfaces"] <= 0.20
    assert shares["water"] + shares["wetland"] < 0.10
    assert 0.03 <= shares["forest"] <= 0.10
    counts = _sources(big.rasters["landcover"], big.grid.cell_area_m2)
    assert 25 <= sum(counts.values()) <= 60, counts
    assert all(n >= 3 for n in counts.values()), counts


def test_layers_dtype_shape_crs(city, written):
    assert city.grid.crs == CRS.from_epsg(4548)
    assert city.grid.shape == (SIZE, SIZE)
    left, _, _, top = city.grid.bounds
    assert (left, top) == (480000.0, 3830000.0)
    assert list(city.rasters) == list(RASTER_INFO)
    for name, array in city.rasters.items():
        assert array.shape == (SIZE, SIZE), name
        assert array.dtype == (np.uint8 if name in ("landcover", "lithology") else np.float32), name
        assert np.isfinite(array).all(), name
    for name in ("blue", "green", "red", "nir", "swir1", "swir2"):
        assert 0.0 < city.rasters[name].min() and city.rasters[name].max() <= 1.0
    for name in ("ndvi", "mndwi"):
        assert -1.0 <= city.rasters[name].min() and city.rasters[name].max() <= 1.0
    for name in ("threat_urban", "threat_roads", "threat_mines", "threat_cropland"):
        assert set(np.unique(city.rasters[name])) == {0.0, 1.0}, name
    assert 750 <= city.rasters["precipitation_mm"].mean() <= 950
    assert 0.0 <= city.rasters["pawc"].min() and city.rasters["pawc"].max() <= 1.0
    assert list(city.vectors) == list(VECTOR_LAYERS)
    for name, gdf in city.vectors.items():
        assert gdf.crs == CRS.from_epsg(4548), name
        assert len(gdf) > 0 and gdf.is_valid.all(), name
    types = {n: set(city.vectors[n].geom_type) for n in VECTOR_LAYERS}
    assert types["roads"] == types["rivers"] == {"LineString"}
    assert types["towns"] == types["geohazards"] == {"Point"}
    points_or_lines = ("roads", "rivers", "towns", "geohazards")
    assert all(types[n] == {"Polygon"} for n in VECTOR_LAYERS if n not in points_or_lines)
    assert set(city.vectors["roads"].road_class) == {"expressway", "highway", "local"}
    assert city.vectors["towns"].is_city_core.sum() == 1
    out, paths = written
    for name in RASTER_INFO:
        with rasterio.open(paths[name]) as src:
            assert src.crs == CRS.from_epsg(4548) and src.shape == (SIZE, SIZE), name
            assert src.transform == city.grid.transform and src.dtypes[0] == city.rasters[name].dtype, name
    with rasterio.open(paths["landcover"]) as src:
        assert src.colormap(1)[20][:3] == (20, 119, 73)
    assert {"gpkg", "quicklook", "readme"} <= set(paths)
    assert paths["quicklook"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "synthetic" in paths["readme"].read_text().lower()


def test_townships_tile_the_extent(city):
    t = city.vectors["townships"]
    left, bottom, right, top = city.grid.bounds
    assert t.area.sum() == pytest.approx((right - left) * (top - bottom), rel=1e-6)
    assert t.union_all().area == pytest.approx(t.area.sum(), rel=1e-6)  # no overlaps
    assert t.name.is_unique


def test_indices_follow_land_cover(city):
    lc, ndvi, mndwi = city.rasters["landcover"], city.rasters["ndvi"], city.rasters["mndwi"]
    # Interior cells only: the sensor blur mixes classes along their edges.
    interior = lambda code: ndi.binary_erosion(lc == code, iterations=2)  # noqa: E731
    assert np.median(ndvi[interior(20)]) > 0.7
    assert np.median(ndvi[interior(60)]) < 0.0
    assert np.median(mndwi[interior(60)]) > 0.3
    assert np.median(mndwi[interior(20)]) < 0.0
    t = city.rasters["thermal"]
    assert np.median(t[interior(80)]) > np.median(t[interior(20)]) > np.median(t[interior(60)])
    nl = city.rasters["nightlight"]
    assert np.median(nl[interior(80)]) > 5 * np.median(nl[interior(20)])


def test_karst_and_hazard_layers_follow_terrain_and_land_cover(city):
    lc, dem = city.rasters["landcover"], city.rasters["dem"]
    litho, rock = city.rasters["lithology"], city.rasters["rock_desertification"]
    erosion = city.rasters["soil_erosion"]
    assert set(np.unique(litho)) <= {1, 2, 3}
    # Carbonate rock on the hills, alluvium on the plain.
    assert np.median(dem[litho == 1]) > np.median(dem[litho == 3])
    # No rock desertification or erosion on water; desertification only where rock is exposed.
    water = np.isin(lc, (50, 60))
    assert rock[water].max() < 0.05 and erosion[water].max() == 0
    assert 0 <= rock.min() and rock.max() <= 1 and erosion.min() >= 0
    assert np.median(erosion[lc == 90]) > np.median(erosion[lc == 20])  # bare land erodes more than forest
    sites = city.vectors["geohazards"]
    assert len(sites) >= 5 and set(sites["kind"]) <= {"landslide", "collapse", "ground_subsidence"}
    rows, cols = rowcol(city.grid.transform, sites.geometry.x, sites.geometry.y)
    assert not water[np.asarray(rows), np.asarray(cols)].any()


def test_mines_attributes(city):
    mines = city.vectors["mines"]
    assert set(mines.mineral) <= {"coal", "metal", "building_material"}
    assert set(mines.method) == {"open_pit", "underground"}
    assert set(mines.status) <= {"producing", "abandoned"}
    assert (mines.mineral == "coal").sum() > len(mines) / 2
    underground = mines[mines.method == "underground"].union_all()
    assert city.vectors["subsidence_lakes"].intersects(underground).all()
    assert set(city.vectors["waste_dumps"].mine) <= set(mines[mines.method == "open_pit"].name)
    assert mines.name.is_unique


def test_sources_of_every_type(city):
    counts = _sources(city.rasters["landcover"], city.grid.cell_area_m2)
    assert sum(counts.values()) >= 5
    assert all(n >= 1 for n in counts.values()), counts


def test_rejects_bad_arguments():
    with pytest.raises(ValueError):
        generate_city(size=10)
    with pytest.raises(ValueError):
        generate_city(size=100, cell_size_m=0)


@pytest.mark.parametrize("size", [100, 120, 150])
def test_smallest_sizes_generate(size):
    # `econet demo --size` accepts 100; hills and cities keep a band to be drawn in.
    small = generate_city(size, seed=0)
    assert small.rasters["landcover"].shape == (size, size)
    assert set(np.unique(small.rasters["landcover"]).tolist()) <= set(LANDCOVER_CODES)
