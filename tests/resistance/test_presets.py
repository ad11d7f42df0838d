"""The study presets grade values exactly as the studies' printed tables do."""

from __future__ import annotations

import numpy as np
import pytest

from econet.config import parse_study
from econet.resistance.build import grade_factor

LAYERS = ["landcover", "dem", "ndvi", "mndwi", "nightlight", "population"]
LAYERS += ["rock_desertification", "soil_erosion"]
VECTORS = ["roads", "rivers", "water", "mines", "geohazards"]


def _factors(preset: str) -> dict:
    doc = {
        "layers": {k: {"path": "x.tif", "kind": "categorical" if k == "landcover" else "continuous"} for k in LAYERS},
        "vectors": {k: {"path": "x.gpkg"} for k in VECTORS},
        "resistance": {"preset": preset},
    }
    return {f.name: f for f in parse_study(doc, check_files=False).resistance.factors}


def _grades(spec, values) -> list[float]:
    v = np.asarray(values, dtype=np.float32)
    return grade_factor(spec, v, np.ones(v.shape, bool))[0].tolist()


# (preset, factor, values, printed grades): values on and beside the printed thresholds.
CASES = [
    # The Xuzhou SEEC preprint, Table 1 (1/3/5/7/9).
    ("seed000", "dem", [0, 30.45, 30.5, 48.45, 77.5, 125.97, 126, 353], [1, 1, 3, 3, 5, 7, 9, 9]),
    ("seed000", "slope", [0.5, 0.75, 1, 2.58, 6, 12.08, 13, 32], [1, 1, 3, 3, 5, 7, 9, 9]),
    ("seed000", "ndvi", [-0.1, 0.27, 0.3, 0.45, 0.5, 0.6], [1, 1, 3, 5, 7, 9]),
    ("seed000", "mndwi", [-0.7, -0.34, -0.3, -0.1, 0.3, 0.8], [1, 1, 3, 5, 7, 9]),
    ("seed000", "population", [0.0, 0.011, 0.02, 0.1, 0.2, 0.5], [1, 1, 3, 5, 7, 9]),
    ("seed000", "road_density", [50, 81.78, 100, 300, 500, 900], [1, 1, 3, 5, 7, 9]),
    # Feng et al. (2024), Table 1 (1-5).
    ("seed001", "slope", [5, 10, 15, 25, 35, 45], [1, 1, 2, 3, 4, 5]),
    ("seed001", "dem", [-300, -150, -10, 100, 150, 300, 400, 600], [3, 2, 1, 1, 2, 3, 4, 5]),
    ("seed001", "ndvi", [0.1, 0.2, 0.3, 0.45, 0.55, 0.6, 0.7], [5, 5, 4, 3, 2, 2, 1]),
    ("seed001", "water_distance", [100, 500, 700, 1200, 1800, 2500], [1, 1, 2, 3, 4, 5]),
    ("seed001", "motorway_distance", [100, 500, 700, 1200, 1800, 2500], [5, 5, 4, 3, 2, 1]),
    ("seed001", "highway_distance", [100, 200, 300, 500, 700, 900], [5, 5, 4, 3, 2, 1]),
    ("seed001", "nightlight", [1, 5, 10, 20, 45, 70], [1, 1, 2, 3, 4, 5]),
    # Yang et al., Table 1 (1-5; elevation band 2 read as 1043~1232).
    ("seed002", "elevation", [600, 1043, 1100, 1300, 1500, 2000], [1, 1, 2, 3, 4, 5]),
    ("seed002", "slope", [5, 12, 20, 30, 45], [1, 2, 3, 4, 5]),
    ("seed002", "mine_distance", [500, 2000, 3000, 5000, 8000], [1, 2, 3, 4, 5]),
]


@pytest.mark.parametrize("preset, factor, values, expected", CASES)
def test_preset_grades_match_the_printed_tables(preset, factor, values, expected):
    assert _grades(_factors(preset)[factor], values) == expected


def test_preset_land_cover_tables():
    lc000 = {int(k): v for k, v in _factors("seed000")["landcover"].table.items()}
    assert [lc000[c] for c in (20, 60, 50, 40, 30, 10, 80, 90)] == [1, 1, 1, 3, 3, 5, 7, 9]
    lc001 = {int(k): v for k, v in _factors("seed001")["landcover"].table.items()}
    assert [lc001[c] for c in (20, 60, 30, 10, 80, 90)] == [1, 2, 3, 4, 5, 5]
    lc002 = {int(k): v for k, v in _factors("seed002")["landuse"].table.items()}
    assert [lc002[c] for c in (20, 30, 10, 60, 80)] == [1, 1, 3, 3, 5]
