"""Runs a study's stages: orders them, keys and caches each one, writes products and the manifest.

The order, each stage's cache key and the layers it waits for are derived from the stage
declarations (``econet.stages``): a stage runs after the stages it consumes and after the stage
that computes any derived layer it reads. Its key hashes econet's version, the template grid,
the study sections it reads, the checksums (or digests) of the layers those sections name, and
the digests of the upstream result fields it consumes. Upstream results are content-addressed:
a stage that reruns but gives the same values does not rerun what follows it.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from econet import __version__
from econet.config import Study, data_problems
from econet.errors import Problem, StudyError
from econet.io.atomic import recording
from econet.io.landscape import Landscape, describe
from econet.io.run import (
    RunFolder,
    check_room,
    digest,
    file_sha256,
    fingerprint,
    package_versions,
    release_mapped,
)
from econet.stages import STAGES, Context, Stage, landscape_of
from econet.tasks import connect, current_scheduler, scheduler


@dataclass
class StudyRun:
    """A finished run: its folder, the stages that ran in order, their results by name and the
    landscape they ran on (with the derived layers the stages computed)."""

    folder: RunFolder
    plan: tuple[Stage, ...]
    results: dict[str, Any] = field(default_factory=dict)
    landscape: Landscape | None = None

    @property
    def path(self) -> Path:
        return self.folder.path

    def product(self, relative: str) -> Path:
        return self.folder.product(relative)


def plan(study: Study, stages: tuple[Stage, ...] = STAGES) -> tuple[Stage, ...]:
    """The stages the study asks for, each after everything it depends on (declaration order
    otherwise)."""
    enabled = [s for s in stages if s.runs_for(study)]
    made_by = producers(study, enabled)
    deps = {s.name: upstream(s, study, enabled, made_by) for s in enabled}
    ordered: list[Stage] = []
    done: set[str] = set()
    while len(ordered) < len(enabled):
        ready = [s for s in enabled if s.name not in done and deps[s.name] <= done]
        if not ready:
            stuck = sorted(n for n in deps if n not in done)
            raise RuntimeError(f"stages {stuck} depend on each other; their declarations form a cycle")
        ordered.append(ready[0])
        done.add(ready[0].name)
    return tuple(ordered)


def producers(study: Study, stages) -> dict[str, str]:
    """Derived layer name -> the stage that computes it (an input layer of that name wins)."""
    out = {}
    for s in stages:
        if s.provides is not None:
            out.update({name: s.name for name in s.provides(study) if name not in study.layers})
    return out


def stage_refs(stage: Stage, study: Study):
    """The inputs a stage reads: every reference of the sections it reads."""
    return [ref for section in stage.reads for ref in study.refs(section)]


def upstream(stage: Stage, study: Study, enabled, made_by: dict[str, str]) -> set[str]:
    """Names of the enabled stages this one must follow (``made_by``: see :func:`producers`)."""
    names = {s.name for s in enabled}
    if stage.consumes_all:
        return names - {stage.name}
    need = {n for n in stage.consumes if n in names}
    need |= {made_by[r.name] for r in stage_refs(stage, study) if r.kind == "layer" and r.name in made_by}
    return need - {stage.name}


def _dump(node) -> Any:
    return None if node is None else node.model_dump(mode="json")


class _Runner:
    """One run: the inputs' checksums, each stage's key, result and the digests of its fields."""

    def __init__(self, study: Study, landscape: Landscape, run: RunFolder, plan_: tuple[Stage, ...]):
        self.study, self.landscape, self.run, self.plan = study, landscape, run, plan_
        self.inputs = _input_checksums(study)
        # The grid itself, not the template file's checksum: an edited land-cover raster on the
        # same grid (a scenario) reruns only the stages that read land cover.
        self.base = {"version": __version__, "grid": landscape.grid.to_dict()}
        if study.study.area is not None:  # the study area shapes every stage's cells
            self.base["area"] = [
                self.inputs[f"vectors.{study.study.area}"]["sha256"],
                study.study.area,
                study.study.buffer_m,
            ]
        self.made_by = producers(study, plan_)
        self.results: dict[str, Any] = {}
        self.keys: dict[str, str] = {}
        self.entries: dict[str, dict] = {}

    def _digest(self, stage: str, label: str, value) -> str:
        """Digest of one value of a stage's result, computed once and kept in its manifest entry
        (``value`` is called only when the digest is not known yet)."""
        digests = self.entries[stage].setdefault("digests", {})
        if label not in digests:
            digests[label] = fingerprint(value())
        return digests[label]

    def field_digest(self, stage: str, name: str | None) -> str:
        """Digest of one field of a stage's result (None: the whole result)."""
        result = self.results[stage]
        return self._digest(stage, name or "*", lambda: result if name is None else getattr(result, name))

    def layer_digest(self, stage: str, layer: str) -> str:
        """Digest of a derived layer that ``stage`` computed."""
        layers_of = next(s for s in self.plan if s.name == stage).layers_of
        return self._digest(stage, f"layer:{layer}", lambda: layers_of(self.results[stage])[layer])

    def key(self, stage: Stage) -> str:
        study = self.study
        inputs = {}
        for ref in stage_refs(stage, study):
            if ref.kind == "layer" and ref.name in study.layers or ref.kind == "vector":
                group = "layers" if ref.kind == "layer" else "vectors"
                spec = getattr(study, group)[ref.name]
                # The file's content and settings, not where it lies: a study whose data moved (a
                # run folder shared with its data) reuses every stage.
                settings = spec.model_dump(mode="json", exclude={"path"})
                inputs[f"{group}.{ref.name}"] = [self.inputs[f"{group}.{ref.name}"]["sha256"], settings]
            elif ref.kind == "layer":
                inputs[f"derived.{ref.name}"] = self.layer_digest(self.made_by[ref.name], ref.name)
            else:
                inputs[f"file.{ref.key}"] = file_sha256(ref.name)
        if stage.consumes_all:
            consumed = {name: self.keys[name] for name in self.keys}
        else:
            consumed = {
                f"{up}.{name or '*'}": self.field_digest(up, name)
                for up, fields in stage.consumes.items()
                if up in self.results
                for name in (fields or (None,))
            }
        sections = {s: _dump(study.section(s)) for s in stage.reads}
        return digest({"base": self.base, "sections": sections, "inputs": inputs, "consumed": consumed})

    def consumed(self, stage: Stage) -> dict[str, Any]:
        if stage.consumes_all:
            return dict(self.results)
        return {up: self.results.get(up) for up in stage.consumes}


