"""Time `econet demo` end to end in a fresh process and print the figures.

Usage: uv run python benchmarks/bench_demo.py [--size 1500] [--seed 0] [--repeat 1]

Prints the wall-clock time of the whole command (generation + pipeline + report) and the
per-stage times the run recorded in its manifest. Issue 2 asks for under 180 s at the default
size on the 2-core machine. The pipeline's stage times are also given as a share of the whole,
which is comparable between noisy machines.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "demo"
            t0 = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "econet",
                    "demo",
                    "--size",
                    str(args.size),
                    "--seed",
                    str(args.seed),
                    "--out",
                    str(out),
                    "--quiet",
                ],
                check=True,
            )
            wall = time.perf_counter() - t0
            manifest = json.loads((out / "run" / "manifest.json").read_text())
            stages = {k: v["seconds"] for k, v in manifest["stages"].items()}
            pipeline = sum(stages.values())
            print(
                f"run {i + 1}: econet demo --size {args.size}: {wall:.1f} s wall "
                f"(generation and start-up {wall - pipeline:.1f} s, pipeline {pipeline:.1f} s); limit 180 s"
            )
            for name, sec in stages.items():
                print(f"  {name:<14} {sec:7.2f} s  {100 * sec / wall:5.1f} %")
            n_src = sum(1 for _ in open(out / "run" / "sources.csv")) - 1
            n_cor = sum(1 for _ in open(out / "run" / "corridors.csv")) - 1
            print(f"  sources {n_src}, corridors {n_cor}")


if __name__ == "__main__":
    main()
