"""The resistance stage on written demo layers: its products in the run folder."""

from __future__ import annotations

import numpy as np
import pandas as pd
import rasterio

from econet.config import load_study
from econet.demo import generate_city, write_city
from econet.io.run import RunFolder
from econet.pipeline import stage_refs
from econet.presets import demo_study_text
from econet.stages import Context, landscape_of
from econet.stages.resistance import STAGE as RESISTANCE_STAGE


def test_stage_writes_surface_grades_factors_and_weights(tmp_path):
    data, study_path = tmp_path / "data", tmp_path / "study.toml"
    write_city(generate_city(size=200, seed=0), data)
    study_path.write_text(demo_study_text(study_path, data))
    study = load_study(study_path)
    ctx = Context(study=study, landscape=landscape_of(study), run=RunFolder(tmp_path / "run"))
    res = RESISTANCE_STAGE.compute(ctx)
    products = RESISTANCE_STAGE.write(ctx, res)
    names = ["landcover", "mines", "nightlight", "roads", "slope"]
    assert products == ["resistance.tif", "resistance_factors.csv", "resistance_weights.csv"] + [
        f"resistance_grades/{n}.tif" for n in names
    ]
    with rasterio.open(tmp_path / "run" / "resistance.tif") as src:
        surface = src.read(1)
    assert np.allclose(surface, res.surface, equal_nan=True) and np.nanmin(surface) >= 1 - 1e-5
    with rasterio.open(tmp_path / "run" / "resistance_grades" / "roads.tif") as src:
        roads = src.read(1)
    assert set(np.unique(roads[np.isfinite(roads)])) <= {1, 3, 5, 7, 9}
    factors = pd.read_csv(tmp_path / "run" / "resistance_factors.csv")
    assert factors["factor"].tolist() == names and np.isclose(factors["weight"].sum(), 1.0)
    weights = pd.read_csv(tmp_path / "run" / "resistance_weights.csv")
    assert (weights["CR"] < 0.1).all() and weights.loc[0, "vs_mines"] == "2"
    # Weighted sum of the written grades gives the written surface.
    total = sum(w * res.grades[f] for f, w in zip(factors["factor"], factors["weight"]))
    assert np.allclose(total, surface, atol=1e-4, equal_nan=True)
    inputs = [f"{r.kind}s.{r.name}" for r in stage_refs(RESISTANCE_STAGE, study)]
    assert inputs == ["layers.landcover", "vectors.mines", "layers.nightlight", "vectors.roads", "layers.dem"]
