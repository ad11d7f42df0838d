"""Node and network topology (the Xuzhou SEEC preprint, §3.3 and §4.2.1, read in Gephi; Tong et al.
2025, §2.2.3, NetworkX).

The graph model is networkx; the metrics run in igraph (compiled C), about 30x faster than
networkx for betweenness at 5000 nodes (benchmarks/bench_network.py). Conventions, each checked
against networkx in tests/network:

- degree; degree centrality = degree / (N - 1) (networkx, Gephi's "degree" divided by N - 1).
- clustering: local clustering coefficient, 0 for nodes of degree < 2 (networkx, Gephi).
- betweenness: raw counts of shortest paths through the node, each unordered pair once, as
  Gephi reports them (the Xuzhou SEEC preprint's node 40: 1526.14); ``betweenness_norm`` divides by
  (N - 1)(N - 2) / 2 as networkx's ``normalized=True``.
- closeness on hops and on a weight (corridor length by default): networkx's convention,
  (r - 1) / Σd over the r nodes reachable from the node, scaled by (r - 1) / (N - 1) when the
  graph is disconnected (Wasserman and Faust); ``closeness_gephi`` is Gephi's unscaled
  (r - 1) / Σd on hops (networkx's ``wf_improved=False``); both agree on a connected graph.
- eigenvector centrality, scaled so the network's maximum is 1 as Gephi shows it (the Xuzhou
  SEEC preprint's node 60 = 1). Defined per connected component (Perron vector of each component, its maximum
  set to λ_c / λ_max), so it needs no convergence luck on disconnected graphs; on a connected
  graph it is networkx's ``eigenvector_centrality`` divided by its maximum.
- communities: Louvain (Blondel et al. 2008; Gephi's "modularity class"), best of 10 seeded runs;
  communities are numbered 0, 1, ... by decreasing size, ties by the smallest node id.
- network level: density, components, isolated nodes, average path length and diameter over
  all connected pairs (Gephi's convention; networkx's on a connected graph), on hops and
  weighted, average clustering, modularity.
"""

from __future__ import annotations

import contextlib
import random
import threading
import warnings

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from econet.errors import EconetError

METRICS = (
    "degree",
    "degree_centrality",
    "clustering",
    "closeness",
    "closeness_gephi",
    "closeness_weighted",
    "betweenness",
    "betweenness_norm",
    "eigenvector",
    "community",
)


def to_igraph(g: nx.Graph, weight: str | None = None) -> ig.Graph:
    """The same graph in igraph, vertex i = the i-th node of ``g.nodes``; the edge attribute
    ``weight`` (if given) becomes igraph's "weight"."""
    index = {v: i for i, v in enumerate(g.nodes)}
    h = ig.Graph(n=len(index), edges=[(index[u], index[v]) for u, v in g.edges], directed=False)
    if weight is not None:
        w = check_weight(g, weight)
        h.es["weight"] = w
    return h


def check_weight(g: nx.Graph, weight: str) -> list[float]:
    """Edge weights as distances: present on every edge, finite and positive."""
    w = [d.get(weight) for _, _, d in g.edges(data=True)]
    bad = [i for i, x in enumerate(w) if x is None or not np.isfinite(x) or x <= 0]
    if bad:
        u, v = list(g.edges)[bad[0]]
        raise EconetError(
            f"edge attribute {weight!r} must be a positive number on every edge ({len(bad)} edges lack it, "
            f"first {u}-{v}); set [network] weight to an edge attribute that holds distances"
        )
    return [float(x) for x in w]


def node_metrics(
    g: nx.Graph, weight: str | None = "length_m", seed: int = 0, resolution: float = 1.0, distances: dict | None = None
) -> pd.DataFrame:
    """Per node (one row per node, in ``g.nodes`` order): the ``METRICS`` columns and ``id``.

    ``weight`` is the edge attribute used as distance for ``closeness_weighted`` (NaN column
    when None or when the graph has no edges carrying it); ``seed`` and ``resolution`` drive Louvain;
    ``distances`` (``weighted_distance_stats``) saves recomputing them.
    """
    n = g.number_of_nodes()
    ids = list(g.nodes)
    if n == 0:
        return pd.DataFrame({"id": [], **{m: [] for m in METRICS}})
    h = to_igraph(g)
    deg = np.array(h.degree(), dtype=float)
    betw = np.array(h.betweenness(directed=False), dtype=float) if n > 2 else np.zeros(n)
    comp = np.array(h.connected_components().membership)
    reach = np.bincount(comp)[comp].astype(float)  # r: nodes reachable incl. itself
    use_w = weight is not None and g.number_of_edges() > 0 and _has_weight(g, weight)
    close = np.nan_to_num(np.array(h.closeness(), dtype=float))  # (r - 1) / Σd over reachable nodes
    return pd.DataFrame(
        {
            "id": ids,
            "degree": deg.astype(int),
            "degree_centrality": deg / (n - 1) if n > 1 else np.zeros(n),
            "clustering": np.nan_to_num(np.array(h.transitivity_local_undirected(mode="zero"), dtype=float)),
            "closeness": close * (reach - 1) / (n - 1) if n > 1 else np.zeros(n),
            "closeness_gephi": close,
            "closeness_weighted": _closeness_from(distances or weighted_distance_stats(g, weight), n)
            if use_w
            else np.nan,
            "betweenness": betw,
            "betweenness_norm": betw / ((n - 1) * (n - 2) / 2) if n > 2 else np.zeros(n),
            "eigenvector": eigenvector_centrality(h, comp),
            "community": louvain(h, seed=seed, resolution=resolution, ids=ids),
        }
    )


