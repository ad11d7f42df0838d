"""Whole commands under ``/usr/bin/time -v`` and the stage times of the run folders they wrote.

Used by bench_optimise.py and bench_sensitivity.py: both make the demo city, run one command
on it that writes a baseline run and many reruns of it, and print each rerun's stage time as a
share of the baseline's.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path


def demo_study(folder: Path, size: int) -> Path:
    """Run ``econet demo --size size`` into ``folder`` (not timed); the path of its study.toml."""
    command = [sys.executable, "-m", "econet", "demo", "--size", str(size), "--out", str(folder), "--quiet"]
    subprocess.run(command, check=True)
    return folder / "study.toml"


def time_command(command: list[str]) -> tuple[float, float]:
    """Run ``command`` under ``/usr/bin/time -v``: (wall seconds, peak resident memory in GB)."""
    t0 = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *command], check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return wall, int(peak.group(1)) / 1024**2 if peak else float("nan")


def stage_times(runs: list[tuple[str, Path]]):
    """For each (name, run folder): its name, the seconds of the stages it computed (not taken
    from the cache), their share of the first run's seconds (%), and the names of those stages."""
    base_s = None
    for name, folder in runs:
        stages = json.loads((folder / "manifest.json").read_text())["stages"]
        ran = {k: v for k, v in stages.items() if not v.get("cached") and not v.get("skipped")}
        seconds = sum(v.get("seconds", 0.0) for v in ran.values())
        base_s = base_s or seconds
        yield name, seconds, 100 * seconds / base_s, list(ran)
