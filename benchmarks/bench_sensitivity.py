"""Time `econet sensitivity` on the demo study and print the figures.

Usage: uv run python benchmarks/bench_sensitivity.py [--size 400] [--samples 10] [--seed 0]

Generates the demo city (not timed), then runs `econet sensitivity` on its study (no
[sensitivity] section: every default) in a fresh process and prints the whole command's wall
time, its peak memory (maximum resident set of the process), the baseline's stage time and each
sample's, with the stages it reran. The reference in the same run is the baseline: a sample's
time as a share of it says what reusing the baseline's stages saved. It ends with the spread of
ECA over the samples.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

from _runs import demo_study, stage_times, time_command


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=400)
    ap.add_argument("--samples", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        study = demo_study(Path(tmp) / "demo", args.size)
        out = Path(tmp) / "sensitivity"
        command = [sys.executable, "-m", "econet", "sensitivity", str(study), "--out", str(out)]
        command += ["--samples", str(args.samples), "--seed", str(args.seed), "-q"]
        wall, peak_gb = time_command(command)
        print(
            f"econet sensitivity, demo --size {args.size}, {args.samples} samples: "
            f"{wall:.1f} s wall, peak memory {peak_gb:.2f} GB"
        )
        runs = [("baseline", out / "baseline")] + sorted((p.name, p) for p in (out / "samples").iterdir())
        for name, seconds, share, ran in stage_times(runs):
            print(f"  {name:<9} {seconds:6.1f} s ({share:5.1f} % of the baseline), rerun: {', '.join(ran)}")
        for row in csv.DictReader(open(out / "spread.csv", encoding="utf-8-sig")):
            if row["measure"] == "ECA_km2":
                print(
                    f"ECA: baseline {float(row['baseline']):.2f} km², samples {float(row['mean']):.2f} ± "
                    f"{float(row['sd']):.2f} km² (min {float(row['min']):.2f}, max {float(row['max']):.2f})"
                )


if __name__ == "__main__":
    main()
