"""``econet optimise`` with its scenario runs as tasks: two at once in threads, or on a Dask
cluster, give the same bytes as one after another."""

from __future__ import annotations

import filecmp
import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from econet.config import parse_study
from econet.errors import StudyError
from econet.io import write_raster
from econet.io.atomic import FIGURE_LOCK
from econet.optimise import _check_shared, optimise_study
from econet.tasks import disconnect
from tests.scenarios.test_optimise import CROP, FOREST, _econet, _grid, _study

# Files that record when, how long and in which process a run ran, not what it computed.
_RUN_RECORDS = {"manifest.json", ".lock"}


def _products(folder: Path) -> list[Path]:
    """The files of ``folder`` but its manifests and its pickled results (``.cache/``: the
    same values, but arrays that came back from a cluster pickle without the shared references
    of arrays made in one process)."""
    return sorted(
        p.relative_to(folder)
        for p in folder.rglob("*")
        if p.is_file() and p.name not in _RUN_RECORDS and ".cache" not in p.relative_to(folder).parts
    )


def _three_forests(tmp_path: Path):
    """Three forests on cropland, in a row; scenarios that reach different stages: a stepping
    stone between the first two (new source: every stage reruns), a forest strip widening the
    third (sources and corridors change), and one without actions (every stage reused)."""
    lc = np.full((20, 80), CROP, dtype=np.int32)
    lc[4:16, 2:14] = FOREST
    lc[4:16, 34:46] = FOREST
    lc[4:16, 66:78] = FOREST
    grid = _grid(lc.shape)
    x0, y = grid.xy(9.5, 22)
    x1, _ = grid.xy(9.5, 25)
    stone = {"kind": "stepping_stone", "line": [[float(x0), float(y)], [float(x1), float(y)]], "width_m": 90.0}
    xs, ys = grid.xy(10, 62)
    strip = {"kind": "stepping_stone", "at": [float(xs), float(ys)], "radius_m": 60.0, "to_class": "forest"}
    scenarios = [
        {"name": "stone", "actions": [dict(stone, to_class="forest")]},
        {"name": "strip", "actions": [strip]},
        {"name": "nothing"},
    ]
    study, _ = _study(tmp_path, lc, scenarios)
    return study


def _same_files(a: Path, b: Path) -> int:
    files = _products(a)
    assert files == _products(b)
    for rel in files:
        assert filecmp.cmp(a / rel, b / rel, shallow=False), rel
    return len(files)


@pytest.fixture(scope="module")
def one_at_a_time(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scenario-tasks")
    study = _three_forests(tmp)
    return study, optimise_study(study, tmp / "one", quiet=True)


def test_two_scenario_runs_at_once_give_the_bytes_of_one_after_another(one_at_a_time, tmp_path):
    study, one = one_at_a_time
    rows = one.validation.set_index("scenario")
    # the scenarios differ (else the comparison would prove little): the stone adds a source
    assert rows.loc["stone", "d_sources"] == 1 and rows.loc["nothing", "d_ECA_km2"] == 0
    assert rows.loc["strip", "d_ECA_km2"] > 0
    # Two at once; the figure lock is taken from the test now and then, so runs wait on it.
    stop = threading.Event()

    def hold_the_lock():
        while not stop.is_set():
            with FIGURE_LOCK:
                time.sleep(0.01)
            time.sleep(0.005)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        two = optimise_study(study, tmp_path / "two", quiet=True, scenario_workers=2)
    finally:
        stop.set()
        holder.join()
    assert [s.name for s, _ in two.scenarios] == ["stone", "strip", "nothing"]
    for name in ("validation.csv", "report.html"):
        assert (one.path / name).read_bytes() == (two.path / name).read_bytes(), name
    assert _same_files(one.path / "scenarios", two.path / "scenarios") > 60


def test_scenario_runs_on_a_local_cluster_give_the_bytes_of_the_threaded_run(one_at_a_time, tmp_path):
    distributed = pytest.importorskip("distributed")
    study, one = one_at_a_time
    run = study.run.model_copy(update={"scenario_workers": 2})
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cl:
        address = cl.scheduler_address
        on = study.model_copy(update={"run": run.model_copy(update={"scheduler": address})})
        try:
            cluster = optimise_study(on, tmp_path / "cluster", quiet=True)
            # a folder the workers cannot see (here: one without a baseline) is refused by name
            with pytest.raises(StudyError) as err:
                _check_shared(tmp_path / "elsewhere", address)
        finally:
            disconnect(address)
    problem = err.value.problems[0]
    assert problem.where == "run.scheduler" and "file system they share" in problem.message
    # the scenario runs ran in the workers' processes (a run folder's lock names its process)
    pids = {int((cluster.path / "scenarios" / s.name / ".lock").read_text()) for s, _ in cluster.scenarios}
    assert os.getpid() not in pids
    assert (one.path / "validation.csv").read_bytes() == (cluster.path / "validation.csv").read_bytes()
    assert (one.path / "report.html").read_bytes() == (cluster.path / "report.html").read_bytes()
    assert _same_files(one.path / "scenarios", cluster.path / "scenarios") > 60


def test_scenario_workers_must_be_a_positive_count(tmp_path):
    lc = np.full((8, 8), CROP, dtype=np.int32)
    path = write_raster(tmp_path / "lc.tif", lc, _grid(lc.shape), nodata=-1)
    data = {
        "layers": {"landcover": {"path": str(path), "kind": "categorical"}},
        "landcover": {"table": "globeland30"},
        "resistance": {"factors": [{"name": "landcover", "kind": "landcover"}], "weights": {"landcover": 1.0}},
    }
    with pytest.raises(StudyError) as err:
        parse_study({**data, "run": {"scenario_workers": 0}}, base_dir=tmp_path)
    assert [p.where for p in err.value.problems] == ["run.scenario_workers"]
    assert "greater than or equal to 1" in err.value.problems[0].message
    study = parse_study({**data, "run": {"scenario_workers": 3}}, base_dir=tmp_path)
    assert study.run.scenario_workers == 3 and parse_study(data, base_dir=tmp_path).run.scenario_workers == 1
    with pytest.raises(StudyError) as err:  # refused before the baseline runs
        optimise_study(study, tmp_path / "out", quiet=True, scenario_workers=0)
    assert err.value.problems[0].where == "--scenario-workers" and not (tmp_path / "out").exists()
    toml = tmp_path / "study.toml"
    toml.write_text(
        f'[layers.landcover]\npath = "{path}"\nkind = "categorical"\n[landcover]\ntable = "globeland30"\n'
        '[resistance]\nfactors = [{ name = "landcover", kind = "landcover" }]\nweights = { landcover = 1.0 }\n'
        '[[scenarios]]\nname = "none"\n'
    )
    proc = _econet("optimise", toml, "--out", tmp_path / "cli", "--scenario-workers", "0")
    assert proc.returncode == 2 and "--scenario-workers" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "cli").exists()
