"""The indicators stage end to end: the demo city with every model, and Raleigh's Landsat-7 bands."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import rasterio

from econet.config import load_study, parse_study
from econet.demo.city import generate_city
from econet.demo.write import write_city
from econet.errors import StudyError
from econet.indicators import spectral
from econet.indicators.rsei import rsei
from econet.pipeline import run_study
from econet.presets import demo_study_text
from tests.conftest import RALEIGH, raleigh_study_text

ALL_MODELS = """[indicators]
models = ["spectral", "rsei", "carbon_sink", "habitat_quality", "carbon_storage", "water_yield",
          "water_conservation", "sediment", "elasticity", "sensitivity"]
lst_layer = "thermal"
threshold_flow_accumulation = 300
[indicators.threats.urban]
layer = "threat_urban"
max_distance_m = 3000
weight = 1.0
decay = "exponential"
[indicators.threats.mines]
layer = "threat_mines"
max_distance_m = 2000
weight = 0.8
"""

@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    city = generate_city(200, 0)
    write_city(city, root / "data")
    study_path = root / "study.toml"
    text = demo_study_text(study_path, root / "data")
    text = text[: text.index("[indicators]")] + ALL_MODELS
    text = text.replace("min_area_km2 = 1.0", "min_area_km2 = 0.2")
    study_path.write_text(text)
    run = run_study(load_study(study_path), root / "run", quiet=True)
    return city, run.path


def test_every_model_written(demo_run):
    city, run = demo_run
    for name in (
        "rsei",
        "carbon_sink",
        "habitat_quality",
        "carbon_storage",
        "water_yield",
        "water_conservation",
        "sediment_retention",
        "eco_elasticity",
        "ecological_sensitivity",
    ):
        with rasterio.open(run / f"indicator_{name}.tif") as src:
            a = src.read(1)
        assert np.isfinite(a).mean() > 0.5, name
    with rasterio.open(run / "indicator_rsei.tif") as src:
        r = src.read(1)
    assert np.nanmin(r) == pytest.approx(0) and np.nanmax(r) == pytest.approx(1)
    loadings = pd.read_csv(run / "rsei_loadings.csv").set_index("row")
    assert loadings.loc["ndvi", "PC1"] > 0 and loadings.loc["lst", "PC1"] < 0


def test_carbon_sink_per_source_and_corridor(demo_run):
    city, run = demo_run
    lc = city.rasters["landcover"]
    coef = {20: 0.870, 30: 0.191, 40: 0.230, 50: 0.671, 60: 0.671}  # the Xuzhou SEEC preprint, Table 2, t/(ha a)
    with rasterio.open(run / "sources.tif") as src:
        labels = src.read(1)
    table = pd.read_csv(run / "indicators_sources.csv").set_index("id")
    for sid in table.index[:5]:
        inside = lc[labels == sid]
        want = sum(coef.get(int(c), 0.0) * 0.09 for c in inside)  # 30 m cells: 0.09 ha
        assert table.loc[sid, "carbon_sink_t_a"] == pytest.approx(want, rel=1e-5)
    corridors = pd.read_csv(run / "indicators_corridors.csv")
    assert len(corridors) == len(pd.read_csv(run / "corridors.csv"))
    assert (corridors["carbon_sink_t_a"] >= 0).all() and corridors["area_ha"].sum() > 0
    # Per-source means of every indicator.
    assert {"rsei_mean", "habitat_quality_mean", "water_yield_mean", "sediment_retention_mean"} <= set(table.columns)


def test_raleigh_landsat7_indices_and_rsei_without_lst():
    def band(b):
        with rasterio.open(RALEIGH / f"lsat7_2000_{b}.tif") as src:
            a = src.read(1).astype(np.float32)
            a[a == np.float32(src.nodata)] = np.nan
        return a

    blue, green, red, nir, swir1, swir2 = (band(b) for b in ("10", "20", "30", "40", "50", "70"))
    ndvi = spectral.ndvi(nir, red)
    with rasterio.open(RALEIGH / "ndvi_2000.tif") as src:
        ref = src.read(1)
    ok = np.isfinite(ndvi) & (ref != -9999)
    assert ok.sum() > 150_000
    np.testing.assert_allclose(ndvi[ok], ref[ok], atol=1e-6)  # the data set's own NDVI
    mndwi = spectral.mndwi(green, swir1)
    wet = spectral.wetness(blue, green, red, nir, swir1, swir2, sensor="landsat7")
    ndbsi = spectral.ndbsi(blue, green, red, nir, swir1)
    for a in (mndwi, ndbsi):
        assert np.nanmin(a) >= -1 and np.nanmax(a) <= 1 and np.isfinite(a).sum() > 150_000
    # Water (MNDWI > 0) is wetter than land by tasselled-cap wetness.
    assert np.nanmean(wet[mndwi > 0.2]) > np.nanmean(wet[mndwi < -0.2])
    res = rsei(ndvi, wet, ndbsi, None, without_lst=True, mask=~(mndwi > 0))
    assert res.indicators == ("ndvi", "wet", "ndbsi") and 0 <= np.nanmin(res.rsei) < np.nanmax(res.rsei) <= 1
    # Greener cells score higher.
    assert np.corrcoef(res.rsei[np.isfinite(res.rsei)], ndvi[np.isfinite(res.rsei)])[0, 1] > 0.5


def _raleigh_study(tmp_path, extra: str):
    text = raleigh_study_text()
    bands = "".join(
        f'[layers.{n}]\npath = "{(RALEIGH / f"lsat7_2000_{b}.tif").as_posix()}"\n'
        for n, b in (("blue", "10"), ("green", "20"), ("red", "30"), ("nir", "40"), ("swir1", "50"), ("swir2", "70"))
    )
    text = text.replace("[landcover]", bands + "[landcover]") + extra
    path = tmp_path / "raleigh.toml"
    path.write_text(text)
    return path


def test_raleigh_rsei_refused_without_lst_then_explicit(tmp_path):
    refused = _raleigh_study(tmp_path, '[indicators]\nmodels = ["spectral", "rsei"]\nsensor = "landsat7"\n')
    with pytest.raises(StudyError, match="rsei_without_lst"):
        run_study(load_study(refused), tmp_path / "run1", quiet=True)
    ok = _raleigh_study(
        tmp_path, '[indicators]\nmodels = ["spectral", "rsei"]\nsensor = "landsat7"\nrsei_without_lst = true\n'
    )
    run = run_study(load_study(ok), tmp_path / "run2", quiet=True).path
    loadings = pd.read_csv(run / "rsei_loadings.csv").set_index("row")
    assert list(loadings.index[:3]) == ["ndvi", "wet", "ndbsi"] and "lst" not in loadings.index
    for name in ("ndvi", "mndwi", "wet", "ndbsi", "rsei"):
        assert (run / f"indicator_{name}.tif").exists()


def test_config_checks():
    base = {"layers": {"landcover": {"path": "x", "kind": "categorical"}, "dem": {"path": "d"}}}
    with pytest.raises(StudyError, match="threats"):
        parse_study({**base, "indicators": {"models": ["habitat_quality"]}}, check_files=False)
    with pytest.raises(StudyError, match="indicators.models"):
        parse_study({**base, "indicators": {"models": ["ndvi"]}}, check_files=False)
    s = parse_study(base, check_files=False)
    assert s.indicators is None  # the stage is skipped
    ind = {"models": ["carbon_sink"], "lst_layer": "tirs", "lst_kind": "radiance"}
    s = parse_study({**base, "indicators": ind}, check_files=False)
    assert s.indicators.lst_kind == "radiance" and s.indicators.layer_keys() == {}
    bad = {
        "models": ["habitat_quality", "water_yield", "rsei"],
        "threats": {"urban": {"layer": "nope", "max_distance_m": 1}},
    }
    with pytest.raises(StudyError) as err:
        parse_study({**base, "indicators": bad}, check_files=False)
    msg = str(err.value)  # every missing layer named at once, before any stage runs
    for key in (
        "indicators.threats.urban.layer",
        "indicators.precipitation_layer",
        "indicators.bands.swir2",
        "indicators.lst_layer",
    ):
        assert key in msg, key
    with pytest.raises(StudyError, match="indicators.lst_kind"):
        parse_study({**base, "indicators": {"lst_kind": "fahrenheit"}}, check_files=False)


def test_invest_backend_missing_says_how_to_install(monkeypatch):
    from econet.errors import EconetError
    from econet.indicators import invest

    monkeypatch.setattr(invest, "available", lambda: False)
    with pytest.raises(EconetError, match="'invest' extra"):
        invest.carbon_storage(np.zeros((2, 2), np.int32), None, None, "/tmp")
