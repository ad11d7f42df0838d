"""End to end: the Raleigh study through every stage; caching; the run folder's contents."""

from __future__ import annotations

import json
from dataclasses import dataclass

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import rasterio

from econet.config import load_study
from econet.pipeline import STAGES, run_study
from tests.conftest import raleigh_study_text

PRODUCTS = [
    "mspa.tif",
    "mspa_stats.csv",
    "sources.gpkg",
    "sources.tif",
    "sources.csv",
    "resistance.tif",
    "resistance_factors.csv",
    "cost_distance.tif",
    "allocation.tif",
    "corridors.gpkg",
    "corridors.csv",
    "connectivity_nodes.csv",
    "connectivity_overall.csv",
    "network.graphml",
    "network.gexf",
    "network_correlations.csv",
    "network_correlations.png",
    "network.gpkg",
    "network_nodes.csv",
    "network_edges.csv",
    "network_summary.csv",
    "robustness.csv",
    "robustness.png",
    "robustness_summary.csv",
    "robustness_edges.csv",
    "report.html",
    "map_network.png",
    "manifest.json",
]


def test_raleigh_end_to_end_and_cache(tmp_path):
    study_path = tmp_path / "raleigh.toml"
    study_path.write_text(raleigh_study_text(min_area_km2=0.5))
    out = tmp_path / "run"
    run_study(load_study(study_path), out, quiet=True, study_path=str(study_path))
    for name in PRODUCTS:
        assert (out / name).exists(), name
    assert not list(out.rglob("*.part*"))  # atomic writes leave no temporary files

    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["stages"]) == {s.name for s in STAGES}
    assert manifest["inputs"]["layers.landcover"]["sha256"] and manifest["versions"]["pyguidos"]
    assert manifest["grid"]["cell_size_m"] == 28.5 and manifest["finished"]
    assert all(not s["cached"] for s in manifest["stages"].values())

    sources = gpd.read_file(out / "sources.gpkg")
    assert len(sources) >= 5 and (sources["area_km2"] >= 0.5).all()
    assert set(sources["source_type"]) <= {"forest", "shrub-grass", "wetland-water"}
    with rasterio.open(out / "sources.tif") as src:
        labels = src.read(1)
        assert src.crs.to_epsg() == 3358 and src.res == (28.5, 28.5)
        assert src.profile["tiled"] and src.profile["compress"] == "deflate"
    assert np.allclose(np.bincount(labels.ravel())[1:] * 28.5**2 / 1e6, sources.sort_values("id")["area_km2"])

    corridors = gpd.read_file(out / "corridors.gpkg", layer="corridors")
    assert len(corridors) >= len(sources) - 1
    assert (corridors["from_id"] < corridors["to_id"]).all()
    assert (corridors["cost"] > 0).all() and (corridors["length_m"] >= corridors["euclid_m"]).all()
    g = nx.read_graphml(out / "network.graphml")
    assert g.number_of_nodes() == len(sources) and g.number_of_edges() == len(corridors)
    curves = pd.read_csv(out / "robustness.csv")
    assert {"random", "targeted-degree-recalculated"} == set(curves["strategy"])
    html = (out / "report.html").read_text()
    assert "map_network.png" in html and "Raleigh, NC" in html

    # Unchanged study: every stage reused.
    mtime = (out / "corridors.gpkg").stat().st_mtime_ns
    run_study(load_study(study_path), out, quiet=True)
    manifest = json.loads((out / "manifest.json").read_text())
    assert all(s["cached"] or s.get("skipped") for s in manifest["stages"].values())  # optional stages skip
    assert (out / "corridors.gpkg").stat().st_mtime_ns == mtime

    # A robustness parameter changes only robustness and the report.
    study_path.write_text(raleigh_study_text(min_area_km2=0.5).replace("random_repeats = 20", "random_repeats = 7"))
    run_study(load_study(study_path), out, quiet=True)
    manifest = json.loads((out / "manifest.json").read_text())
    rerun = {k for k, s in manifest["stages"].items() if not s["cached"] and not s.get("skipped")}
    assert rerun == {"robustness", "report"}

    # The source threshold reruns sources and everything downstream, not MSPA or resistance.
    study_path.write_text(raleigh_study_text(min_area_km2=1.0).replace("random_repeats = 20", "random_repeats = 7"))
    run_study(load_study(study_path), out, quiet=True)
    manifest = json.loads((out / "manifest.json").read_text())
    rerun = {k for k, s in manifest["stages"].items() if not s["cached"] and not s.get("skipped")}
    assert rerun == {"sources", "corridors", "connectivity", "network", "robustness", "report"}
    assert len(gpd.read_file(out / "sources.gpkg")) < len(sources)


@dataclass
class Result:
    big: np.ndarray
    small: np.ndarray
    table: pd.DataFrame


def test_cache_keeps_large_arrays_in_a_file(tmp_path):
    """A stored result comes back with its large arrays as read-only views of the cache's arrays
    file (equal values, small ones in the pickle); storing again replaces that file; another
    folder adopting the stage links it; releasing the pages changes no value."""
    from econet.io.run import CACHE_DIR, SPILL_BYTES, RunFolder, release_mapped

    rng = np.random.default_rng(0)
    big = rng.random((600, 500)).astype(np.float32)  # 1.2 MB
    assert big.nbytes >= SPILL_BYTES
    result = Result(big, np.arange(5), pd.DataFrame({"a": [1.5, 2.5]}))
    folder = RunFolder(tmp_path / "run")
    back = folder.store("stage", "k1", result)
    arrays = sorted((tmp_path / "run" / CACHE_DIR).glob("stage.*.arrays"))
    assert len(arrays) == 1 and arrays[0].stat().st_size >= big.nbytes
    assert np.array_equal(back.big, big) and back.big.dtype == np.float32 and back.big.shape == big.shape
    assert not back.big.flags.writeable and back.small.flags.writeable  # file-backed vs in the pickle
    assert back.table.equals(result.table)
    release_mapped()
    assert np.array_equal(back.big, big)  # pages read again from the file
    folder.previous = {"stages": {"stage": {"key": "k1", "checksums": {}, "products": []}}}
    assert np.array_equal(folder.cached("stage", "k1").big, big)
    assert folder.cached("stage", "other key") is None
    other = RunFolder(tmp_path / "other")
    got, _ = other.adopt(folder, "stage", "k1")
    assert np.array_equal(got.big, big)
    assert (tmp_path / "other" / CACHE_DIR / arrays[0].name).stat().st_ino == arrays[0].stat().st_ino
    folder.store("stage", "k2", Result(big[::-1].copy(), np.arange(2), result.table))
    now = sorted((tmp_path / "run" / CACHE_DIR).glob("stage.*.arrays"))
    assert len(now) == 1 and now != arrays  # the first file is gone; views of it still read it
    assert np.array_equal(back.big, big)
