"""The circuit stage in the pipeline: off by default, on with a [circuit] section (Raleigh data)."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio

from econet.config import load_study
from econet.pipeline import run_study
from tests.conftest import raleigh_study_text


def test_circuit_stage_on_raleigh(tmp_path):
    study_path = tmp_path / "raleigh.toml"
    study_path.write_text(
        raleigh_study_text(min_area_km2=2.0)
        + "\n[corridors]\nwidth_cost = 3000\n[circuit]\nbarrier_radii_m = [60, 120]\n"
    )
    out = tmp_path / "run"
    run_study(load_study(study_path), out, quiet=True, study_path=str(study_path))
    manifest = json.loads((out / "manifest.json").read_text())
    assert not manifest["stages"]["circuit"].get("skipped")
    edges = pd.read_csv(out / "centrality_edges.csv")
    corridors = pd.read_csv(out / "corridors.csv")
    assert len(edges) == len(corridors) > 0
    assert (edges["effective_resistance"] > 0).all() and (edges["current_flow_centrality"] > 0).all()
    nodes = pd.read_csv(out / "centrality_nodes.csv")
    k = len(nodes)
    # every source carries at least its own k-1 unit currents
    assert (nodes["current_flow_centrality"] >= k - 1 - 1e-6).all()
    with rasterio.open(out / "pinchpoint_current.tif") as src:
        cur = src.read(1)
    inside = np.isfinite(cur)
    assert inside.any() and np.nanmax(cur) > 0
    pins = gpd.read_file(out / "pinchpoints.gpkg")
    assert len(pins) > 0 and (pins["area_ha"] > 0).all() and "landcover" in pins
    bars = gpd.read_file(out / "barriers.gpkg")
    assert "area_ha" in bars
    assert "Circuit theory" in (out / "report.html").read_text()


def test_circuit_stage_skipped_without_section(tmp_path):
    study_path = tmp_path / "raleigh.toml"
    study_path.write_text(raleigh_study_text(min_area_km2=2.0))
    study = load_study(study_path)
    assert study.circuit is None
    from econet.pipeline import plan

    assert "circuit" not in [s.name for s in plan(study)]
