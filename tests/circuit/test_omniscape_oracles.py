"""Omniscape.jl's four verification cases, run unchanged from their .ini files.

The tolerance is upstream's ``arrays_equal``: nodata set to -9999, then
||A - B|| <= 1e-6 max(||A||, ||B||) (Julia's ``isapprox`` with rtol 1e-6).
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
import rasterio

from econet.circuit.omniscape_ini import run_omniscape

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "omniscape" / "test"

CASES = {
    "test1": ("input/config.ini", ["cum_currmap.tif", "flow_potential.tif", "normalized_cum_currmap.tif"]),
    "test2": ("input/config2.ini", ["cum_currmap.asc"]),
    "test3": ("input/config3.ini", ["cum_currmap.asc", "flow_potential.asc"]),
    "test_reclass": ("input/config_reclass.ini", ["classified_resistance.asc", "cum_currmap.asc"]),
}


def _read(path: Path) -> np.ndarray:
    with rasterio.open(path) as src:
        data = src.read(1).astype(np.float64)
        nodata = src.nodata
    return np.where(data == nodata, -9999.0, data)


def arrays_equal(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.linalg.norm(a - b) <= 1e-6 * max(np.linalg.norm(a), np.linalg.norm(b)))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    work = tmp_path_factory.mktemp("omniscape") / "test"
    shutil.copytree(FIX, work)
    return work


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_matches_omniscape(case, workdir, monkeypatch):
    ini, outputs = CASES[case]
    monkeypatch.chdir(workdir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # test1's even block size is raised to 3, with a note
        run = run_omniscape(ini)
    assert run.folder == Path(case)
    for name in outputs:
        got = _read(workdir / case / name)
        want = _read(FIX / "output_verify" / case / name)
        assert got.shape == want.shape
        assert np.array_equal(got == -9999.0, want == -9999.0), name  # the same nodata cells
        assert arrays_equal(got, want), name
        assert np.max(np.abs(got - want)) < 1e-3 * np.abs(want).max()  # and no cell far off
