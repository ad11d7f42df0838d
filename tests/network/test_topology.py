"""Topology metrics: equal to networkx on random graphs, Gephi's raw betweenness by hand,
eigenvector centrality on disconnected graphs by hand, Louvain on Zachary's karate club."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

from econet.errors import EconetError
from econet.network import louvain, modularity, network_summary, node_metrics
from econet.network.topology import to_igraph


def _weighted(n, m, seed):
    g = nx.gnm_random_graph(n, m, seed=seed)
    rng = np.random.default_rng(seed)
    for u, v in g.edges:
        g.edges[u, v]["length_m"] = float(rng.uniform(50, 5000))
    return g


@pytest.mark.parametrize("n,m,seed", [(60, 75, 0), (60, 75, 1), (80, 240, 2), (40, 39, 3)])
def test_node_metrics_equal_networkx(n, m, seed):
    g = _weighted(n, m, seed)
    got = node_metrics(g).set_index("id").loc[list(g.nodes)]
    ref = {
        "degree": dict(g.degree()),
        "degree_centrality": nx.degree_centrality(g),
        "clustering": nx.clustering(g),
        "closeness": nx.closeness_centrality(g),
        "closeness_gephi": nx.closeness_centrality(g, wf_improved=False),
        "closeness_weighted": nx.closeness_centrality(g, distance="length_m"),
        "betweenness": nx.betweenness_centrality(g, normalized=False),
        "betweenness_norm": nx.betweenness_centrality(g, normalized=True),
    }
    for col, values in ref.items():
        assert np.allclose(got[col], [values[v] for v in g.nodes], rtol=1e-10, atol=1e-12), col
    # Eigenvector: networkx's on each component's Perron vector, maximum scaled to 1 on the dominant one.
    comps = sorted(nx.connected_components(g), key=len, reverse=True)
    lam = {}
    for comp in comps:
        if len(comp) < 2:
            assert np.allclose(got.loc[list(comp), "eigenvector"], 0)
            continue
        sub = g.subgraph(comp)
        w, vec = np.linalg.eigh(nx.to_numpy_array(sub))
        ref_e = dict(zip(sub.nodes, np.abs(vec[:, -1])))
        if len(comp) > 2:  # networkx's own on the component (it needs 3 nodes or more)
            nx_e = nx.eigenvector_centrality_numpy(sub)
            assert np.allclose([nx_e[v] for v in sub], [ref_e[v] for v in sub], atol=1e-8)
        mx = max(ref_e.values())
        ours = got.loc[list(comp), "eigenvector"].to_numpy()
        assert np.allclose(ours / ours.max(), [ref_e[v] / mx for v in comp], atol=1e-8)
        lam[frozenset(comp)] = (ours.max(), max(np.linalg.eigvalsh(nx.to_numpy_array(sub))))
    top = max(v[1] for v in lam.values())
    for ours_max, value in lam.values():
        assert np.isclose(ours_max, value / top)
    assert np.isclose(got["eigenvector"].max(), 1.0)


def test_summary_equals_networkx_connected_and_disconnected():
    g = _weighted(70, 90, 4)
    s = network_summary(g)
    assert s["nodes"] == 70 and s["edges"] == 90 and np.isclose(s["density"], nx.density(g))
    assert s["components"] == nx.number_connected_components(g)
    assert s["isolated_nodes"] == nx.number_of_isolates(g)
    assert np.isclose(s["average_clustering"], nx.average_clustering(g))
    assert np.isclose(s["transitivity"], nx.transitivity(g))
    # Over all connected pairs (Gephi): hops and weighted.
    hops = [d for u, dd in nx.all_pairs_shortest_path_length(g) for v, d in dd.items() if u != v]
    wts = [d for u, dd in nx.all_pairs_dijkstra_path_length(g, weight="length_m") for v, d in dd.items() if u != v]
    assert np.isclose(s["average_path_length_hops"], np.mean(hops)) and s["diameter_hops"] == max(hops)
    assert np.isclose(s["average_path_length_length_m"], np.mean(wts))
    assert np.isclose(s["diameter_length_m"], max(wts))
    # Connected: exactly networkx's average_shortest_path_length and diameter.
    c = g.subgraph(max(nx.connected_components(g), key=len)).copy()
    sc = network_summary(c)
    assert np.isclose(sc["average_path_length_hops"], nx.average_shortest_path_length(c))
    assert np.isclose(sc["average_path_length_length_m"], nx.average_shortest_path_length(c, weight="length_m"))
    assert sc["diameter_hops"] == nx.diameter(c) and sc["components"] == 1


def test_gephi_raw_betweenness_by_hand():
    # A square 0-1-2-3 with a pendant 4 on node 0. Pairs split over two shortest paths give 1/2:
    # node 0: (1,3) 1/2 + (4,1) 1 + (4,3) 1 + (4,2) 1 = 3.5; nodes 1 and 3: (0,2) 1/2 + (4,2) 1/2 = 1;
    # node 2: (1,3) 1/2; the pendant 0.
    g = nx.Graph([(0, 1), (1, 2), (2, 3), (3, 0), (0, 4)])
    m = node_metrics(g, weight=None).set_index("id")
    assert np.allclose(m.loc[[0, 1, 2, 3, 4], "betweenness"], [3.5, 1.0, 0.5, 1.0, 0.0])
    assert np.allclose(m["betweenness_norm"], m["betweenness"] / 6)  # (N-1)(N-2)/2 = 6 pairs
    assert np.isnan(m["closeness_weighted"]).all()


def test_star_and_closeness_on_disconnected_graph_by_hand():
    star = node_metrics(nx.star_graph(4), weight=None).set_index("id")
    assert star.loc[0, "degree"] == 4 and star.loc[0, "betweenness"] == 6 and star.loc[0, "betweenness_norm"] == 1
    # Path 0-1-2 and an isolated node 3 (N = 4): (r-1)/Σd x (r-1)/(N-1).
    g = nx.path_graph(3)
    g.add_node(3)
    for u, v in g.edges:
        g.edges[u, v]["length_m"] = 10.0 if u == 0 else 30.0
    m = node_metrics(g).set_index("id")
    assert np.allclose(m["closeness"], [2 / 3 * 2 / 3, 1 * 2 / 3, 2 / 3 * 2 / 3, 0])
    assert np.allclose(m["closeness_gephi"], [2 / 3, 1, 2 / 3, 0])
    assert np.allclose(m["closeness_weighted"], [2 / 50 * 2 / 3, 2 / 40 * 2 / 3, 2 / 70 * 2 / 3, 0])
    assert np.allclose(m["clustering"], 0) and m.loc[3, "eigenvector"] == 0


def test_eigenvector_on_disconnected_graph_by_hand():
    # K4 (λ = 3, all 1) and a path of 3 (λ = √2, Perron vector (1, √2, 1)): scaled by √2/3.
    g = nx.disjoint_union(nx.complete_graph(4), nx.path_graph(3))
    e = node_metrics(g, weight=None).set_index("id")["eigenvector"]
    k = np.sqrt(2) / 3
    assert np.allclose(e.loc[[0, 1, 2, 3]], 1) and np.allclose(e.loc[[4, 5, 6]], [k / np.sqrt(2), k, k / np.sqrt(2)])
    # Two equal components: equal values (power iteration would depend on its start).
    two = node_metrics(nx.disjoint_union(nx.cycle_graph(5), nx.cycle_graph(5)), weight=None)
    assert np.allclose(two["eigenvector"], 1)


def test_louvain_on_karate_club_within_published_range():
    g = nx.karate_club_graph()
    for u, v in g.edges:  # networkx ships interaction counts as weights; Louvain here is unweighted
        del g.edges[u, v]["weight"]
    qs = []
    for seed in range(5):
        m = node_metrics(g, weight=None, seed=seed)
        q = modularity(g, m["community"])
        # Brandes et al. 2008 prove the maximum is 0.4198; Louvain finds 0.4188 (Blondel et al. 2008)
        assert 0.41 <= q <= 0.41979 + 1e-6
        assert 3 <= m["community"].nunique() <= 5
        comms = [set(np.flatnonzero(m["community"].to_numpy() == c)) for c in range(m["community"].nunique())]
        assert np.isclose(q, nx.community.modularity(g, comms))
        assert sorted(len(c) for c in comms)[::-1] == [len(c) for c in comms]  # numbered by size
        qs.append(q)
    h = to_igraph(g)
    assert (louvain(h, seed=7) == louvain(h, seed=7)).all()
    assert network_summary(g, weight=None, seed=0)["modularity"] == pytest.approx(qs[0])


def test_bad_weight_is_reported():
    g = nx.path_graph(3)
    g.edges[0, 1]["length_m"] = 5.0
    g.edges[1, 2]["length_m"] = -1.0
    with pytest.raises(EconetError, match="length_m"):
        node_metrics(g)


def test_tiny_graphs():
    for g in (nx.Graph(), nx.empty_graph(1), nx.empty_graph(2), nx.path_graph(2)):
        m = node_metrics(g, weight=None)
        s = network_summary(g, weight=None)
        assert len(m) == g.number_of_nodes() and s["nodes"] == g.number_of_nodes()
    assert list(itertools.chain(node_metrics(nx.path_graph(2), weight=None)["betweenness"])) == [0, 0]
