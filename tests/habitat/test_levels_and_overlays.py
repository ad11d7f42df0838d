"""Source levels by dPC, intersection of ranked candidate levels, AHP and PCA weights of the
service and sensitivity rules, corridor classes by centrality, and zone shares."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econet.circuit.classes import centrality_classes
from econet.config.sources import SourcesSection
from econet.grid import Grid
from econet.habitat.selection import importance_levels, rule_weights, select_sources
from econet.landcover import GLOBELAND30
from econet.zonal import zone_shares


def test_importance_levels_by_natural_breaks_first_is_highest():
    # Three obvious groups: {80, 82}, {30, 35}, {1, 2, 3} -> levels 1, 2, 3.
    dpc = np.array([82.0, 30.0, 2.0, 80.0, 3.0, 35.0, 1.0])
    assert importance_levels(dpc, 3).tolist() == [1, 2, 3, 1, 3, 2, 3]
    # Fewer distinct values than levels: fewer levels, still 1 = highest.
    assert importance_levels(np.array([5.0, 1.0, 5.0]), 3).tolist() == [1, 2, 1]
    assert importance_levels(np.zeros(0), 3).size == 0


def test_centrality_classes_name_yang_et_al_three_classes():
    level, name = centrality_classes([10.0, 11.0, 4.0, 1.0, 1.2, 3.9], 3)
    assert level.tolist() == [1, 1, 2, 3, 3, 2]
    assert name.tolist() == [
        "extremely important",
        "extremely important",
        "important",
        "general",
        "general",
        "important",
    ]


def test_zone_shares_sum_to_100_and_count_features_per_zone():
    zones = np.array([[1, 1, 2, 2], [1, 1, 2, 2], [0, 0, 3, 3]])
    feats = np.array([[1, 1, 1, 0], [0, 2, 0, 0], [2, 2, 0, 3]])
    t = zone_shares(zones, feats, 900.0, {1: "A", 2: "B", 3: "C"}).set_index("zone_code")
    assert t["share_pct"].sum() == pytest.approx(100.0)
    # Zone 1 holds cells of features 1 and 2 (3 cells); zone 2 one cell of feature 1; zone 3
    # one cell of feature 3; two cells of feature 2 lie outside every zone (code 0).
    assert t.loc[1, "features"] == 2 and t.loc[1, "cells"] == 3
    assert t.loc[2, "features"] == 1 and t.loc[3, "features"] == 1
    assert t.loc[0, "cells"] == 2 and t.loc[0, "zone"] == "(no zone)"
    assert t.loc[1, "area_ha"] == pytest.approx(3 * 0.09)
    assert t.loc[1, "share_pct"] == pytest.approx(100 * 3 / 7)
    assert t.loc[1, "zone_share_pct"] == pytest.approx(75.0)
    assert t.loc[1, "zone"] == "A"
    assert zone_shares(zones, np.zeros_like(feats), 900.0).empty
    # counted window by window (issue 20): the same table; feature 2 spans two windows of zone 1
    for window in (1, 2, 3):
        pd.testing.assert_frame_equal(
            zone_shares(zones, feats, 900.0, {1: "A", 2: "B", 3: "C"}, window=window).set_index("zone_code"), t
        )


def _grid(n=60):
    return Grid.from_bounds("EPSG:3857", 0, 0, n * 30.0, n * 30.0, 30.0)


def test_intersection_of_candidate_rules_keeps_cells_in_both():
    grid = _grid()
    lc = np.full(grid.shape, 20, np.uint8)
    a = np.zeros(grid.shape)
    b = np.zeros(grid.shape)
    a[:, :40] = 1.0  # rule "services" keeps the left two thirds
    b[:, 20:] = 1.0  # rule "sensitivity" keeps the right two thirds
    layers = {"a": a, "b": b}
    common = {
        "services": {"weights": {"a": 1.0}, "block_m": None, "levels": 2, "keep_levels": 1},
        "sensitivity": {
            "weights": {"b": 1.0},
            "classes": 2,
            "keep_classes": 1,
            "exclude_classes": [],
            "min_area_km2": 0.01,
        },
        "min_area_km2": 0.01,
        "candidates": ["services", "sensitivity"],
    }
    union = select_sources(SourcesSection(**common), None, lc, grid, GLOBELAND30, layers)
    inter = select_sources(SourcesSection(**common, combine="intersection"), None, lc, grid, GLOBELAND30, layers)
    assert int((union.labels > 0).sum()) == 60 * 60
    assert int((inter.labels > 0).sum()) == 60 * 20  # columns 20..39
    assert (inter.labels[:, 20:40] > 0).all() and not (inter.labels[:, :20] > 0).any()


def test_rule_weights_by_ahp_experts_and_by_pca_with_kmo():
    cfg = SourcesSection(
        candidates=["sensitivity"],
        sensitivity={
            "weighting": "ahp",
            "ahp": {"factors": ["x", "y"], "experts": [[[1, 2], ["1/2", 1]], [[1, 8], ["1/8", 1]]]},
        },
    )
    w, table = rule_weights(cfg.sensitivity, {})
    # Geometric mean of 2 and 8 is 4: weights 4/5 and 1/5.
    assert w == pytest.approx({"x": 0.8, "y": 0.2})
    assert "2 experts" in table["method"].iloc[0]
    rng = np.random.default_rng(0)
    base = rng.normal(size=(50, 50))
    layers = {"p": base, "q": base + 0.5 * rng.normal(size=(50, 50)), "r": rng.normal(size=(50, 50))}
    svc = SourcesSection(candidates=["services"], services={"weighting": "pca", "layers": ["p", "q", "r"]}).services
    w, table = rule_weights(svc, layers)
    assert sum(w.values()) == pytest.approx(1.0)
    assert {"KMO", "bartlett_chi2", "bartlett_p"} <= set(table.columns)
    assert 0 < table["KMO"].iloc[0] < 1 and table["bartlett_p"].iloc[0] < 0.05


def test_weighting_keys_are_checked():
    with pytest.raises(Exception, match="needs layers"):
        SourcesSection(candidates=["services"], services={"weighting": "pca", "layers": ["p"]})
    with pytest.raises(Exception, match="remove weights"):
        SourcesSection(
            candidates=["services"], services={"weighting": "pca", "layers": ["p", "q"], "weights": {"p": 1}}
        )
    with pytest.raises(Exception, match="core_connectivity"):
        SourcesSection(candidates=["core_connectivity"])


def test_bad_zones_and_corridor_keys_are_reported_with_their_key():
    from econet.config import parse_study
    from econet.errors import StudyError

    doc = {
        "layers": {"landcover": {"path": "lc.tif", "kind": "categorical"}},
        "vectors": {"townships": {"path": "city.gpkg"}},
        "zones": {"by": [{"name": "township", "vector": "townships", "layer": "landcover"}]},
        "corridors": {"mcr": "energy"},  # names nightlight, ndvi and mndwi, which this study lacks
        "circuit": {"corridor_classes": 1},
    }
    with pytest.raises(StudyError) as err:
        parse_study(doc, check_files=False)
    where = {p.where: p.message for p in err.value.problems}
    assert "give one" in where["zones.by.0"]
    assert any(k.startswith("corridors.mcr_nightlight") for k in where), where
    assert "circuit.corridor_classes" in where
