"""The demo city as a series: deterministic, pits expand and a closed quarry is replanted, the
city grows, subsidence lakes appear; only the layers that changed are written for later years."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest

from econet.demo import generate_series, series_section, write_series
from econet.demo.city import _layout
from econet.demo.series import epoch_plan
from econet.rasterops import rasterize

SIZE, SEED = 200, 3  # this city has a producing coal pit, a quarry that closes and two subsidence lakes
YEARS = (2000, 2010, 2020)
FOREST, ARTIFICIAL, BARE = 20, 80, 90


@pytest.fixture(scope="module")
def cities():
    return dict(generate_series(YEARS, size=SIZE, seed=SEED))


def test_same_seed_gives_the_same_series(cities):
    again = dict(generate_series(YEARS, size=SIZE, seed=SEED))
    for year in YEARS:
        for name, array in cities[year].rasters.items():
            assert np.array_equal(array, again[year].rasters[name], equal_nan=True), (year, name)


def test_pits_grow_from_half_their_size_and_the_closed_quarry_is_replanted(cities):
    plan = _layout(SIZE, SEED, 30.0).plan
    first, middle, last = (epoch_plan(plan, f) for f in (0.0, 0.5, 1.0))
    pit = next(i for i, m in enumerate(plan.mines) if m["method"] == "open_pit" and m["status"] == "producing")
    quarry = next(i for i, m in enumerate(plan.mines) if m["method"] == "open_pit" and m["status"] == "abandoned")
    full = plan.mines[pit]["geom"].area
    assert first.mines[pit]["geom"].area == pytest.approx(0.25 * full)  # scaled by 0.5 in x and y
    assert middle.mines[pit]["geom"].area == pytest.approx(0.5625 * full)  # 0.75 squared
    assert last.mines[pit]["geom"].area == pytest.approx(full)
    # The quarry works until the middle of the series, then closes at its full size.
    assert [p.mines[quarry]["status"] for p in (first, middle, last)] == ["producing", "abandoned", "abandoned"]
    assert middle.mines[quarry]["geom"].area == pytest.approx(plan.mines[quarry]["geom"].area)
    grid = cities[2020].grid
    inside = rasterize([(plan.mines[quarry]["geom"], 1)], grid).astype(bool)
    lc_2010, lc_2020 = cities[2010].rasters["landcover"], cities[2020].rasters["landcover"]
    assert np.mean(lc_2010[inside] == BARE) > 0.8  # closed, not yet replanted
    assert np.mean(lc_2020[inside] == FOREST) > 0.8
    assert list(cities[2000].vectors["mines"]["status"]) != list(cities[2020].vectors["mines"]["status"])


def test_the_city_grows_and_subsidence_lakes_appear(cities):
    built = [np.mean(cities[y].rasters["landcover"] == ARTIFICIAL) for y in YEARS]
    assert built[0] < built[1] < built[2]
    assert [len(cities[y].vectors["subsidence_lakes"]) for y in YEARS] == [0, 1, 2]
    # Every lake of the last year is water there, and was not in the first.
    grid = cities[2020].grid
    lakes = rasterize([(g, 1) for g in cities[2020].vectors["subsidence_lakes"].geometry], grid).astype(bool)
    assert np.mean(cities[2020].rasters["landcover"][lakes] == 60) > 0.95
    assert np.mean(cities[2000].rasters["landcover"][lakes] == 60) < 0.05


def test_later_years_write_only_what_changed(cities, tmp_path):
    changed = write_series(((y, cities[y]) for y in YEARS), tmp_path / "data")
    assert (tmp_path / "data" / "layers" / "landcover.tif").exists()  # the first year in full
    assert set(changed) == {2010, 2020}
    for year in (2010, 2020):
        rasters = changed[year]["layers"]
        for name, array in cities[year].rasters.items():
            before = cities[YEARS[YEARS.index(year) - 1]].rasters[name]
            assert (name in rasters) == (not np.array_equal(array, before, equal_nan=True)), (year, name)
        assert "landcover" in rasters and "roads" not in changed[year]["vectors"]
        assert {"mines", "subsidence_lakes"} <= set(changed[year]["vectors"])
    text = series_section(changed, YEARS, tmp_path / "study.toml", {"landcover": {}}, {"mines": {}})
    series = tomllib.loads(text)["series"]
    assert series["years"] == list(YEARS)
    assert series["layers"]["2010"] == {"landcover": "data/2010/layers/landcover.tif"}
    assert series["vectors"]["2020"] == {"mines": "data/2020/city.gpkg"}
