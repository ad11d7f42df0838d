"""The [sources] section: rules compose in the study file and mistakes are reported by key."""

from __future__ import annotations

import tomllib

import pytest

from econet.config import parse_study
from econet.errors import StudyError

BASE = """
[landcover]
table = "globeland30"
[layers.landcover]
path = "lc.tif"
kind = "categorical"
[layers.hq]
path = "hq.tif"
[vectors.redline]
path = "redline.gpkg"
[resistance]
weights = { landcover = 1.0 }
"""


def study(text: str):
    return parse_study(tomllib.loads(BASE + text), check_files=False)


def problems(text: str) -> dict[str, str]:
    with pytest.raises(StudyError) as exc:
        study(text)
    return {p.where: p.message for p in exc.value.problems}


def test_seed_002_style_rules_compose():
    s = study(
        """
[sources]
min_area_km2 = 4
protected = ["redline"]
merge_within_m = 500
mean_of = ["hq"]
[sources.connectivity]
index = "dPC"
min_importance_pct = 1
distance_m = 5000
probability = 0.5
[sources.islets]
max_lsi = 2.0
"""
    )
    src = s.sources
    assert src.candidates == ["mspa_core"] and src.protected == ["redline"] and src.merge_within_m == 500
    assert src.connectivity.index == "dPC" and src.connectivity.distance_m == 5000
    assert src.size_classes_km2 is None and src.islets.max_lsi == 2.0
    # the size classes follow the study's scale: 7, 4 and 1 times the minimum source area
    assert src.size_thresholds_km2() == [7.0 * src.min_area_km2, 4.0 * src.min_area_km2, src.min_area_km2]


def test_seed_001_services_rule_defaults():
    s = study('[sources]\ncandidates = ["services"]\n[sources.services]\nweights = { hq = 0.45 }\n')
    r = s.sources.services
    assert (r.block_m, r.levels, r.keep_levels) == (3000.0, 5, 2)


def test_unknown_layers_and_missing_sections_are_reported_together():
    got = problems(
        """
[sources]
candidates = ["services", "sensitivity"]
protected = ["reserves"]
mean_of = ["ndvi"]
[sources.services]
weights = { hq = 0.5, wy = 0.5 }
"""
    )
    assert "[layers.wy]" in got["sources.services.weights.wy"]
    assert "[vectors.reserves]" in got["sources.protected"]
    assert "[layers.ndvi]" in got["sources.mean_of"]
    assert "[sources.sensitivity] is missing" in got["sources"]


@pytest.mark.parametrize(
    "text,where,words",
    [
        ("[sources.services]\nweights = { hq = 1 }\nkeep_levels = 6\n", "sources.services", "cannot exceed"),
        ("[sources.services]\nweights = { hq = 0 }\n", "sources.services.weights", "positive weight"),
        ('[sources.connectivity]\nindex = "dECA"\n', "sources.connectivity.index", "dPC"),
        ("[sources.connectivity]\nprobability = 1\n", "sources.connectivity.probability", "less than 1"),
        ("[sources]\nsize_classes_km2 = [4, 4, 1]\n", "sources", "three different"),
        ('[sources]\nkeep_size_classes = ["huge"]\n', "sources.keep_size_classes.0", "super-large"),
        ("[sources.islets]\nmax_lsi = -1\n", "sources.islets.max_lsi", "greater than 0"),
    ],
)
def test_bad_values_name_their_key(text, where, words):
    got = problems(text)
    assert words in got[where], got
