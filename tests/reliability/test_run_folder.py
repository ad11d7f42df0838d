"""The run folder's guarantees on a small synthetic city: byte-identical reruns whatever the
thread count, kill -9 at any write followed by a rerun gives the same bytes, a locked folder,
checksums that catch a damaged product, no stale or temporary files, renaming a study reruns
only the report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import tomli_w

from econet.config import load_study
from econet.pipeline import run_study

HERE = Path(__file__).parent
# Files whose bytes are compared between runs: every product; the manifest holds timestamps
# and timings, the cache and the lock are the folder's own.
OWN = {"manifest.json", ".lock"}


def products(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in OWN and ".cache" not in p.parts
    }


def edited(study: Path, old: str, new: str) -> str:
    """The study's text with one setting changed (which must be there)."""
    text = study.read_text()
    assert old in text, old
    return text.replace(old, new)


def econet(*args, env=None, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "econet", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def threads(n: int) -> dict[str, str]:
    return {k: str(n) for k in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")}


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    """A 120 x 120 demo city with few random attacks; returns its study file (``circuit.toml``
    beside it adds the circuit stage: pinch points, barriers, centrality)."""
    from econet.demo import generate_city, write_city
    from econet.presets import demo_study_text

    root = tmp_path_factory.mktemp("city")
    write_city(generate_city(size=120, seed=0), root / "data")
    d = tomllib.loads(demo_study_text(root / "study.toml", root / "data"))
    d["robustness"].update(random_repeats=10, edge_attacks=False)
    d["indicators"]["models"] = ["spectral", "rsei", "carbon_sink"]  # a derived-layer stage, quickly
    d.setdefault("circuit", {})
    (root / "circuit.toml").write_text(tomli_w.dumps(d))
    d.pop("circuit")
    study = root / "study.toml"
    study.write_text(tomli_w.dumps(d))
    return study


@pytest.fixture(scope="module")
def finished(city, tmp_path_factory) -> Path:
    """A run folder of an uninterrupted run (tests copy it before changing it)."""
    out = tmp_path_factory.mktemp("ref") / "run"
    run_study(load_study(city), out, quiet=True)
    return out


@pytest.fixture(scope="module")
def reference(finished) -> dict[str, bytes]:
    """The products of an uninterrupted run."""
    got = products(finished)
    assert "network_nodes.csv" in got and "report.html" in got and "indicator_rsei.tif" in got
    return got


def copy_of(folder: Path, to: Path) -> Path:
    import shutil

    shutil.copytree(folder, to)
    return to


@pytest.fixture(scope="module")
def circuit_runs(city, tmp_path_factory) -> dict[int, Path]:
    """Run folders of the study with the circuit stage, run on 1 and on 2 threads."""
    root = tmp_path_factory.mktemp("threads")
    for n in (1, 2):
        proc = econet("run", city.with_name("circuit.toml"), "--out", root / f"run{n}", "--quiet", env=threads(n))
        assert proc.returncode == 0, proc.stderr
    return {n: root / f"run{n}" for n in (1, 2)}


def test_one_or_two_threads_give_the_same_bytes(circuit_runs):
    got = {n: products(folder) for n, folder in circuit_runs.items()}
    assert "pinchpoint_current.tif" in got[1] and "network_correlations.csv" in got[1]
    assert sorted(got[1]) == sorted(got[2])
    assert [name for name in got[1] if got[1][name] != got[2][name]] == []


@pytest.mark.parametrize("n, mode", [(2, "before"), (20, "after"), (45, "before")])
def test_kill_9_then_rerun_gives_the_same_bytes(city, reference, tmp_path, n, mode):
    out = tmp_path / "run"
    proc = subprocess.run(
        [sys.executable, str(HERE / "_interrupted_run.py"), str(city), str(out), str(n), mode],
        capture_output=True,
        text=True,
        env={**os.environ, **threads(2)},
    )
    assert proc.returncode == -9, proc.stderr  # killed where asked, not finished or failed
    manifest = json.loads((out / "manifest.json").read_text()) if (out / "manifest.json").exists() else {}
    assert not manifest.get("finished")
    finished = {k for k, s in manifest.get("stages", {}).items() if "key" in s}
    # What the killed run finished is complete: every product its manifest records has its checksum.
    for stage in manifest.get("stages", {}).values():
        for name, digest in stage.get("checksums", {}).items():
            from econet.io.run import file_sha256

            assert file_sha256(out / name) == digest, name
    run_study(load_study(city), out, quiet=True)
    assert not [p.name for p in out.rglob("*.part*")]  # the interrupted write's temporary file is gone
    got = products(out)
    assert sorted(got) == sorted(reference)
    assert [name for name in got if got[name] != reference[name]] == []
    manifest = json.loads((out / "manifest.json").read_text())
    reused = {k for k, s in manifest["stages"].items() if s.get("cached")}
    assert finished <= reused  # what the killed run finished is kept and reused
    assert bool(finished) == (n >= 20)


def test_a_second_run_into_a_held_folder_is_refused(city, tmp_path):
    out, flag = tmp_path / "run", tmp_path / "go"
    first = subprocess.Popen(
        [sys.executable, str(HERE / "_interrupted_run.py"), str(city), str(out), "3", "wait", str(flag)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        held = Path(f"{flag}.held")
        for _ in range(1200):
            if held.exists() or first.poll() is not None:
                break
            import time

            time.sleep(0.05)
        assert held.exists(), first.communicate()[1]
        other = city.with_name("other.toml")
        other.write_text(edited(city, 'name = "Synthetic mining city"', 'name = "Other"'))
        from tests.reliability.test_bad_input import invoke

        second = invoke(["run", other, "--out", out, "--quiet"])
        assert second.exit_code == 2, second.stderr
        assert f"run folder {out} is in use by another econet run (process {first.pid})" in " ".join(
            second.stderr.split()
        )
    finally:
        flag.write_text("go")
        _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["finished"] and manifest["study"]["study"]["name"] == "Synthetic mining city"
    # Once the first run is over, the folder is free again.
    run_study(load_study(other), out, quiet=True)
    assert json.loads((out / "manifest.json").read_text())["study"]["study"]["name"] == "Other"


def test_damaged_product_is_recomputed_and_renaming_reruns_only_the_report(city, finished, reference, tmp_path):
    out = copy_of(finished, tmp_path / "run")
    resistance = out / "resistance.tif"
    resistance.write_bytes(resistance.read_bytes()[:1000])  # truncated behind econet's back
    (out / ".stray.abcd1234.part.tif").write_text("left by a killed write")
    (out / "resistance_grades" / ".slope.zz_y9x8w.part.tif").write_text("and another")
    run_study(load_study(city), out, quiet=True)
    manifest = json.loads((out / "manifest.json").read_text())
    computed = {k for k, s in manifest["stages"].items() if not s.get("cached") and not s.get("skipped")}
    assert computed == {"resistance"}  # its result is the same, so nothing downstream reruns
    assert resistance.read_bytes() == reference["resistance.tif"]
    assert not list(out.rglob("*.part*"))

    renamed = city.with_name("renamed.toml")
    renamed.write_text(edited(city, 'name = "Synthetic mining city"', 'name = "Renamed"'))
    run_study(load_study(renamed), out, quiet=True)
    manifest = json.loads((out / "manifest.json").read_text())
    computed = {k for k, s in manifest["stages"].items() if not s.get("cached") and not s.get("skipped")}
    assert computed == {"report"}


def test_products_of_a_dropped_stage_are_removed(city, circuit_runs, tmp_path):
    out = copy_of(circuit_runs[2], tmp_path / "run")
    assert (out / "pinchpoint_current.tif").exists() and (out / "barriers.gpkg").exists()
    run_study(load_study(city), out, quiet=True)
    assert not (out / "pinchpoint_current.tif").exists() and not (out / "barriers.gpkg").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["stages"]["circuit"]["skipped"]
    listed = {p for s in manifest["stages"].values() for p in s.get("products", [])}
    on_disk = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts}
    assert on_disk - listed == {"manifest.json", ".lock"}


def test_a_failing_stage_leaves_none_of_its_files(city, finished, tmp_path):
    from econet.stages import network

    out = copy_of(finished, tmp_path / "run")
    before = json.loads((out / "manifest.json").read_text())["stages"]
    real = network.STAGE.write

    def write_then_fail(ctx, result):
        real(ctx, result)
        raise RuntimeError("the disk went away")

    import dataclasses

    from econet import pipeline

    stages = tuple(dataclasses.replace(s, write=write_then_fail) if s.name == "network" else s for s in pipeline.STAGES)
    changed = city.with_name("changed.toml")
    changed.write_text(edited(city, "community_seed = 0", "community_seed = 5"))
    with pytest.raises(RuntimeError):
        run_study(load_study(changed), out, quiet=True, stages=stages)
    assert "network_nodes.csv" in before["network"]["products"]
    assert [p for p in before["network"]["products"] if (out / p).exists()] == []
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["stages"]["network"]["skipped"] and not manifest["finished"]
    # Stages after it keep the record of the last run, and are reused if nothing they need changed.
    assert manifest["stages"]["robustness"]["key"] == before["robustness"]["key"]
    run_study(load_study(changed), out, quiet=True)
    assert (out / "network_nodes.csv").exists() and json.loads((out / "manifest.json").read_text())["finished"]


def test_a_copied_run_folder_with_moved_data_reuses_every_stage(city, finished, tmp_path):
    import shutil

    out = finished
    # Another machine: the data and the study in another folder, the run folder copied whole.
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(city.parent / "data", elsewhere / "data")
    shutil.copy(city, elsewhere / "study.toml")
    shutil.copytree(out, elsewhere / "run")
    run_study(load_study(elsewhere / "study.toml"), elsewhere / "run", quiet=True)
    manifest = json.loads((elsewhere / "run" / "manifest.json").read_text())
    assert all(s.get("cached") or s.get("skipped") for s in manifest["stages"].values())
    assert manifest["inputs"]["layers.landcover"]["path"].startswith(str(elsewhere))