def run_study(
    study: Study,
    out_dir,
    quiet: bool = False,
    study_path: str | None = None,
    stages: tuple[Stage, ...] = STAGES,
    reuse: tuple = (),
    check_data: bool = True,
) -> StudyRun:
    """Run every stage the study asks for, reusing cached stages whose key did not change, in
    this folder or in the run folders ``reuse`` names (their products are linked here).
    ``check_data``: first read the data as ``econet validate`` does (see ``data_problems``)."""
    landscape = landscape_of(study)  # checks every layer before any heavy work
    check_room(landscape.grid.height * landscape.grid.width, out_dir)
    address = current_scheduler() or study.run.scheduler  # --scheduler over the study's [run]
    if address is not None:
        try:
            connect(address)
        except ConnectionError as exc:
            key = "--scheduler" if current_scheduler() else "run.scheduler"
            raise StudyError([Problem(key, f"{exc}; start one (dask scheduler) or remove the key")]) from None
    if check_data:  # what validate checks: the data itself, before any stage starts
        problems = data_problems(study, landscape)
        if problems:
            raise StudyError(problems, "inputs")
    folder = RunFolder(out_dir)
    others = [RunFolder(p) for p in reuse]
    order = plan(study, stages)
    with folder.lock(), scheduler(address):  # a second run into this folder is refused while this one lasts
        return _run(study, landscape, folder, others, order, stages, quiet, study_path)


