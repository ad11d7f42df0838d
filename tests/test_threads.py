"""What runs in several threads at once (the scenario runs of econet.optimise) writes the bytes
it writes alone: figures are drawn one at a time (pyplot's registry of figures and matplotlib's
artists are not thread-safe), GeoPackages keep their fixed date (GDAL's configuration is one
for the process), igraph's seeded results do not depend on other threads."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import geopandas as gpd
import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import shapely

import econet
from econet.io import write_vector
from econet.io.atomic import FIGURE_LOCK, recording, write_text
from econet.network.figures import robustness_figure
from econet.network.topology import louvain

SRC = Path(econet.__file__).parent


def _curves() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    x = np.linspace(0, 1, 12)
    return pd.concat(
        [pd.DataFrame({"strategy": s, "removed_fraction": x, "S": rng.random(12), "D": rng.random(12)}) for s in "ab"]
    )


def test_a_figure_waits_while_another_thread_draws(tmp_path):
    curves = _curves()
    robustness_figure(curves, tmp_path / "alone.png", ("S", "D"))
    drawing = threading.Thread(target=robustness_figure, args=(curves, tmp_path / "waited.png", ("S", "D")))
    with FIGURE_LOCK:  # another thread is drawing
        drawing.start()
        drawing.join(timeout=1.0)
        assert drawing.is_alive() and not (tmp_path / "waited.png").exists()
    drawing.join()
    assert (tmp_path / "waited.png").read_bytes() == (tmp_path / "alone.png").read_bytes()


def test_every_function_that_makes_a_figure_holds_the_lock():
    makers, unlocked = [], []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            calls = {
                f"{n.func.value.id}.{n.func.attr}"
                for n in ast.walk(fn)
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
            }
            if calls & {"plt.subplots", "plt.figure"}:
                makers.append(fn.name)
                if not any(isinstance(d, ast.Name) and d.id == "draws_figure" for d in fn.decorator_list):
                    unlocked.append(f"{path.relative_to(SRC)}: {fn.name}")
    assert len(makers) >= 18 and "robustness_figure" in makers
    assert unlocked == []


def _at_once(fn, n: int = 4) -> list:
    """``fn(i)`` for i < n, each in its own thread, started together."""
    start, out = threading.Barrier(n), [None] * n

    def run(i):
        start.wait()
        out[i] = fn(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_geopackages_written_at_once_keep_their_fixed_date(tmp_path):
    gdf = gpd.GeoDataFrame({"id": [1, 2]}, geometry=[shapely.Point(0, 0), shapely.Point(1, 1)], crs=32650)
    layers = {f"layer_{k}": gdf for k in range(4)}  # the date is written with each layer
    write_vector(tmp_path / "alone.gpkg", layers)
    alone = (tmp_path / "alone.gpkg").read_bytes()

    def write(i):
        return [write_vector(tmp_path / f"t{i}_{k}.gpkg", layers).read_bytes() == alone for k in range(5)]

    assert _at_once(write) == [[True] * 5] * 4


def test_seeded_communities_do_not_depend_on_other_threads():
    g = ig.Graph(n=200, edges=list(nx.gnp_random_graph(200, 0.03, seed=1).edges()))
    alone = louvain(g, seed=7, runs=3).tolist()
    # other seeds drawn at the same time, from the one generator igraph has per process (without
    # the lock, about 6 of 200 results here differed)
    results = _at_once(lambda i: [louvain(g, seed=7 if i % 2 == 0 else i, runs=3).tolist() for _ in range(100)])
    assert all(r == alone for r in results[0] + results[2])


def test_a_record_of_writes_holds_only_its_own_threads_writes(tmp_path):
    # a stage that fails removes what it wrote: what another run wrote meanwhile is not its own
    both_recording = threading.Barrier(2)

    def record(i):
        with recording() as written:
            both_recording.wait()
            write_text(tmp_path / f"run{i}.txt", str(i))
            both_recording.wait()
        return written

    assert _at_once(record, 2) == [[tmp_path / "run0.txt"], [tmp_path / "run1.txt"]]
