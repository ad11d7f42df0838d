"""Time the report's maps and the QGIS styles on the demo city and print the figures.

Usage: uv run python benchmarks/bench_maps.py [--size 1500] [--seed 0] [--repeat 2]

Runs the demo study once, then times, on its results, the report stage's compute (every
stage's section: the maps and tables) and its write (the HTML page, and the .qml styles and
project.qgz where the version writes them), in wall-clock and CPU seconds (CPU is steadier on
a shared machine). The report's share of the whole pipeline's CPU time in
the same run is the figure to compare between versions and machines. Prints the number of map
PNGs and of styles written.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main() -> None:
    from econet.config import load_study
    from econet.demo import generate_city, write_city
    from econet.io import write_text
    from econet.pipeline import run_study
    from econet.presets import demo_study_text
    from econet.stages.base import Context

    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        write_city(generate_city(size=args.size, seed=args.seed), out / "data")
        study_path = out / "study.toml"
        write_text(study_path, demo_study_text(study_path, out / "data"))
        c0 = time.process_time()
        run = run_study(load_study(study_path), out / "run", quiet=True, study_path=str(study_path))
        pipeline_cpu = time.process_time() - c0
        ctx = Context(load_study(study_path), run.landscape, run.folder, run.plan)
        report_stage = next(s for s in run.plan if s.name == "report")
        results = {k: v for k, v in run.results.items() if k != "report"}
        for i in range(args.repeat):
            w0, c0 = time.perf_counter(), time.process_time()
            report = report_stage.compute(ctx, **results)  # every stage's section, with its maps
            w1, c1 = time.perf_counter(), time.process_time()
            written = report_stage.write(ctx, report)  # the page (and the QGIS files)
            w2, c2 = time.perf_counter(), time.process_time()
            maps = [f for f in written if f.endswith(".png") and Path(f).name.startswith("map_")]
            styles = [f for f in written if f.endswith((".qml", ".qgz"))]
            print(
                f"run {i + 1}, demo --size {args.size}: sections and maps {w1 - w0:.2f} s wall, {c1 - c0:.2f} s CPU; "
                f"page and QGIS files {w2 - w1:.2f} s wall, {c2 - c1:.2f} s CPU"
            )
            print(
                f"  {len(maps)} maps, {len(styles)} QGIS files; report stage CPU {c2 - c0:.2f} s = "
                f"{100 * (c2 - c0) / pipeline_cpu:.1f} % of the first run's pipeline CPU ({pipeline_cpu:.1f} s)"
            )


if __name__ == "__main__":
    main()
