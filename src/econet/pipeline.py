"""Runs the stages of a study in order, caches them, writes products and the manifest.

Stages exchange the objects of DESIGN.md "Data that flows": Landscape -> MSPA -> Sources ->
Resistance -> Corridors -> connectivity -> EcoNetwork -> robustness -> report. Each stage is
defined in its package's ``stage.py`` (see ``econet.stage``); this module orders them, keys each
on its study sections, input checksums and upstream keys, reuses what is cached and writes the
manifest.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from econet import __version__
from econet.circuit.stage import CIRCUIT_STAGE
from econet.config import Study
from econet.connectivity.stage import CONNECTIVITY_STAGE
from econet.corridors.stage import CORRIDORS_STAGE
from econet.habitat.stage import MSPA_STAGE, SOURCES_STAGE
from econet.indicators.stage import INDICATORS_STAGE
from econet.io.landscape import describe, open_landscape
from econet.io.run import RunFolder, digest, file_sha256, package_versions
from econet.network.stage import NETWORK_STAGE, ROBUSTNESS_STAGE
from econet.report.stage import REPORT_STAGE
from econet.resistance.stage import RESISTANCE_STAGE
from econet.stage import Context, Stage

STAGES: tuple[Stage, ...] = (
    MSPA_STAGE,
    SOURCES_STAGE,
    RESISTANCE_STAGE,
    CORRIDORS_STAGE,
    INDICATORS_STAGE,
    CONNECTIVITY_STAGE,
    CIRCUIT_STAGE,
    NETWORK_STAGE,
    ROBUSTNESS_STAGE,
    REPORT_STAGE,
)


def _section(study: Study, dotted: str):
    node: Any = study
    for part in dotted.split("."):
        node = getattr(node, part)
    return node.model_dump(mode="json")


def run_study(study: Study, out_dir, quiet: bool = False, study_path: str | None = None) -> RunFolder:
    """Run every stage, reusing cached stages whose inputs did not change. Returns the run."""
    from econet.report.progress import StageProgress

    landscape = open_landscape(study)  # checks every layer before any heavy work
    run = RunFolder(out_dir)
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    inputs = {}
    for group in ("layers", "vectors"):
        for name, spec in getattr(study, group).items():
            p = Path(spec.path)
            inputs[f"{group}.{name}"] = {"path": str(p), "sha256": file_sha256(p), "bytes": p.stat().st_size}
    # Every product sits on the template grid, which the study meta and template file define.
    base = {
        "study": study.study.model_dump(mode="json"),
        "template": inputs[f"layers.{study.study.template}"]["sha256"],
        "version": __version__,
    }
    ctx = Context(study, landscape, run, stages=STAGES)
    keys: dict[str, str] = {}
    stages_log: dict[str, dict] = {}
    with StageProgress(quiet=quiet) as progress:
        for stage in STAGES:
            if not stage.runs_for(study):
                stages_log[stage.name] = {"skipped": True, "cached": False, "seconds": 0.0}
                continue
            key = digest(
                {
                    "base": base,
                    "sections": {s: _section(study, s) for s in stage.sections},
                    "inputs": {n: inputs[n]["sha256"] for n in stage.layers(study)},
                    "needs": {n: keys.get(n, "skipped") for n in stage.needs},
                }
            )
            keys[stage.name] = key
            t0 = time.perf_counter()
            cached = run.cached(stage.name, key)
            if cached is not None:
                ctx.results[stage.name] = cached
                entry = dict(run.previous["stages"][stage.name])
                entry.update(cached=True)
                progress.done(stage.title, 0.0, cached=True)
            else:
                progress.start(stage.title)
                result = stage.compute(ctx)
                ctx.results[stage.name] = result
                products = stage.write(ctx, result)
                run.store(stage.name, key, result)
                seconds = time.perf_counter() - t0
                entry = {"key": key, "seconds": round(seconds, 3), "products": products, "cached": False}
                progress.done(stage.title, seconds)
            stages_log[stage.name] = entry
            # Save after every stage so an interrupted run still reuses what it finished.
            run.save_manifest(_manifest(study, study_path, landscape, inputs, started, stages_log, finished=False))
    run.save_manifest(_manifest(study, study_path, landscape, inputs, started, stages_log, finished=True))
    return run


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
        "total_seconds": round(sum(s.get("seconds", 0.0) for s in stages.values() if not s.get("cached")), 3),
    }


__all__ = ["STAGES", "run_study"]
