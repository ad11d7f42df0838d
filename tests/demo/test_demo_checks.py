"""The demo city as a landscape ecologist reads it: no pinch point lies on a source, and the
important corridors are not the short links across a road between two pieces of one forest."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio import features

from econet.config import load_study
from econet.demo import generate_city, write_city
from econet.pipeline import run_study
from econet.presets import demo_study_text


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo_checks")
    write_city(generate_city(size=400, seed=0), root / "data")
    text = demo_study_text(root / "study.toml", root / "data").replace("random_repeats = 100", "random_repeats = 5")
    assert "\n[circuit]" in text  # the demo study maps pinch points and barriers
    (root / "study.toml").write_text(text)
    return run_study(load_study(root / "study.toml"), root / "run", quiet=True)


def test_no_pinch_point_overlaps_a_source(demo_run):
    labels = demo_run.results["sources"].labels
    circuit = demo_run.results["circuit"]
    with rasterio.open(demo_run.product("sources.tif")) as src:
        transform = src.transform
    pins = circuit.pinchpoints
    assert len(pins) > 0
    cells = features.rasterize([(g, 1) for g in pins.geometry], out_shape=labels.shape, transform=transform)
    assert cells.sum() > 0 and not (cells.astype(bool) & (labels > 0)).any()
    assert np.isnan(circuit.current[labels > 0]).all()


def test_important_corridors_are_not_road_crossings(demo_run):
    paths = demo_run.results["corridors"].paths
    crossings = paths[paths["class"] == "crossing"]
    important = paths[paths["class"] == "important"]
    # the demo's forests are cut by roads: their pieces are linked by crossings of 120-135 m
    assert len(crossings) >= 1 and (crossings["length_m"] < 250).all()
    assert len(important) >= 1 and (important["length_m"] >= 250).all()