def _has_weight(g: nx.Graph, weight: str) -> bool:
    if any(weight in d for _, _, d in g.edges(data=True)):
        check_weight(g, weight)
        return True
    return False


def weighted_distance_stats(g: nx.Graph, weight: str, chunk: int = 256) -> dict:
    """Per node, over the nodes it reaches (itself excluded) by shortest paths on ``weight``:
    the sum of distances, their number and the largest (eccentricity). One Dijkstra per node
    (scipy, in chunks of sources to bound memory); weighted closeness, average path length and
    diameter all come from this one pass (igraph would run three, about 3x slower)."""
    n = g.number_of_nodes()
    index = {v: i for i, v in enumerate(g.nodes)}
    w = np.array(check_weight(g, weight))
    u = np.array([index[a] for a, _ in g.edges], dtype=np.int64)
    v = np.array([index[b] for _, b in g.edges], dtype=np.int64)
    a = sp.coo_matrix((np.r_[w, w], (np.r_[u, v], np.r_[v, u])), shape=(n, n)).tocsr()
    total, count, ecc = np.zeros(n), np.zeros(n, dtype=np.int64), np.zeros(n)
    for start in range(0, n, chunk):
        rows = np.arange(start, min(start + chunk, n))
        d = dijkstra(a, directed=False, indices=rows)
        d[np.arange(len(rows)), rows] = np.inf  # leave out the source itself
        ok = np.isfinite(d)
        total[rows] = np.where(ok, d, 0).sum(1)
        count[rows] = ok.sum(1)
        ecc[rows] = np.where(ok, d, 0).max(1)
    return {"sum": total, "count": count, "eccentricity": ecc}


def _closeness_from(stats: dict, n: int) -> np.ndarray:
    """networkx's closeness from distance sums: (r - 1)/Σd x (r - 1)/(N - 1), 0 when alone."""
    k, total = stats["count"].astype(float), stats["sum"]
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(total > 0, k / total * k / max(n - 1, 1), 0.0)
    return c


# igraph has one random number generator per process: runs in other threads (scenario runs,
# econet.optimise) would draw from the seeded one in turn, so it is held by one at a time.
_IGRAPH_RNG = threading.RLock()


@contextlib.contextmanager
def _seeded_igraph(seed: int):
    """igraph's random numbers drawn from a generator seeded with ``seed`` (its ARPACK start
    vectors and Louvain's node orders), the module-level generator restored afterwards, so
    reruns give the same bits, whatever runs in other threads."""
    with _IGRAPH_RNG:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            ig.set_random_number_generator(random)


def eigenvector_centrality(h: ig.Graph, membership: np.ndarray | None = None) -> np.ndarray:
    """Leading eigenvector of each component, the component's maximum set to λ_c / λ_max, so
    the network's maximum is 1 (Gephi's scaling). Nodes without edges get 0. igraph's ARPACK
    solve starts from a seeded random vector, so the result is the same to the last bit on
    every run."""
    n = h.vcount()
    out = np.zeros(n)
    if membership is None:
        membership = np.array(h.connected_components().membership)
    lam = {}
    for c in np.unique(membership):
        idx = np.flatnonzero(membership == c)
        if len(idx) < 2:
            continue
        sub = h.induced_subgraph(idx.tolist())
        with warnings.catch_warnings(), _seeded_igraph(0):
            # values decaying along long chains are legitimately near 0
            warnings.filterwarnings("ignore", "Some eigenvector centralities are nearly zero")
            vec, value = sub.eigenvector_centrality(scale=True, return_eigenvalue=True)
        out[idx] = np.abs(np.array(vec))
        lam[c] = value
    if lam:
        top = max(lam.values())
        for c, value in lam.items():
            out[membership == c] *= value / top
    return out


