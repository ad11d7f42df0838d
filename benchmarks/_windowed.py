"""Peak memory and time of a raster stage, whole-grid against windowed, each in a fresh process.

Used by bench_resistance.py and bench_indicators.py (``--compare WINDOW``): the script runs
itself twice with ``--window 0`` (the whole grid) and ``--window WINDOW`` and prints one line
each and their ratios. Memory is measured two ways: numpy's allocations traced by tracemalloc
from the moment the inputs exist (``traced``: the stage's working memory plus its results), and
the process's peak resident set (ru_maxrss: inputs, results, libraries).
"""

from __future__ import annotations

import hashlib
import json
import resource
import subprocess
import sys
import time
import tracemalloc


def measure(fn):
    """Run ``fn()`` under tracemalloc: (result, seconds, traced peak in MiB)."""
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return out, seconds, peak


def report(window, seconds: float, traced_mib: float, arrays) -> None:
    """Print the child's figures as one JSON line: its time, traced peak, the size and a digest
    of the result ``arrays`` (the parent compares the digests) and ru_maxrss in GiB."""
    figures = {
        "window": window,
        "seconds": seconds,
        "traced_mib": traced_mib,
        "results_mib": sum(a.nbytes for a in arrays) / 2**20,
        "digest": hashlib.sha256(b"".join(a.tobytes() for a in arrays)).hexdigest()[:16],
        "maxrss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    }
    print("RESULT " + json.dumps(figures), flush=True)


def compare(script: str, args: list[str], window: int) -> None:
    """Run ``script`` whole-grid and windowed in two processes and print the figures."""
    rows = {}
    for label, w in (("windowed", window), ("whole grid", 0)):
        done = subprocess.run([sys.executable, script, *args, "--window", str(w)], capture_output=True, text=True)
        lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
        if done.returncode or not lines:
            print(done.stdout[-2000:], done.stderr[-4000:])
            raise SystemExit(f"{label} run failed")
        rows[label] = json.loads(lines[-1][len("RESULT ") :])
    print(
        f"{'':12s} {'seconds':>8s} {'traced peak MiB':>16s} {'results MiB':>12s} {'working MiB':>12s} {'ru_maxrss GiB':>14s}"
    )
    for label, r in rows.items():
        working = r["traced_mib"] - r["results_mib"]
        print(
            f"{label:12s} {r['seconds']:8.1f} {r['traced_mib']:16.0f} {r['results_mib']:12.0f} {working:12.0f} "
            f"{r['maxrss_gib']:14.2f}"
        )
    w, g = rows["windowed"], rows["whole grid"]
    print(
        f"windowed / whole grid: time {w['seconds'] / g['seconds']:.2f}, traced peak {w['traced_mib'] / g['traced_mib']:.2f}, "
        f"working memory {(w['traced_mib'] - w['results_mib']) / max(g['traced_mib'] - g['results_mib'], 1e-9):.2f}, "
        f"ru_maxrss {w['maxrss_gib'] / g['maxrss_gib']:.2f}; identical results: {w['digest'] == g['digest']}"
    )
