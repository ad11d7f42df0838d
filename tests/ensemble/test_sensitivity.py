"""``econet sensitivity`` end to end on a constructed landscape: two forest blocks on cropland,
one corridor between them whose cost is known from a single run."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import rasterio
from typer.testing import CliRunner

from econet.cli import app
from econet.config import load_study
from econet.config.overrides import with_overrides
from econet.ensemble import WeightTable, corridor_mask, source_mask
from econet.errors import StudyError
from econet.pipeline import run_study
from econet.scenarios.validation import network_measures
from econet.sensitivity import design_of, sensitivity_study
from tests.landscapes.build import FOREST, cropland, write_study


@pytest.fixture(scope="module")
def two_blocks(tmp_path_factory):
    """The study (no dispersal cap: the one corridor always exists), its single run's measures,
    source and corridor cells, and the corridor's cost."""
    folder = tmp_path_factory.mktemp("two_blocks")
    lc = cropland(100)
    lc[5:35, 5:35] = FOREST
    lc[65:95, 65:95] = FOREST
    path = write_study(folder, lc, extra="[corridors]\ncap_by_dispersal = false\n")
    run = run_study(load_study(path), folder / "single", quiet=True)
    r = run.results
    assert len(r["corridors"].paths) == 1
    return {
        "path": path,
        "measures": network_measures(
            r["sources"], r["corridors"], r["connectivity"], r["network"], r["robustness"], r.get("summaries")
        ),
        "cost": float(r["corridors"].paths["cost"].iloc[0]),
        "sources": source_mask(r["sources"].labels),
        "corridors": corridor_mask(r["corridors"].tiers, run.landscape.grid),
        "text": path.read_text(),
    }


def _with_section(two_blocks, tmp_path, section: str):
    path = tmp_path / "study.toml"
    path.write_text(two_blocks["text"] + "\n[sensitivity]\n" + section)
    return load_study(path)


def test_zero_spread_reproduces_the_single_run(two_blocks, tmp_path):
    study = _with_section(two_blocks, tmp_path, "weights = 'fixed'\nrelative_range = 0\n")
    res = sensitivity_study(study, tmp_path / "ens", samples=2, seed=5, quiet=True)
    assert res.parameters.shape == (2, 0)
    single = two_blocks["measures"]  # `econet run` of the study without [sensitivity]
    assert res.baseline.keys() == single.keys()
    assert all(res.baseline[m] == v or (np.isnan(v) and np.isnan(res.baseline[m])) for m, v in single.items())
    for i in (1, 2):
        for m, v in res.baseline.items():
            got = res.measures.loc[i, m]
            assert got == v or (np.isnan(got) and np.isnan(v)), m
        stages = json.loads((tmp_path / "ens" / "samples" / f"{i:03d}" / "manifest.json").read_text())["stages"]
        ran = [s for s, e in stages.items() if not e.get("skipped")]
        assert ran and all(stages[s]["cached"] for s in ran)  # every stage taken from the baseline
    assert np.array_equal(res.source_frequency == 1, two_blocks["sources"])
    assert np.array_equal(res.corridor_frequency == 1, two_blocks["corridors"])
    assert set(np.unique(res.source_frequency)) == {0.0, 1.0}
    assert (res.spread["sd"] == 0).all()


def test_a_corridor_below_a_cost_cap_has_the_share_of_samples_above_its_cost(two_blocks, tmp_path):
    cost = two_blocks["cost"]
    section = f"weights = 'fixed'\nrelative_range = 0\nmax_cost = [{0.5 * cost}, {1.5 * cost}]\n"
    study = _with_section(two_blocks, tmp_path, section)
    out = tmp_path / "ens"
    res = sensitivity_study(study, out, samples=6, seed=1, quiet=True)
    caps = res.parameters["max_cost"]
    share = float((caps >= cost).mean())
    assert 0 < share < 1  # the seed draws caps on both sides of the corridor's cost
    assert res.measures["corridors"].tolist() == (caps >= cost).astype(int).tolist()
    freq = res.corridor_frequency
    corridor = two_blocks["corridors"] & ~two_blocks["sources"]
    assert np.allclose(freq[corridor], share) and (freq[~two_blocks["corridors"]] == 0).all()
    assert (res.source_frequency[two_blocks["sources"]] == 1).all()
    with rasterio.open(out / "corridor_frequency.tif") as src:
        assert np.allclose(src.read(1)[corridor], share)
    best = res.strongest.set_index("measure")
    assert best.loc["corridors", "parameter"] == "max_cost" and best.loc["corridors", "rho"] > 0
    rows = pd.read_csv(out / "samples.csv")
    assert len(rows) == 6 and {"sample", "max_cost", "ECA_km2", "corridors"} <= set(rows.columns)
    assert "Which parameter moves each measure" in (out / "report.html").read_text()


def test_with_overrides_names_the_key_at_fault(two_blocks):
    study = load_study(two_blocks["path"])
    assert with_overrides(study, {}) == study
    s = with_overrides(study, {"sources.mspa.edge_width_m": 60, "corridors.max_cost": 2000})
    assert s.sources.mspa.edge_width_m == 60 and s.corridors.max_cost == 2000
    assert s.sources.min_area_km2 == study.sources.min_area_km2
    with pytest.raises(StudyError) as exc:
        with_overrides(study, {"sources.min_area_km2": -1, "corridors.max_cots": 5})
    assert {p.where for p in exc.value.problems} == {"sources.min_area_km2", "corridors.max_cots"}


def test_cli_bad_sensitivity_key_exits_2(two_blocks, tmp_path):
    path = tmp_path / "study.toml"
    path.write_text(two_blocks["text"] + "\n[sensitivity]\nmax_cost = [5000, 1000]\nsampels = 3\n")
    result = CliRunner().invoke(app, ["sensitivity", str(path), "--samples", "2", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "sensitivity.max_cost" in result.output and "sensitivity.sampels" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()  # refused before any run


def test_the_default_design_of_a_study(two_blocks, tmp_path):
    study = load_study(two_blocks["path"])  # given weights {landcover = 1}, 30 m cells, no corridor cap
    d = design_of(study, cell_size_m=30.0)
    assert d.tables == (WeightTable("resistance", "dirichlet", weights={"landcover": 1.0}),)
    assert d.concentration == 100.0
    ranges = {t.name: (t.key, t.low, t.high) for t in d.thresholds}
    assert ranges == {
        "min_area_km2": ("sources.min_area_km2", 0.375, 0.625),  # 0.5 km2 +- 25 %
        "edge_width_m": ("sources.mspa.edge_width_m", 30.0, 60.0),  # one cell, +- one cell, at least one
        "distance_m": ("connectivity.distance_m", 3750.0, 6250.0),  # 5000 m +- 25 %; no max_cost to vary
    }
    with pytest.raises(StudyError, match="sensitivity.weights"):
        design_of(_with_section(two_blocks, tmp_path, "weights = 'ahp'\n"), cell_size_m=30.0)
