"""Figures drawn from several threads (scenario runs at once, econet.optimise) are drawn one at
a time: pyplot's registry of figures and matplotlib's artists are not thread-safe."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import numpy as np
import pandas as pd

import econet
from econet.io.atomic import FIGURE_LOCK
from econet.network.figures import robustness_figure

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
