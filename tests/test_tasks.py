"""econet.tasks: per-source and per-pair work as Dask tasks, the same on threads and on a cluster."""

from __future__ import annotations

import os
import time

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from econet.config import parse_study
from econet.corridors.costdistance import source_costs
from econet.corridors.paths import nlcc_mosaic
from econet.errors import StudyError
from econet.network.robustness import random_attack
from econet.steps import listening
from econet.tasks import check_address, connect, disconnect, map_tasks, scheduler


def _square(item, *, offset):
    return item * item + offset


def _pid(item):
    return os.getpid()


def _fail_on_three(item):
    if item == 3:
        raise ValueError("three")
    return item


def test_map_tasks_keeps_item_order_and_passes_shared_inputs():
    assert map_tasks(_square, range(20), shared={"offset": 1}, workers=2) == [i * i + 1 for i in range(20)]
    assert map_tasks(_square, [], shared={"offset": 1}) == []


def test_map_tasks_raises_a_task_error_and_still_releases():
    released = []
    with pytest.raises(ValueError, match="three"):
        map_tasks(_fail_on_three, range(6), release=lambda: released.append(True))
    assert released == [True]


def _inner(item, *, counts):
    # a task that runs tasks of its own, as a scenario run runs its searches
    seen = []
    out = map_tasks(_square, range(item, item + 5), shared={"offset": 0}, workers=2, done=seen.append)
    counts[item] = seen
    return sum(out)


def test_tasks_that_run_tasks_finish_and_count_only_their_own():
    counts = {}
    outer = []
    items = list(range(6))  # more than the threads at either level: a pool that waited would hang
    sums = map_tasks(_inner, items, shared={"counts": counts}, workers=2, done=outer.append)
    assert sums == [sum(i * i for i in range(k, k + 5)) for k in items]
    assert outer == [1, 2, 3, 4, 5, 6]
    # each call's progress counts its own five tasks, not those of calls in other threads
    assert counts == {k: [1, 2, 3, 4, 5] for k in items}
    # one worker: the same results, task after task on this thread
    assert map_tasks(_inner, items, shared={"counts": {}}, workers=1) == sums


def test_tasks_report_their_progress_on_the_listening_thread():
    seen = []
    g = nx.random_geometric_graph(12, 0.4, seed=1)
    with listening(lambda what, done, total: seen.append((what, done, total))):
        random_attack(g, repeats=5, seed=2)
    assert [d for _, d, _ in seen] == [0, 1, 2, 3, 4, 5]
    assert {w for w, _, _ in seen} == {"random node attacks (repeats)"} and {t for _, _, t in seen} == {5}


def test_scheduler_addresses_are_checked():
    assert check_address("tcp://10.0.0.5:8786") == "tcp://10.0.0.5:8786"
    for bad in ("10.0.0.5:8786", "http://host:8786", "tcp://"):
        with pytest.raises(ValueError, match="--scheduler"):
            check_address(bad)
    data = {"layers": {"landcover": {"path": "lc.tif", "kind": "categorical"}}, "run": {"scheduler": "localhost"}}
    with pytest.raises(StudyError) as err:
        parse_study(data, check_files=False)
    assert any(p.where == "run.scheduler" and "tcp://" in p.message for p in err.value.problems)


def test_an_address_where_no_scheduler_answers_is_a_connection_error():
    pytest.importorskip("distributed")
    with pytest.raises(ConnectionError, match="no Dask scheduler answers at tcp://127.0.0.1:9"):
        connect("tcp://127.0.0.1:9", timeout_s=2)


def _landscape():
    """A 40 x 50 surface with a costly ridge and three sources: searches with partners, paths
    and corridors that cross the ridge through its one cheap gap."""
    rng = np.random.default_rng(7)
    res = 1.0 + rng.random((40, 50)) * 3.0
    res[:, 25] = 50.0
    res[30, 25] = 1.0
    res[5, 40] = np.nan  # impassable
    labels = np.zeros(res.shape, np.int32)
    labels[5:9, 3:7] = 1
    labels[30:34, 10:13] = 2
    labels[12:15, 40:45] = 3
    return res, labels


def _searches():
    res, labels = _landscape()
    partners = {1: [2, 3], 2: [1, 3], 3: [1, 2]}
    return {sc.source: sc for sc in source_costs(res, labels, 30.0, partners, margin=200.0)}


def _same_searches(a, b):
    assert list(a) == list(b)
    for s in a:
        x, y = a[s], b[s]
        assert x.index.tobytes() == y.index.tobytes() and x.cost.tobytes() == y.cost.tobytes()
        assert x.reached == y.reached and x.reach == y.reach
        assert list(x.paths) == list(y.paths)
        assert all(np.array_equal(x.paths[k], y.paths[k]) for k in x.paths)


def test_searches_on_one_and_two_threads_agree_and_reach_their_partners():
    res, labels = _landscape()
    partners = {1: [2, 3], 2: [1, 3], 3: [1, 2]}
    one = {sc.source: sc for sc in source_costs(res, labels, 30.0, partners, margin=200.0, threads=1)}
    two = _searches()
    _same_searches(one, two)
    assert all(set(two[s].reached) == set(partners[s]) for s in partners)
    # LCD is symmetric up to the cells each search reaches first: a to b equals b to a.
    assert np.isclose(two[1].reached[3][0], two[3].reached[1][0])


def test_per_source_work_on_a_local_cluster_matches_the_threaded_run():
    distributed = pytest.importorskip("distributed")
    threaded = _searches()
    pairs = pd.DataFrame({"from_id": [1, 1, 2], "to_id": [2, 3, 3]})
    pairs["cost"] = [threaded[a].reached[b][0] for a, b in zip(pairs.from_id, pairs.to_id)]
    mosaic = nlcc_mosaic(threaded, pairs, (40, 50), 200.0)
    g = nx.random_geometric_graph(30, 0.3, seed=3)
    attacks = random_attack(g, repeats=12, seed=5)
    t0 = time.perf_counter()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        started = time.perf_counter() - t0
        with scheduler(cluster.scheduler_address):
            on_cluster = _searches()
            mosaic_c = nlcc_mosaic(on_cluster, pairs, (40, 50), 200.0)
            attacks_c = random_attack(g, repeats=12, seed=5)
            pids = map_tasks(_pid, range(8))
        disconnect(cluster.scheduler_address)
    assert os.getpid() not in pids  # the tasks ran in the workers' processes
    _same_searches(threaded, on_cluster)
    assert np.isfinite(mosaic).any() and mosaic.tobytes() == mosaic_c.tobytes()
    pd.testing.assert_frame_equal(attacks, attacks_c, check_exact=True)
    print(f"LocalCluster start: {started:.1f} s")
