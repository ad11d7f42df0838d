"""The circuit engine against hand cases, a dense pseudo-inverse, and physical invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest

from econet.circuit import GroundedSolver, advanced, node_currents, one_to_all, pairwise, raster_graph
from econet.circuit.modes import EMPTY


def random_grid(seed=0, shape=(24, 31), holes=True):
    rng = np.random.default_rng(seed)
    g = rng.uniform(0.05, 2.0, shape)
    if holes:
        g[rng.uniform(size=shape) < 0.12] = 0.0  # NODATA
    return g


def test_strip_by_hand():
    g = np.ones((1, 5))
    graph = raster_graph(g, four_neighbours=True)
    out = pairwise(graph, np.array([1, 2]), np.array([0, 4]))
    assert out.resistance[0, 1] == pytest.approx(4.0)  # four unit resistors in series
    # average resistance: 2/(r1 + r2) per step; resistances 1, 3 -> step conductance 1/2
    g2 = 1.0 / np.array([[1.0, 3.0]])
    graph2 = raster_graph(g2, four_neighbours=True, average_resistance=True)
    assert pairwise(graph2, np.array([1, 2]), np.array([0, 1])).resistance[0, 1] == pytest.approx(2.0)
    # average conductance on a diagonal step: (1 + 1) / (2 sqrt 2)
    g3 = np.array([[1.0, 0.0], [0.0, 1.0]])
    graph3 = raster_graph(g3)
    assert pairwise(graph3, np.array([1, 2]), np.array([0, 1])).resistance[0, 1] == pytest.approx(math.sqrt(2))


def test_resistances_match_dense_pseudo_inverse():
    g = random_grid()
    graph = raster_graph(g)
    comp = graph.components()
    big = np.bincount(comp).argmax()
    nodes = np.nonzero(comp == big)[0]
    rng = np.random.default_rng(1)
    focal = rng.choice(nodes, 6, replace=False)
    out = pairwise(graph, np.arange(1, 7), focal)
    lap = graph.laplacian().toarray()[np.ix_(nodes, nodes)]
    pinv = np.linalg.pinv(lap)
    loc = {n: k for k, n in enumerate(nodes)}
    for i in range(6):
        for j in range(6):
            a, b = loc[focal[i]], loc[focal[j]]
            want = pinv[a, a] + pinv[b, b] - 2 * pinv[a, b]
            assert out.resistance[i, j] == pytest.approx(want, rel=1e-8, abs=1e-10)


def test_current_conserved_and_ground_independent():
    g = random_grid(2, holes=False)
    graph = raster_graph(g)
    rng = np.random.default_rng(3)
    focal = rng.choice(graph.n, 5, replace=False)
    maps = {}

    def keep(i, j, volts, amps):
        maps[(i, j)] = (volts, amps)

    out = pairwise(graph, np.arange(5), focal, on_pair=keep, max_map=True)
    lap = graph.laplacian()
    for (i, j), (volts, amps) in maps.items():
        net = lap @ volts  # current leaving each node into the network
        rhs = np.zeros(graph.n)
        rhs[focal[j]], rhs[focal[i]] = 1.0, -1.0
        assert np.abs(net - rhs).max() < 1e-9  # Kirchhoff: zero at every non-focal node
        assert volts[focal[i]] == pytest.approx(0.0, abs=1e-12)
        assert volts[focal[j]] == pytest.approx(out.resistance[i, j])
        assert amps[focal[i]] == pytest.approx(1.0) and amps[focal[j]] == pytest.approx(1.0)
    # cumulative and maximum maps are the sum and max of the per-pair maps
    stack = np.array([a for _, a in maps.values()])
    assert np.allclose(out.cumulative, stack.sum(axis=0)) and np.allclose(out.maximum, stack.max(axis=0))
    # another focal node grounded (order reversed) gives the same answers
    rev = pairwise(graph, np.arange(5)[::-1], focal[::-1], max_map=True)
    assert np.allclose(rev.resistance[::-1, ::-1], out.resistance, atol=1e-10)
    assert np.allclose(rev.cumulative, out.cumulative, atol=1e-9)
    # and grounding a non-focal node instead: voltage differences are unchanged
    a, b = focal[0], focal[1]
    rhs = np.zeros(graph.n)
    rhs[b], rhs[a] = 1.0, -1.0
    for ground in (0, graph.n - 1, graph.n // 2):
        v = GroundedSolver(lap, [ground]).solve(rhs)
        assert v[b] - v[a] == pytest.approx(out.resistance[0, 1], rel=1e-9)


@pytest.mark.parametrize("method", ["splu", "amg", "direct"])
def test_solvers_agree(method):
    g = random_grid(4, holes=False)
    graph = raster_graph(g, average_resistance=True)
    focal = np.array([0, 100, 400, graph.n - 1])
    ref = pairwise(graph, np.arange(4), focal, method="splu")
    out = pairwise(graph, np.arange(4), focal, method=method)
    assert np.allclose(out.resistance, ref.resistance, rtol=1e-7)
    assert np.allclose(out.cumulative, ref.cumulative, atol=1e-6)


def test_disconnected_pairs_are_minus_one():
    g = np.ones((5, 9))
    g[:, 4] = 0.0  # a NODATA column cuts the grid in two
    graph = raster_graph(g)
    flat = np.arange(45).reshape(5, 9)
    fnodes = graph.node_of_cell.ravel()[[flat[0, 0], flat[4, 3], flat[2, 8], flat[2, 4]]]
    out = pairwise(graph, np.array([1, 2, 3, 4]), fnodes)
    r = out.resistance
    assert r[0, 1] > 0 and r[0, 2] == -1 and r[1, 2] == -1
    assert np.all(r[3, :3] == -1)  # a focal point on NODATA is connected to nothing


def test_short_circuit_region_collapses_cells():
    g = np.ones((3, 6))
    region = np.array([0, 6, 12])  # first column
    graph = raster_graph(g, four_neighbours=True, groups=[region])
    assert graph.n == 18 - 2
    nodes = graph.node_of_cell.ravel()
    out = pairwise(graph, np.array([1, 2]), nodes[[0, 5]])
    # three parallel rows of 5 unit resistors, the far end not merged: between R(1 row)/3 and R(1 row)
    assert 5 / 3 < out.resistance[0, 1] < 5


def test_advanced_and_one_to_all_by_hand():
    # a chain of 3 nodes, 1 A in at one end, the other end grounded through 1 ohm
    g = np.ones((1, 3))
    graph = raster_graph(g, four_neighbours=True)
    out = advanced(graph, np.array([1.0, 0, 0]), np.array([0, 0, 1.0]))
    assert np.allclose(out.voltage, [3.0, 2.0, 1.0])
    assert np.allclose(out.current, [1.0, 1.0, 1.0])
    direct = advanced(graph, np.array([1.0, 0, 0]), np.array([0, 0, np.inf]))
    assert np.allclose(direct.voltage, [2.0, 1.0, 0.0])
    # one-to-all on a star: source in the middle, two grounded ends in parallel -> R = 1/2
    o = one_to_all(graph, np.array([1, 2, 3]), np.array([1, 0, 2]))
    assert o.resistance[0] == pytest.approx(0.5)
    a = one_to_all(graph, np.array([1, 2, 3]), np.array([1, 0, 2]), all_to_one=True)
    assert np.all(a.resistance == 0)
    # ground in the middle: [1, 2, 1]; ground at an end: [2, 2, 1] and [1, 2, 2]
    assert np.allclose(a.cumulative, [4.0, 6.0, 4.0])
    assert np.allclose(node_currents(graph.u, graph.v, graph.w, np.array([0.0, 1.0, 2.0]), EMPTY), [1, 1, 1])


def test_choose_method_by_size_and_memory(monkeypatch):
    from econet.circuit import solve

    assert solve.choose_method(1000) in ("pardiso", "splu")
    assert solve.choose_method(10_000_000, "amg") == "amg"
    monkeypatch.setattr(solve, "_available_bytes", lambda: 64e9)
    assert solve.choose_method(4_000_000) in ("pardiso", "splu")  # 10.4 GB fits in 60 % of 64 GB
    monkeypatch.setattr(solve, "_available_bytes", lambda: 8e9)
    assert solve.choose_method(4_000_000) == "amg"
    assert solve.choose_method(1_000_000) in ("pardiso", "splu")  # always direct up to 1.5 million
    with pytest.raises(ValueError):
        solve.choose_method(10, "cholmod")


def test_cumulative_maps_same_bits_whatever_the_thread_count():
    from econet.circuit.currents import pairwise_current_maps

    rng = np.random.default_rng(5)
    n, m, k = 400, 1200, 9
    u = rng.integers(0, n, m)
    v = (u + rng.integers(1, n, m)) % n
    w = rng.random(m) + 0.1
    x = rng.random((k, n))
    pa, pb = np.triu_indices(k, 1)
    pa = np.concatenate([pa, [-1] * k]).astype(np.int64)
    pb = np.concatenate([pb, np.arange(k)]).astype(np.int64)
    runs = [pairwise_current_maps(u, v, w, x, pa, pb, True, threads=t) for t in (1, 2, 5)]
    for total, best in runs[1:]:
        assert total.tobytes() == runs[0][0].tobytes() and best.tobytes() == runs[0][1].tobytes()
    assert (runs[0][1] <= runs[0][0] + 1e-12).all() and runs[0][0].max() > 0


def test_pardiso_runs_on_a_fixed_thread_count():
    pytest.importorskip("pypardiso")
    import scipy.sparse as sp

    from econet.circuit.solve import PARDISO_THREADS, GroundedSolver

    n = 30
    m = sp.diags([2.0] * n) - sp.diags([0.5] * (n - 1), 1) - sp.diags([0.5] * (n - 1), -1)
    solver = GroundedSolver(sp.csr_matrix(m), np.array([0]), method="pardiso")
    assert solver._impl.libmkl.mkl_get_max_threads() == PARDISO_THREADS
    x = solver.solve(np.ones(n))
    assert x[0] == 0 and np.allclose((m @ x)[1:], 1.0)  # node 0 grounded, the rest solved