def _run(study, landscape, folder: RunFolder, others, order, stages, quiet, study_path) -> StudyRun:
    from econet.report.progress import StageProgress

    runner = _Runner(study, landscape, folder, order)
    ctx = Context(study, landscape, folder, order, window=study.run.window(), max_memory_mb=study.run.max_memory_mb)
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    skipped = {"skipped": True, "cached": False, "seconds": 0.0}
    # Stages not reached yet keep what the last run recorded, so a run that stops early leaves
    # the folder's record of them as it was (and a rerun can still reuse them).
    previous = folder.previous.get("stages", {})
    planned = {s.name for s in order}
    log: dict[str, dict] = {
        s.name: previous[s.name] if s.name in planned and "key" in previous.get(s.name, {}) else dict(skipped)
        for s in stages
    }

    def manifest(finished: bool) -> dict:
        return _manifest(study, study_path, landscape, runner.inputs, started, log, finished)

    with StageProgress(quiet=quiet) as progress:
        for stage in order:
            key = runner.key(stage)
            runner.keys[stage.name] = key
            t0 = time.perf_counter()
            cached = folder.cached(stage.name, key)
            found = None if cached is None else (cached, folder.previous["stages"][stage.name])
            for other in others if found is None else ():
                if (found := folder.adopt(other, stage.name, key)) is not None:
                    break
            if found is not None:
                result = found[0]
                entry = dict(found[1], cached=True)
                progress.done(stage.title, 0.0, cached=True)
            else:
                progress.start(stage.title)
                try:
                    result, products = _compute(stage, ctx, runner, folder, log)
                except BaseException:
                    with contextlib.suppress(Exception):  # record that the stage is gone
                        folder.save_manifest(manifest(finished=False))
                    raise
                result = folder.store(stage.name, key, result)  # its large arrays now file-backed
                seconds = time.perf_counter() - t0
                entry = {
                    "key": key,
                    "seconds": round(seconds, 3),
                    "products": products,
                    "checksums": folder.checksums(products),
                    "cached": False,
                    "digests": {},
                }
                progress.done(stage.title, seconds)
            runner.results[stage.name] = result
            runner.entries[stage.name] = entry
            log[stage.name] = entry
            if stage.layers_of is not None:
                landscape.derived.update(stage.layers_of(result))
            # Save after every stage so an interrupted run still reuses what it finished.
            folder.save_manifest(manifest(finished=False))
            release_mapped()
    folder.save_manifest(manifest(finished=True))
    # Products the last run recorded that this one does not (a stage no longer asked for, a
    # resistance factor removed) would describe another study: remove them.
    kept = {p for e in log.values() for p in e.get("products", [])}
    folder.remove({p for e in previous.values() for p in e.get("products", [])} - kept)
    return StudyRun(folder, order, runner.results, landscape)


def _compute(stage: Stage, ctx: Context, runner: _Runner, folder: RunFolder, log: dict):
    """Compute and write one stage; if it fails, remove what it wrote and its record, so the
    folder never holds a stage's products half from this run and half from the last."""
    try:
        with recording() as written:
            result = stage.compute(ctx, **runner.consumed(stage))
            products = stage.write(ctx, result)
    except BaseException:
        folder.remove([p.relative_to(folder.path) for p in written if p.is_relative_to(folder.path)])
        folder.remove(log[stage.name].get("products", []))
        log[stage.name] = {"skipped": True, "cached": False, "seconds": 0.0}
        raise
    return result, products


def _input_checksums(study: Study) -> dict[str, dict]:
    inputs = {}
    for group in ("layers", "vectors"):
        for name, spec in getattr(study, group).items():
            p = Path(spec.path)
            inputs[f"{group}.{name}"] = {"path": str(p), "sha256": file_sha256(p), "bytes": p.stat().st_size}
    return inputs


def _manifest(study, study_path, landscape, inputs, started, stages, finished: bool) -> dict:
    return {
        "econet": __version__,
        "study_file": study_path,
        "started": started,
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds") if finished else None,
        "grid": describe(landscape),
        "inputs": inputs,
        "study": study.model_dump(mode="json"),
        "versions": package_versions(),
        "stages": stages,
        "notes": list(landscape.notes),
        "total_seconds": round(sum(s.get("seconds", 0.0) for s in stages.values() if not s.get("cached")), 3),
    }


__all__ = ["STAGES", "StudyRun", "landscape_of", "plan", "run_study"]
