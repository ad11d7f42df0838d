"""Each study preset (the five papers' methods) validates and runs end to end on a small demo
city and writes the products its paper reports; `econet init --preset` and `econet demo --preset`."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest
import tomli_w
from typer.testing import CliRunner

from econet.cli import app
from econet.config import load_study
from econet.demo import generate_city, write_city
from econet.pipeline import run_study
from econet.presets import study_preset_names, study_preset_text

# What each paper reports, as run products (docs/presets/).
PRODUCTS = {
    # sources, modified-MCR corridors with the energy factors, dIIC, topology, correlations with
    # RSEI, robustness, stepping stones, the carbon sink of sources and corridors
    "seed000": [
        "sources.gpkg",
        "stepping_stones.gpkg",
        "mcr_energy_factors.csv",
        "corridors.gpkg",
        "connectivity_nodes.csv",
        "network_nodes.csv",
        "network_correlations.csv",
        "robustness_summary.csv",
        "indicator_rsei.tif",
        "indicators_sources.csv",
        "indicators_corridors.csv",
    ],
    # service importance levels with PCA weights (KMO), size classes, dPC, gravity classes, breakpoints
    "seed001": [
        "services_level.tif",
        "sources_weights.csv",
        "sources.csv",
        "gravity_matrix.csv",
        "corridors.gpkg",
        "connectivity_nodes.csv",
    ],
    # sources with dPC levels, corrected resistance, pinch points, barriers, corridor classes, zones
    "seed002": [
        "sources.csv",
        "resistance_factors.csv",
        "pinchpoints.gpkg",
        "barriers.gpkg",
        "centrality_edges.csv",
        "zones.csv",
    ],
    # sensitivity classes with AHP of experts, merged patches, IIC levels, corridor tiers
    "seed003": ["sensitivity_class.tif", "sources_weights.csv", "sources.csv", "corridors.gpkg"],
    # overlay of connectivity and sensitivity levels, pinch points, barriers, indicator means per
    # pinch point and barrier, Spearman correlations, robustness curves
    "seed004": [
        "connectivity_level.tif",
        "sensitivity_class.tif",
        "pinchpoints.gpkg",
        "barriers.gpkg",
        "pinchpoints_means.csv",
        "network_correlations.csv",
        "robustness_summary.csv",
    ],
}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    out = tmp_path_factory.mktemp("presets") / "data"
    write_city(generate_city(size=400, seed=0), out)
    return out


def test_every_paper_has_a_study_preset():
    assert study_preset_names() == ["seed000", "seed001", "seed002", "seed003", "seed004"]
    with pytest.raises(ValueError, match="choose one of"):
        study_preset_text("seed009", "s.toml", "data")


# The 12 km test city is far smaller than the studies' cities: Tong et al.'s 4 km² minimum leaves
# one source there, 1 km² two.
SMALL_CITY = {"seed004": {"sources": {"min_area_km2": 1.0}}}
# Feng et al.'s rule (top two service levels on 3 km blocks, super-large patches) finds one
# source on the 12 km test city (five on the 45 km demo city); a run with one source completes.


@pytest.mark.parametrize("name", sorted(PRODUCTS))
def test_preset_runs_on_the_demo_city(name, data, tmp_path):
    doc = tomllib.loads(study_preset_text(name, tmp_path / "study.toml", data))
    doc["robustness"]["random_repeats"] = 3  # a few repeats keep the test fast
    for section, keys in SMALL_CITY.get(name, {}).items():
        doc[section].update(keys)
    path = tmp_path / "study.toml"
    path.write_text(tomli_w.dumps(doc))
    run = run_study(load_study(path), tmp_path / "run", quiet=True)
    sources = run.results["sources"].table
    assert len(sources) >= 1
    for product in PRODUCTS[name]:
        assert (tmp_path / "run" / product).exists(), f"{name}: {product} missing"
    assert (tmp_path / "run" / "report.html").exists()
    if name == "seed002":  # sources graded by dPC, corridors by centrality, zone shares add to 100 %
        src = pd.read_csv(tmp_path / "run" / "sources.csv")
        assert set(src["level"]) <= {1, 2, 3} and 1 in set(src["level"])
        edges = pd.read_csv(tmp_path / "run" / "centrality_edges.csv")
        assert set(edges["centrality_class"]) <= {"extremely important", "important", "general"}
        zones = pd.read_csv(tmp_path / "run" / "zones.csv")
        for _, t in zones.groupby(["zoning", "product"]):
            assert t["share_pct"].sum() == pytest.approx(100.0, abs=1e-3)  # CSV: six significant digits


def test_init_and_demo_take_a_preset(data, tmp_path):
    runner = CliRunner()
    study = tmp_path / "s.toml"
    res = runner.invoke(app, ["init", "--preset", "seed003", "--data", str(data), str(study)])
    assert res.exit_code == 0, res.output
    assert "Chang et al. (2018)" in study.read_text()
    load_study(study)  # validates
    bad = runner.invoke(app, ["init", "--preset", "nope", "--data", str(data), str(tmp_path / "t.toml")])
    assert bad.exit_code == 2 and "choose one of" in bad.output and "Traceback" not in bad.output
    bad = runner.invoke(app, ["demo", "--preset", "nope", "--size", "100", "--out", str(tmp_path / "d")])
    assert bad.exit_code == 2 and "seed000" in bad.output
