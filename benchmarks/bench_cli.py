"""Time whole ``econet`` commands against references run alternately in the same session.

Usage: uv run python benchmarks/bench_cli.py [--rounds 7] [--cd-rounds 3] [--size 4000] [--sources 20]
       [--skip-costdistance] [--bytecode cached|as-is]

Every figure is the wall-clock time of a fresh process (start-up, imports, reading and writing
included), the median of alternating runs, so that load from other jobs falls on both sides:

a. ``econet --help`` and ``econet --version`` against ``python -c "import numpy"``: target <= 2x.
b. ``econet costdistance RES.tif SOURCES.tif OUT.tif`` on 4000 x 4000 cells and 20 sources (the
   inputs of bench_costdistance.py) against GRASS doing the same as one command: ``grass
   --tmp-location RES.tif --exec`` a script of r.in.gdal (both rasters), r.cost and r.out.gdal
   to a tiled DEFLATE GeoTIFF. Target: econet >= 3x faster. Needs GRASS GIS: run as root on
   Debian/Ubuntu, the script installs ``grass-core`` with apt-get; otherwise only econet is timed.
c. ``econet conefor`` on the 359-node Makurhini case of tests/fixtures/connectivity (all 64,261
   pairs, PC and IIC with every node importance). Target < 1.5 s. Conefor 2.7.3 itself takes
   60-120 s on the project machine and is not run here.

Python byte code: with ``--bytecode cached`` (the default) the commands run with their compiled
byte code kept in a temporary PYTHONPYCACHEPREFIX, as after any install (pip and conda compile it;
Python caches it on first import); one unmeasured run of each command fills it first. With
``--bytecode as-is`` the environment is left alone: where PYTHONDONTWRITEBYTECODE is set and the
packages hold no byte code, every start compiles the Python sources of numpy, numba and the rest.
Apart from GRASS, the script installs nothing. ``uptime`` is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
SPAIN = HERE.parent / "tests" / "fixtures" / "connectivity" / "conefor_2.7.3_runs" / "spain_makurhini"
ECONET = [sys.executable, "-m", "econet"]


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def wall(cmd: list[str], env: dict, cwd=None) -> float:
    """Seconds of one run of ``cmd`` (which must succeed)."""
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds


def alternate(commands: dict[str, list[str]], rounds: int, env: dict, warm: bool = True) -> dict[str, float]:
    """Median seconds per command, the commands run in turn ``rounds`` times (after one unmeasured
    run each when ``warm``)."""
    if warm:
        for cmd in commands.values():
            wall(cmd, env)
    times = {name: [] for name in commands}
    for _ in range(rounds):
        for name, cmd in commands.items():
            times[name].append(wall(cmd, env))
    return {name: float(np.median(t)) for name, t in times.items()}


def install_grass() -> bool:
    """Install Debian's grass-core (the reference for the cost-distance comparison) when this runs
    as root with apt-get; True when GRASS is then available."""
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        return False
    print("\ninstalling Debian's grass-core for the r.cost comparison (apt-get install grass-core) ...")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "grass-core"]):
        if subprocess.run(cmd, env=env, capture_output=True).returncode != 0:
            return False
    return shutil.which("grass") is not None


def grass_job(folder: Path) -> list[str]:
    script = folder / "grass_job.sh"
    script.write_text(
        "set -e\n"
        f"r.in.gdal --quiet --overwrite input={folder}/resistance.tif output=res\n"
        f"r.in.gdal --quiet --overwrite input={folder}/sources.tif output=src\n"
        "g.region raster=res\n"
        "r.cost --quiet --overwrite input=res output=cost start_raster=src memory=8000\n"
        f"r.out.gdal --quiet --overwrite -f input=cost output={folder}/grass_cost.tif type=Float32 "
        "createopt=TILED=YES,COMPRESS=DEFLATE,PREDICTOR=3\n"
    )
    return ["grass", "--tmp-location", str(folder / "resistance.tif"), "--exec", "bash", str(script)]


def largest_difference(folder: Path) -> float:
    """Largest relative difference between econet's and r.cost's costs (r.cost counts cells)."""
    import rasterio

    with rasterio.open(folder / "econet_cost.tif") as src:
        ours = src.read(1).astype(np.float64)
    with rasterio.open(folder / "grass_cost.tif") as src:
        theirs = src.read(1).astype(np.float64) * abs(src.transform.a)
    both = np.isfinite(ours) & np.isfinite(theirs) & (theirs > 0)
    return float(np.max(np.abs(ours[both] - theirs[both]) / theirs[both]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=7, help="alternating rounds for --help/--version and conefor")
    ap.add_argument("--cd-rounds", type=int, default=3, help="alternating rounds for costdistance vs GRASS")
    ap.add_argument("--size", type=int, default=4000)
    ap.add_argument("--sources", type=int, default=20)
    ap.add_argument("--skip-costdistance", action="store_true")
    ap.add_argument("--bytecode", choices=["cached", "as-is"], default="cached")
    args = ap.parse_args()

    print(f"before: {uptime()}")
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.bytecode == "cached":
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        print(f"Python byte code: {args.bytecode}")

        # a. start-up
        t = alternate(
            {
                "numpy": [sys.executable, "-c", "import numpy"],
                "help": [*ECONET, "--help"],
                "version": [*ECONET, "--version"],
            },
            args.rounds,
            env,
        )
        print(f"\na. start-up, median of {args.rounds} alternating runs (target <= 2x import numpy)")
        print(f"   python -c 'import numpy'  {t['numpy']:6.3f} s")
        for name in ("help", "version"):
            print(f"   econet --{name:<16s}{t[name]:6.3f} s   {t[name] / t['numpy']:.2f}x import numpy")

        # c. conefor (before the long costdistance rounds)
        conefor = [
            *ECONET, "conefor", "-nodeFile", str(SPAIN / "nodes_359.txt"), "-conFile", str(SPAIN / "dist_359.txt.gz"),
            "-t", "dist", "all", "-confProb", "980966.64", "0.5", "-PC", "-confAdj", "980966.64", "-IIC",
            "-prefix", "spain359", "--out-dir", str(tmp),
        ]  # fmt: skip
        t = alternate({"conefor": conefor, "numpy": [sys.executable, "-c", "import numpy"]}, args.rounds, env)
        print(f"\nc. econet conefor, 359 nodes, all pairs, PC + IIC (target < 1.5 s), median of {args.rounds}")
        print(f"   {t['conefor']:.2f} s wall ({t['conefor'] / t['numpy']:.1f}x import numpy, {t['numpy']:.3f} s)")

        # b. costdistance against GRASS
        if not args.skip_costdistance:
            sys.path.insert(0, str(HERE))
            from bench_costdistance import make_inputs

            have_grass = shutil.which("grass") is not None or install_grass()
            if not have_grass:
                print("\nGRASS GIS is not installed (Debian/Ubuntu: apt-get install grass-core): timing econet only.")

            def commands(folder: Path) -> dict[str, list[str]]:
                ours = [
                    *ECONET, "costdistance", str(folder / "resistance.tif"), str(folder / "sources.tif"),
                    str(folder / "econet_cost.tif"),
                ]  # fmt: skip
                return {"econet": ours} | ({"grass": grass_job(folder)} if have_grass else {})

            small = tmp / "small"
            small.mkdir()
            make_inputs(small, 300, 2)
            alternate(commands(small), 1, env, warm=False)  # fills the byte code and disk caches
            make_inputs(tmp, args.size, args.sources)
            t = alternate(commands(tmp), args.cd_rounds, env, warm=False)
            print(
                f"\nb. costdistance {args.size} x {args.size} cells, {args.sources} sources, whole commands, "
                f"median of {args.cd_rounds} alternating runs"
            )
            print(f"   econet costdistance  {t['econet']:6.2f} s")
            if "grass" in t:
                print(f"   GRASS (import, r.cost, export) {t['grass']:6.2f} s")
                print(f"   econet is {t['grass'] / t['econet']:.2f}x faster (target >= 3x)")
                print(f"   largest relative difference of the costs: {largest_difference(tmp):.1e} (float32 output)")
    print(f"\nafter: {uptime()}")


if __name__ == "__main__":
    main()
