"""econet's cost distance against GRASS r.cost, alternately, each run in a fresh process.

Usage: uv run python benchmarks/bench_costdistance.py [--size 4000] [--sources 20] [--rounds 2] [--threads 2]

A random resistance surface (uniform 1-100, float32, 30 m cells, fixed seed) with ``--sources``
square source patches of 10 x 10 cells. Each round runs ours, then r.cost (GRASS, Debian package
grass-core; 8 neighbours, its default), each in a fresh process; the timed part is the cost
computation only (reading and writing files are left out on both sides). Prints wall seconds per
run, the median ratio, the largest relative difference of the cumulative costs (float32
precision is about 6e-8), and our peak memory per cell (the growth of the process while
computing cost, allocation and back-links, over cells). Without GRASS it says so and times ours.
CPU seconds are printed too: when other jobs share the cores, wall-clock times are unreliable.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def make_inputs(folder: Path, size: int, n_sources: int, seed: int = 0) -> None:
    import rasterio
    from affine import Affine

    rng = np.random.default_rng(seed)
    res = rng.uniform(1.0, 100.0, (size, size)).astype(np.float32)
    labels = np.zeros((size, size), np.int32)
    for i in range(n_sources):
        r, c = rng.integers(10, size - 20, 2)
        labels[r : r + 10, c : c + 10] = i + 1
    profile = dict(driver="GTiff", height=size, width=size, count=1, crs="EPSG:32650")
    profile["transform"] = Affine(30.0, 0, 500000.0, 0, -30.0, 4000000.0)
    with rasterio.open(folder / "resistance.tif", "w", dtype="float32", **profile) as dst:
        dst.write(res, 1)
    with rasterio.open(folder / "sources.tif", "w", dtype="int32", nodata=0, **profile) as dst:
        dst.write(labels, 1)


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run_ours(folder: Path, threads: int) -> dict:
    import rasterio

    from econet.corridors import cost_distance

    with rasterio.open(folder / "resistance.tif") as src:
        res = src.read(1)
    with rasterio.open(folder / "sources.tif") as src:
        labels = src.read(1)
    small = np.zeros((8, 8), np.int32)
    small[0, 0] = 1
    cost_distance(res[:8, :8], small, 30.0, threads=threads)  # load the compiled kernel
    base = _rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    cd = cost_distance(res, labels, 30.0, threads=threads)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    np.save(folder / "ours.npy", cd.cost.astype(np.float64))
    cells = res.size
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_mb": peak,
        "bytes_per_cell_kernel": (peak - base) * 2**20 / cells,
        "bytes_per_cell_with_inputs": (peak - base) * 2**20 / cells + 8.0,  # + float32 resistance, int32 labels
    }


def run_grass(folder: Path) -> dict:
    script = folder / "grass_job.sh"
    script.write_text(
        "set -e\n"
        f"r.in.gdal --quiet --overwrite input={folder}/resistance.tif output=res\n"
        f"r.in.gdal --quiet --overwrite input={folder}/sources.tif output=src\n"
        "g.region raster=res\n"
        "t0=$(date +%s.%N)\n"
        "TIMEFORMAT='%U %S'\n"
        f"{{ time r.cost --quiet --overwrite input=res output=cost start_raster=src memory=8000 ; }} 2> {folder}/grass_cpu.txt\n"
        "t1=$(date +%s.%N)\n"
        f'echo "$t0 $t1" > {folder}/grass_time.txt\n'
        f"r.out.gdal --quiet --overwrite -f input=cost output={folder}/grass_cost.tif type=Float64\n"
    )
    gisdb = folder / "grassdb"
    shutil.rmtree(gisdb, ignore_errors=True)
    subprocess.run(
        ["grass", "-c", str(folder / "resistance.tif"), "-e", str(gisdb / "loc")], check=True, capture_output=True
    )
    subprocess.run(
        ["grass", str(gisdb / "loc" / "PERMANENT"), "--exec", "bash", str(script)], check=True, capture_output=True
    )
    t0, t1 = map(float, (folder / "grass_time.txt").read_text().split())
    user, system = map(float, (folder / "grass_cpu.txt").read_text().split()[-2:])
    return {"wall_s": t1 - t0, "cpu_s": user + system}


def compare(folder: Path) -> float:
    import rasterio

    ours = np.load(folder / "ours.npy")
    with rasterio.open(folder / "grass_cost.tif") as src:
        # r.cost counts steps in cells (1 or √2); econet in metres: scale by the 30 m cell.
        theirs = src.read(1).astype(np.float64) * 30.0
        nodata = src.nodata
    if nodata is not None:
        theirs[theirs == nodata * 30.0] = np.nan
    both = np.isfinite(ours) & np.isfinite(theirs)
    if np.isfinite(ours).sum() != np.isfinite(theirs).sum():
        print(f"  reachable cells differ: ours {np.isfinite(ours).sum()}, r.cost {np.isfinite(theirs).sum()}")
    denom = np.maximum(np.abs(theirs[both]), 1e-12)
    return float(np.max(np.abs(ours[both] - theirs[both]) / denom))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=4000)
    ap.add_argument("--sources", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--worker", choices=["ours", "grass"], help=argparse.SUPPRESS)
    ap.add_argument("--folder", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        folder = Path(args.folder)
        out = run_ours(folder, args.threads) if args.worker == "ours" else run_grass(folder)
        print(json.dumps(out))
        return
    have_grass = shutil.which("grass") is not None
    if not have_grass:
        print("GRASS GIS is not installed (Debian: apt-get install grass-core): timing econet only.")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_inputs(folder, args.size, args.sources)
        print(f"{args.size} x {args.size} cells, {args.sources} sources, load average {os.getloadavg()[0]:.1f}")
        ours, grass = [], []
        for i in range(args.rounds):
            for who in ["ours", "grass"] if have_grass else ["ours"]:
                cmd = [sys.executable, __file__, "--worker", who, "--folder", tmp, "--threads", str(args.threads)]
                done = subprocess.run(cmd, check=True, capture_output=True, text=True)
                rec = json.loads(done.stdout.strip().splitlines()[-1])
                (ours if who == "ours" else grass).append(rec)
                extra = f", {rec['bytes_per_cell_with_inputs']:.1f} bytes/cell" if who == "ours" else ""
                print(f"  round {i + 1} {who:5s}: {rec['wall_s']:.2f} s wall, {rec['cpu_s']:.2f} s CPU{extra}")
        t_ours = float(np.median([r["wall_s"] for r in ours]))
        print(f"econet cost_distance ({args.threads} threads): median {t_ours:.2f} s")
        print(
            f"peak memory: {max(r['peak_mb'] for r in ours):.0f} MB process, "
            f"{max(r['bytes_per_cell_with_inputs'] for r in ours):.1f} bytes per cell including the inputs "
            f"({max(r['bytes_per_cell_kernel'] for r in ours):.1f} for the kernel's outputs and work space)"
        )
        if have_grass:
            t_grass = float(np.median([r["wall_s"] for r in grass]))
            print(f"GRASS r.cost: median {t_grass:.2f} s; r.cost / econet = {t_grass / t_ours:.2f}x (wall clock)")
            c_ours = float(np.median([r["cpu_s"] for r in ours]))
            c_grass = float(np.median([r["cpu_s"] for r in grass]))
            print(
                f"CPU seconds (all threads): econet {c_ours:.2f}, r.cost {c_grass:.2f}, ratio {c_grass / c_ours:.2f}x; "
                "on a busy machine the wall-clock ratio understates a two-thread run"
            )
            print(f"largest relative difference of cumulative cost: {compare(folder):.2e}")


if __name__ == "__main__":
    main()
