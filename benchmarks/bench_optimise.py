"""Time `econet optimise` on the demo study (SEEC, PFO, PPO and 20 random repeats) and print the
figures.

Usage: uv run python benchmarks/bench_optimise.py [--size 1500] [--repeats 20] [--scenario-workers 1 2]

Generates the demo city (not timed), then runs `econet optimise` on its study in a fresh process
and prints the whole command's wall time, its peak memory (maximum resident set of the process),
the time of the baseline run and of each scenario, and how many stages each scenario reran.
The reference in the same run is the baseline itself: a scenario's time as a share of it says
what the cache saved. Issue 14 asks for under 10 minutes at the default demo size.

With several ``--scenario-workers`` counts, the command runs once per count (each into a fresh
folder) and prints each one's wall time and peak memory as a ratio to the first count's, and
whether their validation.csv are the same bytes (issue 20: scenario runs as tasks).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from _runs import demo_study, stage_times, time_command


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=1500)
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--scenario-workers", type=int, nargs="+", default=[1], help="scenario runs at once (each count)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        study = demo_study(Path(tmp) / "demo", args.size)
        text = study.read_text()
        study.write_text(re.sub(r"random_repeats = \d+", f"random_repeats = {args.repeats}", text))
        figures = []
        for workers in args.scenario_workers:
            out = Path(tmp) / f"optimise-{workers}"
            command = [sys.executable, "-m", "econet", "optimise", str(study), "--out", str(out), "-q"]
            wall, peak_gb = time_command([*command, "--scenario-workers", str(workers)])
            figures.append((workers, wall, peak_gb, (out / "validation.csv").read_bytes()))
            print(
                f"econet optimise, demo --size {args.size}, SEEC + PFO + PPO + {args.repeats} random, "
                f"{workers} scenario run(s) at once: {wall:.1f} s wall, peak memory {peak_gb:.2f} GB; limit 600 s"
            )
            if len(figures) == 1:
                runs = [("baseline", out / "baseline")] + sorted((p.name, p) for p in (out / "scenarios").iterdir())
                for name, seconds, share, ran in stage_times(runs):
                    print(f"  {name:<12} {seconds:7.1f} s ({share:5.1f} % of the baseline), {len(ran)} stages rerun")
                print((out / "validation.csv").read_text().splitlines()[0][:200])
        ref_workers, ref_wall, ref_peak, ref_table = figures[0]
        for workers, wall, peak_gb, table in figures[1:]:
            print(
                f"{workers} at once against {ref_workers}: wall x{wall / ref_wall:.2f}, peak memory "
                f"x{peak_gb / ref_peak:.2f}, validation.csv {'the same bytes' if table == ref_table else 'DIFFERS'}"
            )


if __name__ == "__main__":
    main()
