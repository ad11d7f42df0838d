"""Time and peak memory of each stage of the synthetic province, end to end.

Usage: uv run python benchmarks/bench_province.py [--size 14000] [--seed 0] [--out DIR]
       [--generate-only] [--scheduler tcp://host:8786] [--memory MB]

Runs `econet demo --size N --landscape province --generate-only` (the province's layers and study.toml), then
`econet run` on that study, each in a fresh process under /usr/bin/time -v (wall time and the
peak resident memory of the command). While the run lasts, the resident memory of its process
tree is sampled (psutil, every --interval seconds) and each sample is assigned to the stage
that was running: a stage ends when the run's manifest records it (the manifest is saved after
every stage) and began its recorded seconds before. Prints, per stage, its time from the
manifest and its peak memory from the samples, then the totals against the issue's target:
the whole 14,000 x 14,000 study within 60 minutes and 16 GB on a 2-core, 24 GB machine.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

TARGET_S, TARGET_GB = 3600.0, 16.0
GB = 1024**3


def timed(cmd: list[str], interval: float, manifest: Path | None = None) -> dict:
    """Run ``cmd`` under /usr/bin/time -v; sample the resident memory of its process tree and,
    when ``manifest`` is given, when each stage finished. Returns wall time, peak memory (from
    time -v and from the samples), the samples and the stage finish times."""
    gnu_time = shutil.which("time") or "/usr/bin/time"
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as report:
        t0 = time.perf_counter()
        proc = subprocess.Popen([gnu_time, "-v", "-o", report.name, *cmd])
        samples, finished, seen_mtime = [], {}, None
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            now = time.perf_counter() - t0
            try:
                tree = [root, *root.children(recursive=True)]
                rss = sum(p.memory_info().rss for p in tree if p.is_running())
            except psutil.Error:
                rss = 0
            samples.append((now, rss))
            if manifest is not None and manifest.exists():
                mtime = manifest.stat().st_mtime_ns
                if mtime != seen_mtime:
                    seen_mtime = mtime
                    try:
                        stages = json.loads(manifest.read_text())["stages"]
                    except (OSError, ValueError, KeyError):
                        stages = {}
                    for name, entry in stages.items():
                        if not entry.get("skipped") and not entry.get("cached") and name not in finished:
                            finished[name] = now
            time.sleep(interval)
        wall = time.perf_counter() - t0
        text = Path(report.name).read_text()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {proc.returncode}")
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    peak_time_v = int(match.group(1)) * 1024 if match else 0
    return {"wall": wall, "peak": peak_time_v, "samples": samples, "finished": finished}


def stage_table(manifest: dict, run: dict) -> list[tuple[str, float, float]]:
    """(stage, seconds, peak bytes of the samples while it ran) for each stage that ran."""
    rows = []
    for name, entry in manifest["stages"].items():
        if entry.get("skipped") or entry.get("cached"):
            continue
        seconds = float(entry["seconds"])
        end = run["finished"].get(name, run["wall"])
        start = end - seconds - 1.0  # the sampling interval: a finish is seen up to one late
        peak = max((rss for t, rss in run["samples"] if start <= t <= end), default=0)
        rows.append((name, seconds, peak))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=14000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--out", type=Path, default=None, help="keep the province and the run here (default: a temp folder)"
    )
    ap.add_argument("--generate-only", action="store_true", help="only time the generator")
    ap.add_argument("--scheduler", default=None, help="Dask scheduler address for `econet run`")
    ap.add_argument("--memory", type=int, default=None, help="`econet run --memory` (MB): windowed raster stages")
    ap.add_argument("--interval", type=float, default=0.5, help="memory sampling interval (s)")
    args = ap.parse_args()
    tmp = None if args.out else tempfile.TemporaryDirectory()
    out = args.out or Path(tmp.name) / "province"
    econet = [sys.executable, "-m", "econet"]
    gen = timed(
        [
            *econet,
            "demo",
            "--size",
            str(args.size),
            "--seed",
            str(args.seed),
            "--out",
            str(out),
            "--landscape",
            "province",
            "--generate-only",
            "-q",
        ],
        args.interval,
    )
    cells = args.size * args.size
    print(f"econet demo --size {args.size} (province, {cells / 1e6:.0f} M cells), seed {args.seed}")
    print(f"  generator: {gen['wall']:8.1f} s   peak {gen['peak'] / GB:6.2f} GB")
    if args.generate_only:
        return
    cmd = [*econet, "run", str(out / "study.toml"), "--out", str(out / "run"), "-q"]
    if args.scheduler:
        cmd += ["--scheduler", args.scheduler]
    if args.memory:
        cmd += ["--memory", str(args.memory)]
    run = timed(cmd, args.interval, out / "run" / "manifest.json")
    manifest = json.loads((out / "run" / "manifest.json").read_text())
    rows = stage_table(manifest, run)
    print(f"  econet run: {run['wall']:7.1f} s   peak {run['peak'] / GB:6.2f} GB (time -v, largest process)")
    print(f"  {'stage':<14} {'seconds':>9} {'peak GB':>8}")
    for name, seconds, peak in rows:
        print(f"  {name:<14} {seconds:9.1f} {peak / GB:8.2f}")
    startup = run["wall"] - sum(r[1] for r in rows)
    print(f"  {'(start, checks)':<14} {startup:9.1f}")
    n_src = sum(1 for _ in open(out / "run" / "sources.csv")) - 1
    n_cor = sum(1 for _ in open(out / "run" / "corridors.csv")) - 1
    total, peak = gen["wall"] + run["wall"], max(gen["peak"], run["peak"], *(r[2] for r in rows))
    print(f"  sources {n_src}, corridors {n_cor}")
    print(
        f"  end to end {total / 60:.1f} min (target {TARGET_S / 60:.0f}), peak {peak / GB:.2f} GB "
        f"(target {TARGET_GB:.0f})"
    )
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
