"""Independent tasks on Dask: one per source search, pair, attack repeat or scenario.

``map_tasks(fn, items)`` runs ``fn(item, **shared)`` for every item and returns the results in
the order of ``items``. By default the tasks run on Dask's threaded scheduler on this machine
(the kernels release the GIL); with a scheduler address (``"tcp://host:8786"``, from the study's
``[run] scheduler`` or ``--scheduler``) they run on that Dask cluster (Rocklin 2015, Dask:
parallel computation with blocked algorithms and task scheduling; distributed 2026.8).

Results do not depend on where tasks run: each task is a pure function of its item and the
shared inputs (a task that draws random numbers gets its seed in its item), and the caller
reduces the results in item order. Dask is imported on first use only, so that importing
econet (and ``econet --help``) stays fast.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

DEFAULT_WORKERS = 2  # threads on this machine: fixed, not the core count (results never depend on it)

_scheduler: contextvars.ContextVar[str | None] = contextvars.ContextVar("econet_scheduler", default=None)
_clients: dict[str, Any] = {}


def check_address(address: str, key: str = "--scheduler") -> str:
    """``address`` if it names a Dask scheduler (``tcp://``, ``tls://``, ``inproc://`` or
    ``ucx://`` followed by a host), else ValueError naming ``key`` and the expected form."""
    scheme, sep, rest = address.partition("://")
    if not sep or scheme not in ("tcp", "tls", "inproc", "ucx") or not rest:
        raise ValueError(f"{key} = {address!r} is not a Dask scheduler address; give one like 'tcp://10.0.0.5:8786'")
    return address


@contextlib.contextmanager
def scheduler(address: str | None) -> Iterator[None]:
    """Run the tasks started inside this block on the Dask cluster at ``address`` (None: threads
    on this machine)."""
    token = _scheduler.set(address)
    try:
        yield
    finally:
        _scheduler.reset(token)


def current_scheduler() -> str | None:
    """The scheduler address tasks started here would use (None: threads on this machine)."""
    return _scheduler.get()


def map_tasks(
    fn: Callable,
    items: Iterable,
    *,
    shared: dict[str, Any] | None = None,
    workers: int = DEFAULT_WORKERS,
    address: str | None = None,
    release: Callable[[], None] | None = None,
    done: Callable[[int], None] | None = None,
) -> list:
    """``[fn(item, **shared) for item in items]``, as one Dask task per item.

    ``shared`` holds the inputs every task reads (arrays): they are sent to each machine once.
    ``workers`` threads run the tasks on this machine (one: this thread, task after task); a
    task may call ``map_tasks`` itself (its tasks get threads of their own). With ``address``
    (default: the one set by ``scheduler``) they run on that cluster instead, and ``fn`` must be
    a module-level function. ``release`` runs after the last task in every process that ran
    tasks (to free scratch memory a task keeps for the next one); ``done(n)`` is called here
    each time a task finishes, with the count so far (progress, ``econet.steps.counter``).
    Exceptions of a task are raised here.
    """
    items = list(items)
    shared = dict(shared or {})
    address = address if address is not None else _scheduler.get()
    if not items:
        return []
    if address is None and int(workers) <= 1:
        return _here(fn, items, shared, release, done)
    if address is None:
        return _threads(fn, items, shared, workers, release, done)
    return _cluster(fn, items, shared, address, release, done)


def _here(fn, items, shared, release, done) -> list:
    """One worker: the tasks one after another on this thread. A thread pool of one would give
    the same results, but Ctrl-C stops a task here at once, where it cannot stop a pool's."""
    try:
        out = []
        for n, item in enumerate(items, 1):
            out.append(fn(item, **shared))
            if done is not None:
                done(n)
        return out
    finally:
        if release is not None:
            release()


def _threads(fn, items, shared, workers, release, done) -> list:
    from dask.threaded import get  # dask.compute would cost a second on its first call

    def run(i):
        return fn(items[i], **shared)

    # Keys are (name, index) and arguments plain ints, so Dask never looks inside an item.
    name = f"econet-{uuid.uuid4().hex}"
    keys = [(name, i) for i in range(len(items))]
    finished = 0

    def count(*_):  # dask calls it on this thread, the scheduler's
        nonlocal finished
        finished += 1
        done(finished)

    # The callbacks go to this call only (start, start_state, pretask, posttask, finish): Dask's
    # global ones (``with Callback()``) are one set for the process, which tasks running at once
    # in other threads (scenario runs, each with its searches) would add to and swap under us.
    callbacks = [(None, None, None, count, None)] if done is not None else []
    try:
        return list(get({k: (run, k[1]) for k in keys}, keys, num_workers=max(1, int(workers)), callbacks=callbacks))
    finally:
        if release is not None:
            release()


def connect(address: str, timeout_s: float = 10.0) -> None:
    """Connect to the Dask scheduler at ``address`` now (before any heavy work); ConnectionError
    saying so when none answers within ``timeout_s``."""
    _client(address, timeout_s)


def disconnect(address: str) -> None:
    """Close this process's connection to the scheduler at ``address``, if any."""
    client = _clients.pop(address, None)
    if client is not None:
        client.close()


def _client(address: str, timeout_s: float = 30.0):
    client = _clients.get(address)
    if client is None or client.status not in ("running", "connecting", "newly-created"):
        from distributed import Client

        try:
            client = Client(address, set_as_default=False, timeout=timeout_s)
        except OSError as exc:  # distributed raises OSError (or its TimeoutError) when none answers
            raise ConnectionError(f"no Dask scheduler answers at {address} ({exc})") from None
        _clients[address] = client
    return client


def _cluster(fn, items, shared, address, release, done) -> list:
    client = _client(address)
    name = f"econet-{uuid.uuid4().hex}"
    sent = {k: client.scatter(v, broadcast=True, hash=False) for k, v in shared.items()}
    futures = [client.submit(fn, item, key=f"{name}-{i}", pure=False, **sent) for i, item in enumerate(items)]
    try:
        if done is not None:  # counted in item order: the result of item n is here after n
            for n, future in enumerate(futures, 1):
                future.result()
                done(n)
        return client.gather(futures)
    finally:
        del futures, sent
        if release is not None:
            client.run(release)


__all__ = ["DEFAULT_WORKERS", "check_address", "connect", "current_scheduler", "disconnect", "map_tasks", "scheduler"]
