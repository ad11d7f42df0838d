"""Options a landscape ecologist expects: the open sea (large water touching the edge of the
data) and forests inside producing mines are not sources; each is a step of the selection log
(sources_selection.csv) and of the report."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from econet.config import load_study
from econet.pipeline import run_study
from tests.landscapes.build import FOREST, WATER, cropland, write_study
from tests.landscapes.test_study_area import cells


def coast():
    """Sea along the western edge (columns 0-29: 2.7 km²), a lake inside (0.6 km²), two forests."""
    lc = cropland(100)
    lc[:, :30] = WATER
    lc[40:70, 45:72] = WATER  # the lake: same class, not touching the edge
    lc[5:35, 60:95] = FOREST
    lc[72:98, 60:95] = FOREST
    return lc


def _sources(tmp_path, lc, sources="", study=""):
    path = write_study(tmp_path, lc, sources=sources, study=study, extra="[corridors]\ncap_by_dispersal = false\n")
    run = run_study(load_study(path), tmp_path / "run", quiet=True)
    steps = pd.read_csv(tmp_path / "run" / "sources_selection.csv")
    return run.results["sources"].table, steps, (tmp_path / "run" / "report.html").read_text()


def test_open_sea_is_not_a_source_when_asked(tmp_path):
    kept, _, _ = _sources(tmp_path / "all", coast())
    assert kept["source_type"].tolist().count("wetland-water") == 2
    assert kept.iloc[0]["source_type"] == "wetland-water"  # the sea is the largest source
    table, steps, report = _sources(tmp_path / "sea", coast(), sources="exclude_edge_water_km2 = 1.0")
    assert sorted(table["source_type"]) == ["forest", "forest", "wetland-water"]
    lake = table[table["source_type"] == "wetland-water"].iloc[0]
    assert abs(lake["area_km2"] - 25 * 28 * 900 / 1e6) < 0.05  # the lake's core, not the sea
    row = steps[steps["step"] == "open water at the edge dropped"].iloc[0]
    assert row["patches"] == 3 and row["detail"].startswith("1 ≥ 1 km²")
    assert "open water at the edge dropped" in report


def test_forest_inside_a_producing_mine_is_not_a_source(tmp_path):
    lc = cropland(100)
    lc[5:35, 5:35] = FOREST  # under a producing mine: dropped
    lc[5:35, 60:95] = FOREST  # under an abandoned one: kept
    lc[65:95, 30:65] = FOREST
    mines = gpd.GeoDataFrame(
        {"status": ["producing", "abandoned"]}, geometry=[cells(0, 40, 0, 40), cells(0, 40, 55, 100)], crs="EPSG:32650"
    )
    mines.to_file(tmp_path / "mines.gpkg", layer="mines")
    vec = f'[vectors.mines]\npath = "{(tmp_path / "mines.gpkg").as_posix()}"\n'
    table, steps, report = _sources(tmp_path, lc, sources='exclude_mines = "mines"', study=vec)
    assert len(table) == 2
    assert set(table["centroid_x"] > 500000 + 40 * 30) == {True}  # none in the producing mine's columns
    row = steps[steps["step"] == "cells inside producing mines (mines) removed"].iloc[0]
    assert row["detail"] == f"{28 * 28 * 900 / 1e6:.4g} km² removed"  # the MSPA core of the first forest
    assert "cells inside producing mines (mines) removed" in report
