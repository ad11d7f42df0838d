"""Time `econet demo --years` against one `econet demo` of the same size, in fresh processes.

Usage: uv run python benchmarks/bench_series.py [--size 400] [--years 2000,2005,2010,2015,2020]

Prints both wall-clock times and their ratio (the series over one run: comparable between noisy
machines), the stages each epoch computed and those it took from an earlier epoch, and the
seconds of the comparison step (the series wall time less the epochs' stages and generation).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _demo(out: Path, size: int, seed: int, years: str | None) -> float:
    cmd = [sys.executable, "-m", "econet", "demo", "--size", str(size), "--seed", str(seed), "--out", str(out), "-q"]
    t0 = time.perf_counter()
    subprocess.run(cmd + (["--years", years] if years else []), check=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=400)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--years", default="2000,2005,2010,2015,2020")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        one = _demo(Path(tmp) / "one", args.size, args.seed, None)
        series = _demo(Path(tmp) / "series", args.size, args.seed, args.years)
        years = args.years.split(",")
        print(f"econet demo --size {args.size}: {one:.1f} s; with --years {args.years}: {series:.1f} s")
        print(f"  ratio {series / one:.2f} for {len(years)} epochs")
        for y in years:
            stages = json.loads((Path(tmp) / "series" / "run" / y / "manifest.json").read_text())["stages"]
            ran = [n for n, e in stages.items() if not e.get("cached") and not e.get("skipped")]
            taken = [n for n, e in stages.items() if e.get("cached")]
            seconds = sum(e.get("seconds", 0.0) for e in stages.values() if not e.get("cached"))
            print(f"  {y}: {len(ran)} stages computed ({seconds:.1f} s), {len(taken)} taken from an earlier epoch")


if __name__ == "__main__":
    main()
