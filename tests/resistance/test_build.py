"""The [resistance] section end to end on the demo city: factors, weights, presets, errors."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest

from econet.config import parse_study
from econet.demo import generate_city
from econet.errors import LayerError, StudyError
from econet.landcover import GLOBELAND30
from econet.presets import demo_study_text, preset_names
from econet.resistance.build import build_resistance
from econet.resistance.distance import burn

LAYERS = ["landcover", "dem", "ndvi", "mndwi", "nightlight", "population"]
VECTORS = ["roads", "rivers", "water", "mines", "waste_dumps"]


@pytest.fixture(scope="module")
def city():
    return generate_city(size=300, seed=0)


def _study(resistance: dict, layers=LAYERS, vectors=VECTORS):
    doc = {
        "layers": {
            k: {"path": f"{k}.tif", "kind": "categorical" if k == "landcover" else "continuous"} for k in layers
        },
        "vectors": {k: {"path": "city.gpkg", "layer": k} for k in vectors},
        "resistance": resistance,
    }
    return parse_study(doc, check_files=False)


def _build(study, city, rasters=None):
    rasters = rasters or city.rasters
    lc = city.rasters["landcover"]
    return build_resistance(
        study.resistance, rasters.__getitem__, city.vectors.__getitem__, city.grid, lc > 0, GLOBELAND30
    )


def _demo_resistance() -> dict:
    return tomllib.loads(demo_study_text("/tmp/study.toml", "/tmp/data"))["resistance"]


def test_demo_city_pits_dumps_and_core_highest_forest_and_water_lowest(city):
    res = _build(_study(_demo_resistance()), city)
    s, lc, grid = res.surface, city.rasters["landcover"], city.grid
    assert s.dtype == np.float32 and s.shape == grid.shape and np.isfinite(s).all()
    mines = city.vectors["mines"]
    towns = city.vectors["towns"]
    core_point = towns[towns["is_city_core"]].geometry.iloc[0]
    areas = {
        "open pits": burn(mines[mines["method"] == "open_pit"].geometry, grid, all_touched=False),
        "waste dumps": burn(city.vectors["waste_dumps"].geometry, grid, all_touched=False),
        "urban core": burn([core_point.buffer(1500)], grid, all_touched=False) & (lc == 80),
    }
    p10, p25, p90 = np.percentile(s, [10, 25, 90])
    for name, mask in areas.items():
        assert mask.sum() > 50, name
        assert s[mask].mean() >= p90, name  # in the top decile of the map
    low = {"forest": s[lc == 20].mean(), "water": s[lc == 60].mean()}
    others = {c: s[lc == c].mean() for c in (10, 30, 40, 80, 90)}
    assert max(low.values()) <= p25 and max(low.values()) < min(others.values())
    assert s.min() >= 1.0 - 1e-5 and s.max() <= 9.0 + 1e-5  # a weighted mean of levels 1..9
    # The weights table holds the AHP result: weights sum to 1 with a consistency ratio below 0.1.
    w = res.weights
    assert np.isclose(w["weight"].sum(), 1.0) and (w["CR"] < 0.1).all()
    assert list(res.grades) == ["landcover", "mines", "nightlight", "roads", "slope"]


def test_weighted_sum_and_max_combination(city):
    base = {
        "factors": [
            {"name": "landcover", "kind": "landcover"},
            {
                "name": "nightlight",
                "kind": "raster",
                "layer": "nightlight",
                "grading": "quantiles",
                "levels": [1, 2, 3, 4, 5],
            },
        ],
        "weights": {"landcover": 0.6, "nightlight": 0.4},
    }
    res = _build(_study(base), city)
    g = res.grades
    assert np.allclose(res.surface, 0.6 * g["landcover"] + 0.4 * g["nightlight"], atol=1e-5)
    with_mines = dict(
        base, factors=base["factors"] + [{"name": "mines", "kind": "mines", "vector": "mines", "combine": "max"}]
    )
    res2 = _build(_study(with_mines), city)
    assert np.allclose(res2.surface, np.maximum(res.surface, res2.grades["mines"]))
    assert res2.factors.set_index("factor").loc["mines", "combine"] == "max"


def test_entropy_and_pca_weights_from_the_data(city):
    factors = [
        {"name": "landcover", "kind": "landcover"},
        {"name": "ndvi", "kind": "raster", "layer": "ndvi", "grading": "equal_interval", "direction": "decreasing"},
        {
            "name": "rivers",
            "kind": "density",
            "vector": "rivers",
            "radius_m": 500,
            "grading": "manual",
            "breaks": [0.1, 0.5, 1, 2],
        },
    ]
    for method in ("entropy", "pca"):
        res = _build(_study({"factors": factors, "weighting": method, "weights_sample_size": 5000}), city)
        w = res.weights.set_index("factor")["weight"]
        assert np.isclose(w.sum(), 1.0) and (w > 0).all() and len(w) == 3
        assert method in res.weights["method"].iloc[0].lower()


def test_every_preset_parses_and_seed001_runs_on_the_demo_city(city):
    assert {"seed000", "seed000_natural_breaks", "seed001", "seed002", "seed004"} <= set(preset_names())
    extra = ["rock_desertification", "soil_erosion"]  # Yang et al.'s correction indices
    for name in preset_names():
        study = _study({"preset": name}, layers=LAYERS + extra, vectors=VECTORS + ["geohazards"])
        assert study.resistance.factors, name
        w = study.resistance.resolved_weights()
        assert w is None or np.isclose(sum(w.values()), 1.0), name
    s001 = _study({"preset": "seed001"}).resistance
    assert s001.resolved_weights()["landcover"] == 0.25 and len(s001.factors) == 9
    assert np.isclose(
        sum(
            _study({"preset": "seed002"}, layers=LAYERS + extra, vectors=VECTORS + ["geohazards"])
            .resistance.resolved_weights()
            .values()
        ),
        1,
    )
    # Yang et al.'s preset runs on the demo city: every correction index exists there.
    s002 = _build(_study({"preset": "seed002"}, layers=LAYERS + extra, vectors=VECTORS + ["geohazards"]), city)
    assert np.nanmin(s002.surface) >= 1 - 1e-5 and np.nanmax(s002.surface) <= 5 / 1.0 + 3 + 1e-5
    res = _build(_study({"preset": "seed001"}), city)
    assert res.surface.min() >= 1 - 1e-5 and res.surface.max() <= 5 + 1e-5
    grid, mines = city.grid, city.vectors["mines"]
    pits = burn(mines[mines["method"] == "open_pit"].geometry, grid, all_touched=False)
    assert res.surface[pits].mean() > np.percentile(res.surface, 90)
    assert res.grades["mines"][pits].min() == 5


def test_preset_keys_can_be_overridden():
    s = _study(
        {
            "preset": "seed000",
            "weights": {
                "dem": 0.2,
                "slope": 0.1,
                "mndwi": 0.1,
                "ndvi": 0.1,
                "landcover": 0.2,
                "population": 0.1,
                "water_density": 0.1,
                "road_density": 0.1,
            },
        }
    )
    assert s.resistance.weights["dem"] == 0.2 and len(s.resistance.factors) == 8


def _problems(resistance: dict, **kw) -> dict[str, str]:
    with pytest.raises(StudyError) as info:
        _study(resistance, **kw)
    return {p.where: p.message for p in info.value.problems}


def test_study_errors_name_the_key_and_the_fix():
    p = _problems({"preset": "seed999"})
    assert "unknown resistance preset 'seed999'" in p["resistance"] and "seed001" in p["resistance"]
    p = _problems(
        {
            "factors": [{"name": "dist", "kind": "distance", "vector": "railways", "grading": "quantiles"}],
            "weights": {"dist": 1},
        }
    )
    assert "railways" in p["resistance.factors.0.vector"]
    p = _problems(
        {"factors": [{"name": "a", "kind": "landcover"}, {"name": "b", "kind": "slope"}], "weights": {"a": 1.0}}
    )
    assert "no weight for factor(s) ['b']" in p["resistance"]
    p = _problems(
        {
            "factors": [
                {"name": "a", "kind": "raster", "layer": "dem", "grading": "manual", "breaks": [1, 2], "levels": [1, 3]}
            ],
            "weights": {"a": 1},
        }
    )
    assert "one more entry than breaks" in p["resistance.factors.0"]
    inconsistent = {
        "factors": [{"name": n, "kind": "slope"} for n in ("a", "b", "c")],
        "weighting": "ahp",
        "ahp": {"factors": ["a", "b", "c"], "matrix": [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]]},
    }
    p = _problems(inconsistent)
    assert "CR = " in p["resistance.ahp"] and ">= 0.1" in p["resistance.ahp"] and " vs " in p["resistance.ahp"]


def test_missing_values_are_errors_or_declared_choices(city):
    dem = city.rasters["dem"].copy()
    dem[10:20, 10:20] = np.nan
    rasters = dict(city.rasters, dem=dem)
    factor = {"name": "elev", "kind": "raster", "layer": "dem", "grading": "equal_interval"}
    with pytest.raises(LayerError, match="100 cell"):
        _build(_study({"factors": [factor], "weights": {"elev": 1}}), city, rasters)
    res = _build(_study({"factors": [dict(factor, missing="impassable")], "weights": {"elev": 1}}), city, rasters)
    assert np.isnan(res.surface[10:20, 10:20]).all() and np.isfinite(res.surface).sum() == dem.size - 100
    assert res.factors["missing_cells"].iloc[0] == 100
    res = _build(_study({"factors": [dict(factor, missing="highest")], "weights": {"elev": 1}}), city, rasters)
    assert (res.surface[10:20, 10:20] == 9).all()


def test_zero_resistance_is_an_error(city):
    pop = city.rasters["population"]
    assert (pop == 0).any()
    study = _study(
        {
            "factors": [{"name": "pop", "kind": "raster", "layer": "population", "grading": "none"}],
            "weights": {"pop": 1},
        }
    )
    with pytest.raises(LayerError, match=r"resistance.factors.pop.*value <= 0"):
        _build(study, city)


def test_corrections_multiply_and_add(city):
    factors = [{"name": "landcover", "kind": "landcover"}]
    base = _build(_study({"factors": factors, "weights": {"landcover": 1}}), city).surface
    nl = city.rasters["nightlight"]
    res = _build(
        _study(
            {"factors": factors, "weights": {"landcover": 1}, "corrections": [{"name": "light", "layer": "nightlight"}]}
        ),
        city,
    )
    assert np.allclose(res.surface, base * nl / nl.mean(), rtol=1e-5)
    add = {"name": "light", "layer": "nightlight", "mode": "add", "normalize": "minmax", "weight": 2}
    res = _build(_study({"factors": factors, "weights": {"landcover": 1}, "corrections": [add]}), city)
    assert np.allclose(res.surface, base + 2 * (nl - nl.min()) / (nl.max() - nl.min()), rtol=1e-5)
    with pytest.raises(LayerError, match="zero or negative"):
        _build(
            _study({"factors": factors, "weights": {"landcover": 1}, "corrections": [dict(add, mode="multiply")]}), city
        )


def test_vector_filter_errors_before_heavy_work(city):
    f = {
        "name": "d",
        "kind": "distance",
        "vector": "roads",
        "where": {"road_class": ["motorway"]},
        "grading": "quantiles",
    }
    with pytest.raises(LayerError, match="no feature matches"):
        _build(_study({"factors": [f], "weights": {"d": 1}}), city)
    f = dict(f, where={"class": ["expressway"]})
    with pytest.raises(LayerError, match="attribute 'class'"):
        _build(_study({"factors": [f], "weights": {"d": 1}}), city)
