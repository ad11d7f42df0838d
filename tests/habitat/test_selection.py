"""Each source-selection rule on hand-made rasters whose expected sources are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from affine import Affine
from rasterio.crs import CRS

from econet.classify import grade, natural_breaks
from econet.config import SourcesSection
from econet.connectivity.indices import iic_indices
from econet.grid import Grid
from econet.habitat.selection import (
    block_mean,
    connectivity_importance,
    merge_within,
    select_sources,
    sensitivity_mask,
    service_importance,
    size_classes,
    stepping_stone_islets,
)
from econet.habitat.sources import filter_by_area, label_patches, polygonize
from econet.landcover import GLOBELAND30

CELL = 100.0  # one cell = 0.01 km², so 1 km² = 100 cells


def grid_of(shape) -> Grid:
    return Grid(CRS.from_epsg(32650), Affine(CELL, 0, 500_000, 0, -CELL, 4_000_000), shape)


def cores(shape, *blocks):
    """An MSPA result with Core (17) in each (r0, r1, c0, c1) block and background elsewhere."""
    out = np.zeros(shape, np.uint8)
    for r0, r1, c0, c1 in blocks:
        out[r0:r1, c0:c1] = 17
    return out


def run(cfg: dict, mspa_result, landcover=None, **kw):
    landcover = np.full(mspa_result.shape, 20) if landcover is None else landcover
    return select_sources(SourcesSection(**cfg), mspa_result, landcover, grid_of(mspa_result.shape), GLOBELAND30, **kw)


# ---- minimum area and minimum core area ------------------------------------------------------


def test_min_area_keeps_patches_at_or_above_threshold():
    lab, _ = label_patches(cores((30, 30), (0, 2, 0, 2), (5, 8, 5, 8), (12, 16, 12, 16)) == 17)
    kept = filter_by_area(lab, CELL**2, 0.09)  # 9 cells
    assert sorted(np.bincount(kept.ravel())[1:].tolist()) == [9, 16]
    assert (kept[12:16, 12:16] == 1).all()  # largest first


def test_min_core_area_drops_small_cores_before_merging():
    m = cores((20, 40), (10, 20, 0, 10), (0, 3, 12, 15), (0, 3, 17, 20))  # 100, 9 and 9 cells
    merged = run({"min_area_km2": 0.15, "merge_within_m": 250}, m)
    # Without a core threshold the two small cores merge (200 m apart) into one 0.18 km² source.
    assert sorted(merged.table["area_km2"].round(4)) == [0.18, 1.0]
    strict = run({"min_area_km2": 0.15, "merge_within_m": 250, "min_core_area_km2": 0.1}, m)
    assert strict.table["area_km2"].round(4).tolist() == [1.0]
    assert strict.steps["patches"].tolist() == [3, 1, 1, 1]


# ---- size classes ------------------------------------------------------------------------------


def test_size_classes_default_thresholds():
    got = size_classes([8, 7, 5, 4, 2, 1, 0.5])
    assert got.tolist() == ["super-large", "super-large", "large", "large", "medium", "medium", "small"]


def test_keep_size_classes_rule():
    m = cores((60, 60), (0, 30, 0, 25), (35, 60, 0, 17), (35, 45, 30, 40))  # 7.5, 4.25, 1 km²
    rule = {"min_area_km2": 0.5, "size_classes_km2": [7, 4, 1], "keep_size_classes": ["super-large", "medium"]}
    src = run(rule, m)
    assert src.table["size_class"].tolist() == ["super-large", "medium"]
    assert src.table["id"].tolist() == [1, 2]
    assert (src.labels[0:30, 0:25] == 1).all() and (src.labels[35:45, 30:40] == 2).all()
    assert (src.labels[35:60, 0:17] == 0).all()
    # by default the thresholds follow min_area_km2: 3.5 / 2 / 0.5 km², so 4.25 km² is super-large
    src = run({"min_area_km2": 0.5}, m)
    assert src.table["size_class"].tolist() == ["super-large", "super-large", "medium"]


# ---- connectivity importance -------------------------------------------------------------------


def _three_patches():
    # A and B: 1 km² each, 1000 m apart; C: 0.1 km², 28 km away (p ~ 4e-9, negligible).
    return cores((300, 40), (0, 10, 0, 10), (0, 10, 20, 30), (290, 292, 0, 5))


def test_dpc_rule_drops_the_isolated_small_patch():
    m = _three_patches()
    cfg = {"min_area_km2": 0.05, "connectivity": {"index": "dPC", "min_importance_pct": 1.0, "distance_m": 1000}}
    src = run(cfg, m)
    a, b = 1e6, 1e5
    num = 2 * a * a + 2 * a * a * 0.5 + b * b  # PCnum with p_AB = 0.5
    assert src.table["importance_dPC_pct"].tolist() == pytest.approx([100 * 2 * a * a / num] * 2, rel=1e-6)
    assert len(src) == 2 and (src.labels[290:292, 0:5] == 0).all()
    # Alone, C's dPC is its intra part only: 100 b² / PCnum.
    geoms = polygonize(label_patches(m == 17)[0], grid_of(m.shape), 3)
    d = connectivity_importance(geoms, np.array([a, a, b]), "dPC", 1000, 0.5, 1e9)
    assert d[2] == pytest.approx(100 * b * b / num, rel=1e-6)


def test_diic_by_hand_on_a_chain():
    # A - B - C linked at d <= 1000, A-C not: IICnum = 3 + 2(1/2) + 2(1/2) + 2(1/3) = 17/3.
    dist = np.array([[0, 800, 1600], [800, 0, 800], [1600, 800, 0]], float)
    overall, nodes = iic_indices(np.ones(3), dist, 1000)
    assert overall["IICnum"] == pytest.approx(17 / 3)
    # Without B: 2; without A (or C): 3.
    assert nodes["dIIC"].tolist() == pytest.approx([100 * 8 / 17, 100 * 11 / 17, 100 * 8 / 17])
    # The source rule gives the same importances over patches at those edge-to-edge distances.
    geoms = [shapely.box(0, 0, 100, 100), shapely.box(900, 0, 1000, 100), shapely.box(1800, 0, 1900, 100)]
    got = connectivity_importance(geoms, np.ones(3), "dIIC", 1000)
    assert got.tolist() == pytest.approx([100 * 8 / 17, 100 * 11 / 17, 100 * 8 / 17])


def test_diic_rule_wiring():
    m = _three_patches()
    cfg = {"min_area_km2": 0.05, "connectivity": {"index": "dIIC", "min_importance_pct": 1.0, "distance_m": 1000}}
    src = run(cfg, m)
    # IICnum = 2a² + 2a²/2 + b² ; dIIC_A = 100 (num - (a² + b²)) / num.
    a, b = 1e6, 1e5
    num = 3 * a * a + b * b
    assert src.table["importance_dIIC_pct"].tolist() == pytest.approx([100 * 2 * a * a / num] * 2)
    assert len(src) == 2


# ---- ecosystem-service importance --------------------------------------------------------------


def test_natural_breaks_finds_the_clusters():
    v = np.array([1, 1.1, 1.2, 5, 5.1, 9, 9.2, 20, 20.5, 50, np.nan])
    bins = natural_breaks(v, 5)
    assert bins.tolist() == pytest.approx([1.2, 5.1, 9.2, 20.5, 50])
    levels = grade(v, bins[:-1], np.arange(1, 6), nodata=0, dtype=np.int16)
    assert levels.tolist() == [1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 0] and levels.dtype == np.int16


def test_natural_breaks_on_big_input_is_deterministic_and_covers_the_maximum():
    v = np.random.default_rng(3).gamma(2.0, size=200_000)
    b1, b2 = natural_breaks(v), natural_breaks(v)
    assert np.array_equal(b1, b2) and b1[-1] == v.max() and len(b1) == 5


def test_block_mean_by_hand():
    v = np.array([[1, 2, 3], [3, 4, np.nan], [5, 5, 6]], float)
    got = block_mean(v, 2)
    assert got[0, 0] == got[1, 1] == 2.5  # (1 + 2 + 3 + 4) / 4
    assert got[0, 2] == got[1, 2] == 3.0  # NaN ignored
    assert got[2, 0] == got[2, 1] == 5.0 and got[2, 2] == 6.0


def test_service_importance_keeps_top_two_levels():
    # Five column bands of increasing service value; two services, the second flat (range 0).
    hq = np.repeat(np.arange(5, dtype=float)[None, :], 10, axis=1).repeat(10, axis=0)
    hq = np.repeat(np.arange(5.0), 10)[None, :].repeat(10, axis=0)  # 10 x 50, bands of 10 columns
    flat = np.full(hq.shape, 7.0)
    level, top = service_importance({"hq": hq, "cs": flat}, {"hq": 0.9, "cs": 0.1}, CELL, block_m=None)
    assert (level == np.repeat(np.arange(1, 6), 10)[None, :]).all()
    assert top[:, 30:].all() and not top[:, :30].any()
    # On 2 x 2 blocks of 200 m the band edges stay put (bands are 10 columns wide).
    level_b, _ = service_importance({"hq": hq}, {"hq": 1.0}, CELL, block_m=200)
    assert (level_b == level).all()


def test_services_as_candidates_in_the_study():
    hq = np.repeat(np.arange(5.0), 10)[None, :].repeat(20, axis=0)
    m = np.zeros(hq.shape, np.uint8)
    src = run(
        {"candidates": ["services"], "min_area_km2": 0.5, "services": {"weights": {"hq": 1.0}, "block_m": None}},
        m,
        layers={"hq": hq},
    )
    assert len(src) == 1 and src.table.loc[0, "area_km2"] == pytest.approx(20 * 20 * 0.01)
    assert (src.labels[:, 30:] == 1).all() and "services_level" in src.rasters


# ---- sensitivity -------------------------------------------------------------------------------


def test_sensitivity_top_classes_minus_developed():
    f = np.repeat(np.array([1, 3, 5, 7, 9], float), 10)[None, :].repeat(10, axis=0)
    developed = np.zeros(f.shape, bool)
    developed[:, 45:] = True
    level, keep = sensitivity_mask({"f": f, "g": f}, {"f": 0.5, "g": 0.5}, developed, 5, 3)
    assert (level == np.repeat(np.arange(1, 6), 10)[None, :]).all()
    assert keep[:, 20:45].all() and not keep[:, :20].any() and not keep[:, 45:].any()


def test_sensitivity_rule_applies_its_own_min_area():
    f = np.ones((20, 40))
    f[0:10, 0:10] = 9  # 1 km²: kept
    f[15:18, 30:33] = 9  # 0.09 km²: below 100 ha... of this scale (0.5 km²)
    f[12:14, 0:2] = 5
    f[0:2, 38:40] = 3
    f[19, 0] = 2
    lc = np.full(f.shape, 10)
    src = run(
        {
            "candidates": ["sensitivity"],
            "min_area_km2": 0.01,
            "sensitivity": {"weights": {"f": 1.0}, "keep_classes": 1, "min_area_km2": 0.5},
        },
        np.zeros(f.shape, np.uint8),
        landcover=lc,
        layers={"f": f},
    )
    assert len(src) == 1 and (src.labels[0:10, 0:10] == 1).all()
    assert pd.isna(src.table.loc[0, "source_type"])  # cropland only


# ---- protected polygons ------------------------------------------------------------------------


def test_protected_polygons_are_unioned():
    m = cores((20, 20), (0, 5, 0, 5))  # 0.25 km² of forest core
    lc = np.full(m.shape, 10)
    lc[0:5, 0:5] = 20
    g = grid_of(m.shape)
    x0, y0 = g.transform.c, g.transform.f
    # A redline polygon over cells rows 0-4, cols 5-9 (touching the core) and one far away.
    touching = shapely.box(x0 + 5 * CELL, y0 - 5 * CELL, x0 + 10 * CELL, y0)
    far = shapely.box(x0 + 15 * CELL, y0 - 20 * CELL, x0 + 20 * CELL, y0 - 15 * CELL)
    src = run({"min_area_km2": 0.2, "protected": ["redline"]}, m, landcover=lc, protected={"redline": [touching, far]})
    t = src.table
    assert t["area_km2"].round(4).tolist() == [0.5, 0.25]
    assert (src.labels[0:5, 0:10] == 1).all() and (src.labels[15:20, 15:20] == 2).all()
    # Half forest, half cropland: typed forest; the far polygon is all cropland: no type.
    assert t.loc[0, "source_type"] == "forest" and pd.isna(t.loc[1, "source_type"])
    # Cells without land cover (outside the study area) stay out, even under a polygon.
    valid = np.ones(m.shape, bool)
    valid[15:20, 18:20] = False
    clipped = run(
        {"min_area_km2": 0.1, "protected": ["redline"]}, m, landcover=lc, protected={"redline": [far]}, valid=valid
    )
    assert clipped.table["area_km2"].round(4).tolist() == [0.25, 0.15]
    assert (clipped.labels[15:20, 18:20] == 0).all()


# ---- merging -----------------------------------------------------------------------------------


def test_merge_within_distance_is_single_linkage_and_inclusive():
    m = cores((10, 40), (0, 3, 0, 3), (0, 3, 5, 8), (0, 3, 10, 13), (0, 3, 30, 33))
    lab, n = label_patches(m == 17)
    geoms = polygonize(lab, grid_of(m.shape), n)
    merged = merge_within(lab, geoms, 200.0)  # gaps of exactly 200 m merge (d <= threshold)
    assert len(np.unique(merged[merged > 0])) == 2
    assert merged[0, 0] == merged[0, 5] == merged[0, 10] == 1 and merged[0, 30] == 2
    assert len(np.unique(merge_within(lab, geoms, 199.0)[lab > 0])) == 4
    assert len(np.unique(merge_within(lab, geoms, 1700.0)[lab > 0])) == 1


def test_merged_source_is_one_row_with_multipart_geometry():
    m = cores((10, 20), (0, 3, 0, 3), (0, 3, 5, 8))
    src = run({"min_area_km2": 0.1, "merge_within_m": 300}, m)
    assert len(src) == 1 and src.table.loc[0, "area_km2"] == pytest.approx(0.18)
    assert src.table.geometry.iloc[0].geom_type == "MultiPolygon"


# ---- islets as stepping stones -----------------------------------------------------------------


def test_islets_ranked_by_shape_index():
    m = np.zeros((20, 20), np.uint8)
    m[1:4, 1:4] = 9  # compact 3 x 3 islet
    m[10, 1:10] = 9  # 1 x 9 line islet
    m[15, 15] = 109  # one-cell internal islet
    g = grid_of(m.shape)
    st = stepping_stone_islets(m, np.full(m.shape, 20), g, GLOBELAND30, min_area_km2=0.05)
    assert st.table["area_ha"].tolist() == [9.0, 9.0]
    assert st.table["lsi"].tolist() == pytest.approx(
        [12 * CELL / (2 * np.sqrt(np.pi * 9 * CELL**2)), 20 * CELL / (2 * np.sqrt(np.pi * 9 * CELL**2))]
    )
    compact = stepping_stone_islets(m, np.full(m.shape, 20), g, GLOBELAND30, max_lsi=1.5)
    # The square and the single cell tie at LSI 2/√π; the larger comes first.
    assert compact.table["area_ha"].tolist() == [9.0, 1.0]
    assert (compact.labels[10, 1:10] == 0).all()
