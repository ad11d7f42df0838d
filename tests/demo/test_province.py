"""The synthetic province: deterministic, painted strip by strip with the same cells whatever the
strip height, and the features its study needs."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import numpy as np
import pytest

from econet.config import load_study
from econet.demo import plan_province, write_province
from econet.demo.province import province_strip

SIZE = 600


@pytest.fixture(scope="module")
def province():
    return plan_province(SIZE, seed=4)


def _strips(p, height):
    parts = [province_strip(p, r, min(SIZE, r + height)) for r in range(0, SIZE, height)]
    return {k: np.concatenate([s[k] for s in parts]) for k in parts[0]}


def test_cells_do_not_depend_on_the_strip_height(province):
    whole = province_strip(province, 0, SIZE)
    for height in (256, 77):
        strips = _strips(province, height)
        for name in whole:
            assert strips[name].tobytes() == whole[name].tobytes(), (name, height)


def test_same_seed_same_province_and_another_seed_differs(province):
    again = province_strip(plan_province(SIZE, seed=4), 0, SIZE)
    other = province_strip(plan_province(SIZE, seed=5), 0, SIZE)
    first = province_strip(province, 0, SIZE)
    assert all(first[k].tobytes() == again[k].tobytes() for k in first)
    assert first["landcover"].tobytes() != other["landcover"].tobytes()


def test_the_province_has_cities_coalfields_mountains_and_rivers(province):
    v = province.vectors
    assert (v["settlements"]["kind"] == "city").sum() >= 2 and (v["settlements"]["kind"] == "town").sum() >= 4
    assert len(v["ridges"]) >= 1 and len(v["rivers"]) >= 2
    assert set(v["mines"]["method"]) == {"open_pit", "underground"} and set(v["mines"]["mineral"]) == {"coal"}
    assert set(v["mines"]["status"]) <= {"producing", "abandoned"}
    assert set(v["roads"]["road_class"]) == {"expressway", "highway"}
    s = province_strip(province, 0, SIZE)
    lc, dem, light = s["landcover"], s["dem"], s["nightlight"]
    assert set(np.unique(lc)) <= {10, 20, 30, 40, 50, 60, 80, 90}
    assert {10, 20, 60, 80} <= set(np.unique(lc))
    # Mountains stand above the plain, and towns are lit brighter than farmland.
    assert np.median(dem[lc == 20]) > np.median(dem[lc == 10])
    assert np.median(light[lc == 80]) > np.median(light[lc == 10]) and light.min() > 0


def test_written_bytes_do_not_depend_on_the_strip_height(province, tmp_path):
    a = write_province(province, tmp_path / "a", strip_rows=256)
    b = write_province(province, tmp_path / "b", strip_rows=512)
    for name in ("landcover", "dem", "nightlight"):
        assert hashlib.sha256(a[name].read_bytes()).digest() == hashlib.sha256(b[name].read_bytes()).digest()
    with pytest.raises(ValueError, match="multiple of 256"):
        write_province(province, tmp_path / "c", strip_rows=100)


def test_demo_writes_a_province_study_that_validates(tmp_path):
    out = tmp_path / "p"
    cmd = [sys.executable, "-m", "econet", "demo", "--size", 520, "--landscape", "province", "--generate-only"]
    proc = subprocess.run([*map(str, cmd), "--out", str(out), "-q"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    study = load_study(out / "study.toml")
    assert study.study.name == "Synthetic province" and sorted(study.layers) == ["dem", "landcover", "nightlight"]
    assert not (out / "run").exists()
