"""Grading (natural breaks = mapclassify on the same sample, quantiles, equal intervals,
direction, level scales), Euclidean distance and line density against analytic cases."""

from __future__ import annotations

import mapclassify
import numpy as np
import pytest
from affine import Affine
from rasterio.crs import CRS
from shapely.geometry import LineString, Point, box

from econet.classify import grade, sample_values
from econet.grid import Grid
from econet.resistance.density import kernel, line_density_km_km2, line_length_m
from econet.resistance.distance import distance_to_features_m
from econet.resistance.factors import class_breaks


def grid_of(n: int, cell: float = 30.0, h: int | None = None) -> Grid:
    return Grid(CRS.from_epsg(4548), Affine(cell, 0, 500_000.0, 0, -cell, 3_800_000.0), (h or n, n))


def test_natural_breaks_match_mapclassify_on_the_same_sample():
    rng = np.random.default_rng(3)
    values = np.concatenate([rng.normal(10, 2, 60_000), rng.normal(30, 4, 30_000), rng.gamma(2, 10, 10_000)])
    raster = values.reshape(400, 250).astype(np.float32)
    raster[0, :10] = np.nan
    sample = sample_values(raster, 10_000, seed=7)
    assert sample.size == 10_000 and np.all(np.isfinite(sample))
    assert np.array_equal(sample, sample_values(raster, 10_000, seed=7))  # seeded, reproducible
    breaks = class_breaks(raster, "natural_breaks", 5, sample_size=10_000, seed=7)
    assert np.array_equal(breaks, mapclassify.FisherJenks(sample, k=5).bins[:-1])
    # Small layers use every value: identical to Fisher-Jenks on all of them.
    small = raster[:40, :50]
    assert np.array_equal(
        class_breaks(small, "natural_breaks", 4), mapclassify.FisherJenks(small[np.isfinite(small)], k=4).bins[:-1]
    )


def test_natural_breaks_of_clear_clusters():
    v = np.array([1, 1.1, 1.2, 5, 5.1, 5.2, 9, 9.1, 9.3] * 10, dtype=np.float32)
    assert np.allclose(class_breaks(v, "natural_breaks", 3), [1.2, 5.2])


def test_quantiles_and_equal_intervals():
    v = np.arange(1, 101, dtype=np.float32)
    assert np.allclose(class_breaks(v, "equal_interval", 4), [25.75, 50.5, 75.25])
    assert np.allclose(class_breaks(v, "quantiles", 4), np.quantile(v, [0.25, 0.5, 0.75]))
    g = grade(v, class_breaks(v, "quantiles", 4), [1, 3, 5, 7])
    assert np.bincount(g.astype(int))[[1, 3, 5, 7]].tolist() == [25, 25, 25, 25]
    with pytest.raises(ValueError, match="too few"):
        class_breaks(np.array([1.0, 1.0, 2.0]), "natural_breaks", 5)
    with pytest.raises(ValueError, match="repeated breaks"):
        class_breaks(np.ones(50), "equal_interval", 3)
    with pytest.raises(ValueError, match="repeated breaks"):
        class_breaks(np.array([0.0] * 90 + list(range(10)), dtype=float), "quantiles", 5)


def test_direction_and_level_scales():
    v = np.array([0.1, 0.3, 0.45, 0.55, 0.9, np.nan])
    # Feng et al. (2024) NDVI: > 0.6 = 1, (0.5, 0.6] = 2, (0.4, 0.5] = 3, (0.2, 0.4] = 4, <= 0.2 = 5.
    g = grade(v, [0.2, 0.4, 0.5, 0.6], [1, 2, 3, 4, 5], "decreasing")
    assert g[:-1].tolist() == [5, 4, 3, 2, 1] and np.isnan(g[-1])
    g = grade(v, [0.2, 0.4, 0.5, 0.6], [1, 3, 5, 7, 9])
    assert g[:-1].tolist() == [1, 3, 5, 7, 9]
    assert grade(np.array([0.2, 0.6]), [0.2, 0.4, 0.5, 0.6], [1, 2, 3, 4, 5]).tolist() == [1, 4]


def test_distance_to_a_line_is_exact():
    g = grid_of(40)
    x = 500_000.0 + 30 * 10.5  # through the centres of column 10
    d = distance_to_features_m([LineString([(x, 3_800_000.0), (x, 3_800_000.0 - 1200)])], g)
    cols = np.arange(40)
    assert np.allclose(d, np.abs(cols - 10)[None, :] * 30.0)


def test_distance_to_a_point_is_euclidean():
    g = grid_of(30)
    p = Point(500_000.0 + 30 * 5.5, 3_800_000.0 - 30 * 7.5)  # centre of row 7, col 5
    d = distance_to_features_m([p], g)
    r, c = np.mgrid[0:30, 0:30]
    assert np.allclose(d, 30.0 * np.hypot(r - 7, c - 5))
    with pytest.raises(ValueError, match="no feature"):
        distance_to_features_m([Point(0, 0)], g)


def test_line_length_is_conserved():
    g = grid_of(100)
    line = LineString([(500_010.0, 3_799_990.0), (502_500.0, 3_797_777.0), (502_900.0, 3_799_000.0)])
    lengths = line_length_m([line], g)
    assert np.isclose(lengths.sum(), line.length)
    poly = box(500_300, 3_798_000, 501_000, 3_799_000)
    assert np.isclose(line_length_m([poly], g).sum(), 2 * (700 + 1000))  # polygons count by boundary


@pytest.mark.parametrize("shape, axis_value", [("uniform", 2 / np.pi), ("quartic", 16 / (5 * np.pi))])
def test_density_of_a_long_straight_line(shape, axis_value):
    # A long north-south line: density on its axis is 2/(π r) (uniform) or 16/(5 π r) (quartic)
    # per metre of radius; x 1000 for km/km². Off axis at distance d (uniform): 2√(r²-d²)/(π r²).
    cell, r = 10.0, 500.0
    g = grid_of(201, cell, h=401)
    x = 500_000.0 + cell * 100.5
    line = LineString([(x, 3_800_000.0), (x, 3_800_000.0 - 401 * cell)])
    dens = line_density_km_km2([line], g, radius_m=r, shape=shape)
    mid = dens[200]
    assert np.isclose(mid[100], 1000 * axis_value / r, rtol=0.015)  # the disc drawn in cells: ~1 %
    assert mid[100 + 51 :].max() == 0  # nothing beyond the radius
    if shape == "uniform":
        d = np.arange(0, 45) * cell
        assert np.allclose(mid[100:145], 1000 * 2 * np.sqrt(r**2 - d**2) / (np.pi * r**2), rtol=0.03)
    # Integral across the line = length per unit length (1 km/km² x km = 1 km per km of line).
    assert np.isclose(mid.sum() * cell / 1000, 1.0, rtol=1e-3)


def test_kernel_integrates_to_one():
    for shape in ("uniform", "quartic"):
        assert np.isclose(kernel(95.0, 30.0, shape).sum() * 900.0, 1.0)
    with pytest.raises(ValueError, match="at least one cell"):
        line_density_km_km2([LineString([(0, 0), (1, 1)])], grid_of(10), radius_m=10)