def louvain(h: ig.Graph, seed: int = 0, resolution: float = 1.0, ids=None, weights=None, runs: int = 10) -> np.ndarray:
    """Louvain communities (igraph's multilevel): the best modularity of ``runs`` runs, all
    drawn from one generator seeded with ``seed`` (one run can stop in a poor local optimum:
    on Zachary's karate club single runs give 0.392-0.4198). Numbered by decreasing size, ties
    broken by the smallest node id."""
    n = h.vcount()
    if n == 0:
        return np.zeros(0, dtype=int)
    with _seeded_igraph(seed):
        best, member = -np.inf, None
        for _ in range(max(1, runs)):
            c = h.community_multilevel(weights=weights, resolution=resolution)
            q = h.modularity(c.membership, weights=weights, resolution=resolution) if h.ecount() else 0.0
            if q > best + 1e-12:
                best, member = q, np.array(c.membership)
    ids = list(range(n)) if ids is None else list(ids)
    groups = {}
    for i, c in enumerate(member):
        groups.setdefault(c, []).append(i)
    order = sorted(groups.values(), key=lambda m: (-len(m), min(_sortable(ids[i]) for i in m)))
    out = np.empty(n, dtype=int)
    for k, m in enumerate(order):
        out[m] = k
    return out


def _sortable(v):
    return (0, v, "") if isinstance(v, (int, float, np.integer, np.floating)) else (1, 0, str(v))


def modularity(g: nx.Graph, community, resolution: float = 1.0) -> float:
    """Newman's modularity of a partition given per node (in ``g.nodes`` order)."""
    if g.number_of_edges() == 0:
        return 0.0
    return float(to_igraph(g).modularity(list(map(int, community)), resolution=resolution))


def topology(
    g: nx.Graph, weight: str | None = "length_m", seed: int = 0, resolution: float = 1.0
) -> tuple[pd.DataFrame, dict]:
    """``node_metrics`` and ``network_summary`` together, sharing the weighted shortest paths
    and the communities."""
    ds = (
        weighted_distance_stats(g, weight)
        if weight is not None and g.number_of_edges() and _has_weight(g, weight)
        else None
    )
    m = node_metrics(g, weight, seed=seed, resolution=resolution, distances=ds)
    s = network_summary(g, weight, community=m["community"], resolution=resolution, distances=ds)
    return m, s


def network_summary(
    g: nx.Graph,
    weight: str | None = "length_m",
    community=None,
    resolution: float = 1.0,
    seed: int = 0,
    distances: dict | None = None,
) -> dict:
    """Network-level metrics: nodes, edges, density, components, isolated nodes, largest
    component, average degree, average path length and diameter (hops and ``weight``; over all
    connected pairs), average clustering, transitivity, communities and modularity.
    ``community`` (from ``node_metrics``) and ``distances`` (``weighted_distance_stats``) save
    recomputing them."""
    n, m = g.number_of_nodes(), g.number_of_edges()
    h = to_igraph(g)
    comps = h.connected_components() if n else None
    sizes = np.array(comps.sizes()) if n else np.zeros(0, int)
    out = {
        "nodes": n,
        "edges": m,
        "density": 2 * m / (n * (n - 1)) if n > 1 else 0.0,
        "components": len(sizes),
        "isolated_nodes": int((sizes == 1).sum()),
        "largest_component_nodes": int(sizes.max()) if n else 0,
        "average_degree": 2 * m / n if n else 0.0,
        "average_path_length_hops": h.average_path_length(directed=False, unconn=True) if m else 0.0,
        "diameter_hops": int(h.diameter(directed=False, unconn=True)) if m else 0,
    }
    if weight is not None and m and _has_weight(g, weight):
        ds = weighted_distance_stats(g, weight) if distances is None else distances
        out[f"average_path_length_{weight}"] = float(ds["sum"].sum() / max(ds["count"].sum(), 1))
        out[f"diameter_{weight}"] = float(ds["eccentricity"].max())
    local = np.nan_to_num(np.array(h.transitivity_local_undirected(mode="zero"), dtype=float)) if n else np.zeros(0)
    out["average_clustering"] = float(local.mean()) if n else 0.0
    out["transitivity"] = float(np.nan_to_num(h.transitivity_undirected())) if m else 0.0
    if community is None:
        community = louvain(h, seed=seed, resolution=resolution, ids=list(g.nodes))
    out["communities"] = int(len(set(map(int, community)))) if n else 0
    out["modularity"] = modularity(g, community, resolution) if n else 0.0
    return out
