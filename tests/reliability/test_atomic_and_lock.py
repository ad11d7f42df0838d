"""The pieces under the run folder's guarantees: atomic writes on a full disk, the folder lock,
the clean-up of temporary files, notes for what the drop-ins leave out."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from econet.errors import EconetError
from econet.io import atomic
from econet.io.run import RunFolder, room_problems


def test_a_write_that_fails_on_a_full_disk_is_a_user_error_and_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "map.tif"
    target.write_text("the previous complete version")
    monkeypatch.setattr(atomic.shutil, "disk_usage", lambda _: _Usage(0))
    with pytest.raises(EconetError, match=r"cannot write .*map\.tif: the disk is full"):
        with atomic.atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("TIFFWriteEncodedTile failed")  # what GDAL raises, whatever the cause
    assert target.read_text() == "the previous complete version"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.tif"]


class _Usage:
    def __init__(self, free):
        self.free = free


def test_a_failed_write_with_room_left_is_not_called_a_full_disk(tmp_path):
    with pytest.raises(RuntimeError, match="a bug"):
        with atomic.atomic_path(tmp_path / "x.csv") as tmp:
            tmp.write_text("x")
            raise RuntimeError("a bug")
    assert list(tmp_path.iterdir()) == []


def test_the_lock_refuses_a_second_holder_and_is_released(tmp_path):
    folder = RunFolder(tmp_path / "run")
    with folder.lock():
        assert (tmp_path / "run" / ".lock").read_text().strip() == str(os.getpid())
        with pytest.raises(EconetError, match=rf"is in use by another econet run \(process {os.getpid()}\)"):
            with RunFolder(tmp_path / "run").lock():
                pass
    with RunFolder(tmp_path / "run").lock():  # free again
        pass


def test_taking_the_lock_removes_temporary_files_of_killed_writes_only(tmp_path):
    run = tmp_path / "run"
    (run / "resistance_grades").mkdir(parents=True)
    leftovers = [run / ".sources.k3j_9xq2.part.gpkg", run / "resistance_grades" / ".slope.abcdefgh.part.tif",
                 run / ".cost_distance.a1b2c3d4.part.tif.aux.xml"]  # fmt: skip
    kept = [run / "sources.gpkg", run / ".hidden_notes.txt", run / "my.part.tif"]
    for p in leftovers + kept:
        p.write_text("x")
    folder = RunFolder(run)
    with folder.lock():
        pass
    assert [p.exists() for p in leftovers] == [False] * 3
    assert [p.exists() for p in kept] == [True] * 3


def test_room_problems_name_the_fix():
    problems = room_problems(10**15, Path("."))
    assert len(problems) == 2
    assert "study.cell_size_m" in problems[0] and "of memory" in problems[0]
    assert "of disk" in problems[1]
    assert room_problems(100, Path(".")) == []


def test_costdistance_notes_sources_outside_the_grid(tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point
    from typer.testing import CliRunner

    from econet.cli import app

    lp = Path(__file__).parent.parent / "fixtures" / "lm_demo_lp"
    cores = gpd.read_file(lp / "lp_cores.shp")
    far = gpd.GeoDataFrame(geometry=[Point(cores.total_bounds[2] + 1e6, cores.total_bounds[3])], crs=cores.crs)
    both = gpd.GeoDataFrame(geometry=list(cores.geometry) + list(far.geometry), crs=cores.crs).assign(
        cid=np.arange(1, len(cores) + 2)
    )
    both.to_file(tmp_path / "cores.gpkg", engine="pyogrio")
    result = CliRunner().invoke(
        app, ["costdistance", str(lp / "lp_resistances.tif"), str(tmp_path / "cores.gpkg"), str(tmp_path / "o.tif"),
              "--id-field", "cid"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(result.stderr.split())
    assert "note: cores.gpkg: 1 source(s) have no cell on the resistance grid" in text
    assert f"ids {len(cores) + 1}" in text
