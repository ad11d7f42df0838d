"""The patch table on hand-made label rasters whose metrics are known by hand."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from affine import Affine
from rasterio.crs import CRS

from econet.grid import Grid
from econet.habitat.sources import edge_counts, min_perimeter_cells, patch_table, relabel
from econet.landcover import GLOBELAND30

CELL = 10.0


def grid_of(shape, cell=CELL) -> Grid:
    return Grid(CRS.from_epsg(32650), Affine(cell, 0, 500_000, 0, -cell, 4_000_000), shape)


@pytest.fixture
def labels():
    lab = np.zeros((10, 10), np.int32)
    lab[1:4, 1:4] = 1  # 3 x 3 square
    lab[6, 1:6] = 2  # 1 x 5 line
    lab[1:4, 6:9] = 3  # ring: 3 x 3 with the centre cell missing
    lab[2, 7] = 0
    lab[9, 9] = 4  # one cell in the corner, on the raster border
    return lab


def test_min_perimeter_is_fragstats_rule():
    # FRAGSTATS: n = floor(sqrt(a)); 4n if a = n², 4n+2 if n² < a <= n(n+1), else 4n+4.
    expected = {1: 4, 2: 6, 3: 8, 4: 8, 5: 10, 6: 10, 7: 12, 8: 12, 9: 12, 10: 14, 12: 14, 13: 16, 16: 16}
    got = min_perimeter_cells(np.array(list(expected)))
    assert got.tolist() == list(expected.values())
    big = np.array([10_000 * 10_000, 10_000 * 10_000 + 1, 10_000 * 10_001 + 1])
    assert min_perimeter_cells(big).tolist() == [40_000, 40_002, 40_004]


def test_perimeter_shape_and_lsi(labels):
    t = patch_table(labels, np.full(labels.shape, 20), grid_of(labels.shape), GLOBELAND30).set_index("id")
    assert t["area_ha"].tolist() == pytest.approx([9 * 100 / 1e4, 5 * 100 / 1e4, 8 * 100 / 1e4, 100 / 1e4])
    assert (t["perimeter_km"] * 1e3 / CELL).tolist() == pytest.approx([12, 12, 16, 4])
    # SHAPE = perimeter / minimum perimeter: square 12/12, line 12/10, ring 16/12, cell 4/4.
    assert t["shape"].tolist() == pytest.approx([1.0, 1.2, 16 / 12, 1.0])
    # LSI = E / (2 sqrt(pi A)) (the Xuzhou SEEC preprint).
    lsi = [12 * CELL / (2 * np.sqrt(np.pi * 9 * CELL**2)), 12 * CELL / (2 * np.sqrt(np.pi * 5 * CELL**2))]
    assert t.loc[[1, 2], "lsi"].tolist() == pytest.approx(lsi)
    # The raster perimeter is the traced polygons' length, holes included.
    assert np.allclose(shapely.length(t.geometry.to_numpy()) / 1e3, t["perimeter_km"])


def test_centroid_and_inside_point(labels):
    g = grid_of(labels.shape)
    t = patch_table(labels, np.full(labels.shape, 20), g, GLOBELAND30).set_index("id")
    x, y = g.xy(np.array([2]), np.array([2]))  # centre of the square
    assert (t.loc[1, "centroid_x"], t.loc[1, "centroid_y"]) == pytest.approx((x[0], y[0]))
    ring = t.loc[3]
    hole_x, hole_y = g.xy(np.array([2]), np.array([7]))
    assert (ring["centroid_x"], ring["centroid_y"]) == pytest.approx((hole_x[0], hole_y[0]))
    assert not ring.geometry.contains(shapely.Point(ring["centroid_x"], ring["centroid_y"]))
    for _, row in t.iterrows():
        assert row.geometry.contains(shapely.Point(row["inside_x"], row["inside_y"]))


def test_dominant_class_type_and_zonal_mean(labels):
    lc = np.full(labels.shape, 60)
    lc[1:3, 1:4] = 10  # 6 of the square's 9 cells are cropland, 3 are forest
    lc[3, 1:4] = 20
    values = np.arange(100, dtype=np.float32).reshape(10, 10)
    values[6, 1] = np.nan
    t = patch_table(labels, lc, grid_of(labels.shape), GLOBELAND30, {"ndvi": values}).set_index("id")
    assert t.loc[1, "dominant_class"] == 10 and t.loc[1, "dominant_class_name"] == "cultivated"
    assert t.loc[1, "source_type"] == "forest"  # the dominant class that has a source type
    assert t.loc[2, "source_type"] == "wetland-water"
    assert t.loc[1, "mean_ndvi"] == pytest.approx(np.mean([11, 12, 13, 21, 22, 23, 31, 32, 33]))
    assert t.loc[2, "mean_ndvi"] == pytest.approx(np.mean([62, 63, 64, 65]))  # NaN cell ignored


def test_patch_without_typed_class_has_no_type():
    lab = np.zeros((4, 4), np.int32)
    lab[1:3, 1:3] = 1
    t = patch_table(lab, np.full(lab.shape, 80), grid_of(lab.shape), GLOBELAND30)
    assert t.loc[0, "source_type"] is None


def test_edge_counts_across_row_chunks():
    rng = np.random.default_rng(1)
    lab = (rng.random((700, 50)) < 0.5).astype(np.int32)
    counts = edge_counts(lab, 1)
    padded = np.pad(lab, 1)
    expected = int(np.sum(padded[1:, :] != padded[:-1, :]) + np.sum(padded[:, 1:] != padded[:, :-1]))
    assert counts[1] == expected


def test_relabel_orders_by_area_and_gaps_are_refused(labels):
    new = relabel(labels, [1, 2, 3])
    assert (new[labels == 1] == 1).all() and (new[labels == 3] == 2).all() and (new[labels == 2] == 3).all()
    assert (new[labels == 4] == 0).all()
    gappy = labels.copy()
    gappy[gappy == 2] = 0
    with pytest.raises(ValueError, match="without gaps"):
        patch_table(gappy, np.full(labels.shape, 20), grid_of(labels.shape), GLOBELAND30)


def test_empty_table_has_the_columns():
    t = patch_table(np.zeros((3, 3), np.int32), np.zeros((3, 3)), grid_of((3, 3)), GLOBELAND30, {"x": np.zeros((3, 3))})
    assert len(t) == 0 and {"id", "source_type", "area_km2", "shape", "lsi", "mean_x"} <= set(t.columns)


def test_corner_touching_patch_is_a_valid_multipolygon():
    lab = np.zeros((5, 5), np.int32)
    lab[1, 1] = lab[2, 2] = lab[3, 3] = 1  # one 8-connected patch of three diagonal cells
    t = patch_table(lab, np.full(lab.shape, 20), grid_of(lab.shape), GLOBELAND30)
    geom = t.geometry.iloc[0]
    assert geom.geom_type == "MultiPolygon" and geom.is_valid and len(geom.geoms) == 3
    assert geom.area == pytest.approx(3 * CELL**2) and t.loc[0, "perimeter_km"] * 1e3 == pytest.approx(12 * CELL)
    assert geom.contains(shapely.Point(t.loc[0, "inside_x"], t.loc[0, "inside_y"]))
