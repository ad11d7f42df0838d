"""The fast engine against brute force (every node removed, all pairs recomputed with scipy) on
graphs built to be awkward: ties, zero distances, several components, isolated nodes."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import shortest_path

from econet.connectivity import (
    Links,
    best_probabilities,
    iic_indices,
    links_from_matrix,
    pc_indices,
)


def brute_num(a, links: Links, weight, value, drop=-1):
    n = a.size
    keep = (links.i != drop) & (links.j != drop)
    i, j, w = links.i[keep], links.j[keep], weight[keep]
    # sparse input keeps explicit zeros as edges (dense input would drop them)
    g = sp.csr_array((np.r_[w, w], (np.r_[i, j], np.r_[j, i])), shape=(n, n))
    dist = shortest_path(g, method="D", directed=False)
    v = value(dist)
    aa = a.copy()
    if drop >= 0:
        aa[drop] = 0.0
    return aa @ v @ aa, v


def brute(a, links, weight, value):
    num, v = brute_num(a, links, weight, value)
    d = np.array([100 * (num - brute_num(a, links, weight, value, k)[0]) / num for k in range(a.size)])
    intra = 100 * a**2 / num
    flux = 100 * 2 * a * (v @ a - a) / num
    return num, d, intra, flux


def pc_value(dist):
    return np.exp(-dist)


def iic_value(dist):
    with np.errstate(divide="ignore"):
        return np.where(np.isinf(dist), 0.0, 1.0 / (1.0 + dist))


def check_against_brute(a, links, distance_m=100.0, probability=0.5, threshold=100.0):
    k = -np.log(probability) / distance_m
    overall, nodes = pc_indices(a, links, distance_m, probability, 1000.0)
    num, d, intra, flux = brute(a, links, k * links.distance, pc_value)
    assert overall["PCnum"] == pytest.approx(num, rel=1e-12)
    np.testing.assert_allclose(nodes["dPC"], d, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(nodes["dPCintra"], intra, rtol=1e-12)
    np.testing.assert_allclose(nodes["dPCflux"], flux, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(nodes["dPC"], nodes["dPCintra"] + nodes["dPCflux"] + nodes["dPCconnector"])

    sel = links.distance <= threshold
    sub = Links(links.i[sel], links.j[sel], links.distance[sel])
    overall, nodes = iic_indices(a, links, threshold, 1000.0)
    num, d, intra, flux = brute(a, sub, np.ones(sel.sum()), iic_value)
    assert overall["IICnum"] == pytest.approx(num, rel=1e-12)
    np.testing.assert_allclose(nodes["dIIC"], d, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(nodes["dIICflux"], flux, rtol=1e-9, atol=1e-12)


def test_lattice_with_ties():
    """A 6 x 6 grid at spacing 100: every pair has many tied best paths (PC and IIC)."""
    xy = np.array([(x, y) for x in range(6) for y in range(6)], float) * 100
    d = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1))
    i, j = np.nonzero(np.triu(np.isclose(d, 100)))
    a = np.random.default_rng(1).uniform(1, 10, len(xy))
    check_against_brute(a, Links(i, j, d[i, j]))


def test_chain_components_isolated_and_zero_distances():
    """Two chains (one with touching patches, d = 0), an isolated node and a zero-attribute node."""
    i = np.array([0, 1, 2, 3, 5, 6, 7, 2])
    j = np.array([1, 2, 3, 4, 6, 7, 8, 9])
    d = np.array([50.0, 0.0, 80.0, 100.0, 0.0, 0.0, 30.0, 60.0])
    a = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 0.0, 3.0])  # node 10 isolated
    check_against_brute(a, Links(i, j, d))
    _, nodes = pc_indices(a, Links(i, j, d), 100, 0.5)
    assert nodes["dPCflux"][10] == 0 and nodes["dPCconnector"][10] == 0
    # node 1 touches 0 and 2 (p = 1): removing it cuts the chain, so it is a connector
    assert nodes["dPCconnector"][1] > 0


@pytest.mark.parametrize("seed", range(4))
def test_random_geometric_graphs(seed):
    rng = np.random.default_rng(seed)
    n = 60
    xy = rng.uniform(0, 1000, (n, 2))
    xy[:5] = xy[5]  # coincident points: zero distances and exact ties
    d = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1))
    i, j = np.nonzero(np.triu(d <= 250, 1))
    a = rng.lognormal(0, 1, n)
    check_against_brute(a, Links(i, j, d[i, j]), distance_m=200, probability=0.3, threshold=180)


def test_all_pairs_with_non_metric_distances():
    """Complete graph whose distances break the triangle inequality, so stepping stones matter."""
    rng = np.random.default_rng(7)
    n = 40
    d = rng.uniform(10, 1000, (n, n))
    d = np.minimum(d, d.T)
    np.fill_diagonal(d, 0)
    a = rng.uniform(0, 5, n)
    check_against_brute(a, links_from_matrix(d), distance_m=300, threshold=300)


def test_matrix_and_links_agree_and_duplicates_keep_the_shortest():
    d = np.array([[0, 100, np.inf], [100, 0, 40], [np.inf, 40, 0]])
    a = np.array([1.0, 2.0, 3.0])
    o1, n1 = pc_indices(a, d, 100, 0.5)
    o2, n2 = pc_indices(
        a, Links(np.array([0, 1, 2, 0]), np.array([1, 2, 1, 1]), np.array([100, 40, 40, 300.0])), 100, 0.5
    )
    assert o1 == o2
    assert n1.equals(n2)
    # by hand: p01 = 0.5, p12 = 0.5**0.4, p02 = p01 p12 via node 1
    p12 = 0.5**0.4
    num = 1 + 4 + 9 + 2 * (1 * 2 * 0.5 + 2 * 3 * p12 + 1 * 3 * 0.5 * p12)
    assert o1["PCnum"] == pytest.approx(num, rel=1e-14)
    assert n1["dPCconnector"][1] == pytest.approx(100 * 2 * 3 * 0.5 * p12 / num, rel=1e-12)
    assert o1["PCdirect(%)"] == pytest.approx(100 * 2 * (2 * 0.5 + 6 * p12) / num, rel=1e-12)
    np.testing.assert_allclose(best_probabilities(d, 3, 100, 0.5)[0], [1, 0.5, 0.5 * p12])


def test_iic_strict_threshold_and_min_probability():
    d = np.array([[0, 100.0], [100.0, 0]])
    a = np.array([1.0, 1.0])
    assert iic_indices(a, d, 100)[0]["IICnum"] == pytest.approx(2 + 2 * 0.5)  # d <= 100 links (Conefor)
    assert iic_indices(a, d, 100, strict=True)[0]["IICnum"] == pytest.approx(2)  # d < 100 (Makurhini)
    assert pc_indices(a, d, 100, 0.5, min_probability=0.6)[0]["PCnum"] == pytest.approx(2)
    assert pc_indices(a, d, 100, 0.5, min_probability=0.5)[0]["PCnum"] == pytest.approx(3)


def test_landscape_area():
    d = np.array([[0, 100.0], [100.0, 0]])
    a = np.array([1.0, 3.0])
    overall, nodes = pc_indices(a, d, 100, 0.5, 10)
    assert {k: overall[k] for k in ("PCnum", "PC", "EC(PC)")} == pytest.approx(
        {"PCnum": 13.0, "PC": 0.13, "EC(PC)": np.sqrt(13.0)}
    )
    assert list(nodes.columns[:4]) == ["dPC", "dPCintra", "dPCflux", "dPCconnector"]
    full, _ = pc_indices(a, d, 100, 0.5)
    assert np.isnan(full["PC"]) and full["PCnum"] == 13.0


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="shape"):
        pc_indices(np.ones(3), np.zeros((2, 2)), 100, 0.5)
    with pytest.raises(ValueError, match="probability"):
        pc_indices(np.ones(2), np.zeros((2, 2)), 100, 1.5)
    with pytest.raises(ValueError, match="attributes"):
        pc_indices(np.array([1.0, -1.0]), np.zeros((2, 2)), 100, 0.5)
    with pytest.raises(ValueError, match="0..1"):
        iic_indices(np.ones(2), Links(np.array([0]), np.array([2]), np.array([1.0])), 10)


def test_no_nodes_and_zero_attributes():
    overall, nodes = pc_indices(np.zeros(0), np.zeros((0, 0)), 100, 0.5, 10)
    assert overall["PCnum"] == 0 and len(nodes) == 0
    overall, nodes = iic_indices(np.zeros(3), np.full((3, 3), 5.0), 10, 10)
    assert overall["IICnum"] == 0 and (nodes["dIIC"] == 0).all()
    assert pc_indices(np.zeros(2), np.ones((2, 2)), 100, 0.5, 10)[0]["PC"] == 0


def test_sweep_order_is_a_permutation_grouping_components():
    from econet.connectivity import _kernels
    from econet.connectivity.indices import _csr

    i, j = np.array([0, 1, 3, 4, 6]), np.array([1, 2, 4, 5, 3])  # path 0-1-2, star 3-4-5-6, node 7 alone
    indptr, nbr, wt, *_ = _csr(8, i, j, np.ones(5))
    order = _kernels.sweep_order(indptr, nbr, wt)
    assert sorted(order.tolist()) == list(range(8))
    assert set(order[:3].tolist()) == {0, 1, 2} and set(order[3:7].tolist()) == {3, 4, 5, 6} and order[7] == 7
    assert order[1] == 1  # the path is walked from one end to the other


def test_same_bits_whatever_the_thread_count():
    from econet.connectivity.indices import _all_sources, _csr

    rng = np.random.default_rng(3)
    n = 60
    xy = rng.random((n, 2)) * 10_000
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    i, j = np.nonzero(np.triu(d < 2500, 1))
    indptr, nbr, wt, *_ = _csr(n, i, j, d[i, j] / 2500)
    attr = rng.random(n) * 1e6
    runs = [_all_sources(indptr, nbr, wt, attr, 0, True, threads=t) for t in (1, 2, 7)]
    for other in runs[1:]:
        for a, b in zip(runs[0], other):
            assert a.tobytes() == b.tobytes()
    assert runs[0][2].max() > 0  # some node is a connector
