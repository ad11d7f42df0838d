"""Windowed and whole-grid runs give identical products (issue 20).

The demo city at 200 x 200 cells is run twice, on the whole grid and on 64 x 64 windows, with a
study that exercises every whole-grid statistic the raster stages gather over windows: natural
breaks on a seeded sample, quantiles, equal intervals, entropy weights on a sample, a correction
scaled by its exact mean and one by its range, RSEI's minima, maxima and covariance sample, the dimidiate pixel model's NDVI
percentiles, eco-elasticity's Shannon diversity with a halo and slope with a halo. Every product
file must be the same bytes.
"""

from __future__ import annotations

import re

import pytest

from econet.config import load_study
from econet.config.run import RunSection
from econet.demo import generate_city, write_city
from econet.pipeline import run_study
from econet.presets import demo_study_text

SIZE = 200
WINDOW = 64

FACTORS = """
[[resistance.factors]]
name = "landcover"
kind = "landcover"

[[resistance.factors]]
name = "nightlight"
kind = "raster"
layer = "nightlight"
grading = "natural_breaks"
sample_size = 500

[[resistance.factors]]
name = "population"
kind = "raster"
layer = "population"
grading = "quantiles"

[[resistance.factors]]
name = "slope"
kind = "slope"
layer = "dem"
grading = "equal_interval"

[[resistance.factors]]
name = "roads"
kind = "distance"
vector = "roads"
grading = "natural_breaks"
direction = "decreasing"

[[resistance.factors]]
name = "ndvi"
kind = "raster"
layer = "ndvi"
grading = "natural_breaks"
transform = "abs"
sample_size = 800
seed = 3

[[resistance.corrections]]
name = "lights"
layer = "nightlight"
mode = "add"
normalize = "minmax"
weight = 2

[[resistance.corrections]]
name = "people"
layer = "population"
mode = "add"
normalize = "mean"
"""


def _study_text(text: str) -> str:
    """The demo study with the resistance above (entropy weights on a sample) and every
    indicator model that runs window by window."""
    start = text.index("[resistance]")
    end = text.index("# ---- Corridors")
    resistance = '[resistance]\nweighting = "entropy"\nweights_sample_size = 3000\n' + FACTORS + "\n"
    text = text[:start] + resistance + text[end:]
    text = re.sub(
        r"^models = \[.*\]$",
        'models = ["spectral", "rsei", "carbon_sink", "carbon_storage", '
        '"water_yield", "water_conservation", "sediment", "elasticity", "sensitivity", '
        '"habitat_quality"]',
        text,
        count=1,
        flags=re.M,
    )
    text = re.sub(r"^random_repeats = \d+", "random_repeats = 5", text, count=1, flags=re.M)
    return re.sub(r"^(lst_layer = .*)$", r"\1\nrsei_sample_cells = 5000", text, count=1, flags=re.M)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("windowed")
    write_city(generate_city(size=SIZE, seed=0), root / "data")
    study_path = root / "study.toml"
    study_path.write_text(_study_text(demo_study_text(study_path, root / "data")), encoding="utf-8")
    study = load_study(study_path)
    assert study.resistance.weighting == "entropy" and "sensitivity" in study.indicators.models
    assert study.indicators.rsei_sample_cells == 5000  # fewer than the valid cells: a sample
    whole = run_study(study, root / "whole", quiet=True)
    windowed = run_study(
        study.model_copy(update={"run": RunSection(window_cells=WINDOW)}), root / "windowed", quiet=True
    )
    return whole, windowed


def test_every_product_is_the_same_bytes(runs):
    whole, windowed = runs
    files = sorted(p.relative_to(whole.folder.path) for p in whole.folder.path.rglob("*") if p.is_file())
    products = [p for p in files if p.name not in ("manifest.json", ".lock")]
    assert len(products) > 50 and any(p.name == "resistance.tif" for p in products)
    assert any(p.name == "indicator_ecological_sensitivity.tif" for p in products)
    different = [
        str(p) for p in products if (whole.folder.path / p).read_bytes() != (windowed.folder.path / p).read_bytes()
    ]
    assert different == []
    assert sorted(p.relative_to(windowed.folder.path) for p in windowed.folder.path.rglob("*") if p.is_file()) == files


def test_the_windowed_statistics_were_needed(runs):
    # the study really grades by data-derived breaks and weights: entropy weights differ between
    # factors and the natural breaks of the sampled factor are in the factors table
    whole, _ = runs
    factors = whole.results["resistance"].factors.set_index("factor")
    assert factors.loc["nightlight", "method"] == "natural_breaks" and factors.loc["nightlight", "breaks"]
    assert factors.loc["population", "method"] == "quantiles"
    weights = factors["weight"].dropna()
    assert weights.nunique() > 3 and abs(weights.sum() - 1) < 1e-9
    loadings = whole.results["indicators"].loadings
    assert loadings is not None and len(loadings)
