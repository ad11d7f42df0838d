"""Circuit benchmark (issue 7): random resistance grid, 20 focal nodes, pairwise effective
resistance matrix plus cumulative current map.

Targets on the 2-core machine: 1000 x 1000 in <= 20 s and <= 4 GB; 2000 x 2000 in <= 120 s.
(Circuitscape.jl's published benchmark for 1000 x 1000: 90-106 s on 16 processes.)

    uv run python benchmarks/bench_circuit.py [SIZE ...] [--solver auto|direct|amg]
    uv run python benchmarks/bench_circuit.py --omniscape [SIZE ...] [--radius 25] [--block 21]
    uv run python benchmarks/bench_circuit.py --window-radii 10 20 25 50 100

``--omniscape`` times Omniscape's moving windows (issue 20) instead: every cell a source (1/R),
targets every ``--block`` cells, windows of ``--radius`` cells, cumulative current and flow
potential. It prints the windows solved, the wall and CPU time per window (on a shared machine
the CPU time is the steadier figure) and the extrapolation to a 14000 x 14000 province at the
same settings (time scales with the number of windows).

Measured on the shared 2-core machine (load average 12-17), 2026-11-30, radius 25, block 21:
  1000 x 1000: 2209 windows, 562.6 s wall, 41.9 s CPU (19 ms CPU a window), 0.26 GB.
  2000 x 2000: 9025 windows, 1410.2 s wall, 169.8 s CPU (19 ms CPU a window), 0.47 GB.
  2000 x 2000, block 41: 2304 windows, 602.5 s wall, 40.1 s CPU (17 ms CPU a window), 0.47 GB.
  One window (--window-radii), CPU: radius 10: 4 ms, 20: 13 ms, 25: 16 ms, 50: 40 ms, 100: 142 ms.

Measured on the shared 2-core machine (load average in brackets), 2026-11-21:
  1000 x 1000 auto (PARDISO): 11.2 s, 2.24 GB [2.8]; 17.0 s [3.9]; 46 s [~7, before the
  parallel forward/backward solve setting]. AMG-CG (1e-6): 64.0 s, 1.28 GB [1.7].
  2000 x 2000 auto (PARDISO, fits in memory): 45.4 s, 8.58 GB [2.8]; 103 s [~5-8].
  AMG-CG: 639 s, 4.3 GB [~8].
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # ru_maxrss is in KiB on Linux


def run(size: int, solver: str, k: int = 20, seed: int = 0) -> dict:
    from econet.circuit import choose_method, pairwise, raster_graph

    rng = np.random.default_rng(seed)
    resistance = rng.uniform(1.0, 100.0, (size, size))
    t0 = time.perf_counter()
    graph = raster_graph(1.0 / resistance)  # 8 neighbours, average conductance (Circuitscape default)
    t_graph = time.perf_counter() - t0
    focal = rng.choice(graph.n, k, replace=False)
    t1 = time.perf_counter()
    out = pairwise(graph, np.arange(1, k + 1), focal, method=solver, currents=True)
    t_solve = time.perf_counter() - t1
    total = time.perf_counter() - t0
    r = out.resistance
    assert np.all(r[~np.eye(k, dtype=bool)] > 0) and np.isfinite(out.cumulative).all()
    return {
        "size": size,
        "solver": out.solver,
        "auto_pick": choose_method(graph.n, "auto"),
        "graph_s": t_graph,
        "solve_and_currents_s": t_solve,
        "total_s": total,
        "peak_gb": peak_gb(),
        "mean_R": float(r[np.triu_indices(k, 1)].mean()),
    }


def run_omniscape(size: int, radius: int, block: int, solver: str, seed: int = 0) -> dict:
    from econet.circuit.omniscape import omniscape

    rng = np.random.default_rng(seed)
    resistance = rng.uniform(1.0, 100.0, (size, size))
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    out = omniscape(resistance, 1.0 / resistance, radius=radius, block_size=block, method=solver)
    total = time.perf_counter() - t0
    assert np.isfinite(out.normalized).all() and out.cumulative.max() > 0
    return {"windows": out.targets, "total_s": total, "cpu_s": time.process_time() - cpu0, "peak_gb": peak_gb()}


def window_main(radii: list[int], solver: str, repeats: int = 5) -> None:
    """CPU and wall time of one interior window (current and flow potential) per radius."""
    from econet.circuit.omniscape import Target, Windows, solve_window

    rng = np.random.default_rng(0)
    for radius in radii:
        n = 2 * radius + 1
        resistance = rng.uniform(1.0, 100.0, (n, n))
        windows = Windows(1.0 / resistance, 1.0 / resistance, radius, 5, method=solver)
        target = Target(radius, radius, 1.0)
        solve_window(windows, target)  # the open box is factored once per thread: not timed
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(repeats):
            solve_window(windows, target)
        wall, cpu = ((f() - s) / repeats for f, s in ((time.perf_counter, t0), (time.process_time, c0)))
        print(
            f"window radius {radius}: {int(np.pi * radius**2)} nodes, {1000 * wall:.0f} ms wall, {1000 * cpu:.0f} ms CPU"
        )


def omniscape_main(sizes: list[int], radius: int, block: int, solver: str) -> None:
    run_omniscape(3 * radius, radius, block, solver)  # numba kernels and the solver's library loaded
    province = 14_000
    for size in sizes:
        res = run_omniscape(size, radius, block, solver)
        per, per_cpu = (res[k] / max(res["windows"], 1) for k in ("total_s", "cpu_s"))
        windows_province = (province // block) ** 2
        print(
            f"omniscape {size} x {size}, radius {radius} cells, block {block}: {res['windows']} windows in "
            f"{res['total_s']:.1f} s wall ({res['cpu_s']:.1f} s CPU), {1000 * per:.1f} ms wall and "
            f"{1000 * per_cpu:.1f} ms CPU a window, peak RSS {res['peak_gb']:.2f} GB; EXTRAPOLATED to "
            f"{province} x {province}: {windows_province} windows, {windows_province * per / 3600:.1f} h at this wall "
            f"rate, {windows_province * per_cpu / 3600:.1f} h of CPU"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", type=int, default=[1000])
    ap.add_argument("--solver", default="auto")
    ap.add_argument("--omniscape", action="store_true", help="time Omniscape's moving windows instead")
    ap.add_argument("--radius", type=int, default=25, help="--omniscape: window radius (cells)")
    ap.add_argument("--block", type=int, default=21, help="--omniscape: block size (cells, odd)")
    ap.add_argument("--window-radii", type=int, nargs="+", help="time one Omniscape window of each radius (cells)")
    args = ap.parse_args()
    if args.window_radii:
        window_main(args.window_radii, args.solver)
        return
    if args.omniscape:
        omniscape_main(args.sizes, args.radius, args.block, args.solver)
        return
    import numba

    # warm the numba kernels on a tiny grid so compile time is not counted
    run(20, args.solver)
    print(f"numba threads: {numba.get_num_threads()}")
    for size in args.sizes:
        res = run(size, args.solver)
        limit = 20 if size <= 1000 else 120
        print(
            f"{size} x {size}, 20 focal, 190 pairs: total {res['total_s']:.1f} s "
            f"(graph {res['graph_s']:.1f} s, k-1 solves + cumulative current {res['solve_and_currents_s']:.1f} s), "
            f"peak RSS {res['peak_gb']:.2f} GB, solver {res['solver']} (auto picks {res['auto_pick']}), "
            f"mean R {res['mean_R']:.4f}; target <= {limit} s: {'OK' if res['total_s'] <= limit else 'OVER'}"
        )


if __name__ == "__main__":
    main()
