"""Computing Dask work inside a step's task, on the run's own scheduler.

A deferred Dask step (``engine.lazy.deferred``) runs its body and its graph inside one
task, and a step returning a ``Delayed`` for a plain output computes it there: on a
cluster through ``worker_client`` (the task secedes, so a worker with one thread does not
deadlock), with Dask's local schedulers otherwise. ``shuffle_method`` says which shuffle
Dask DataFrame work is built with where the run executes.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import dask

__all__ = ["scheduler_get", "scheduler_kind", "shuffle_method"]


def shuffle_method(execution: Mapping[str, Any]) -> str:
    """The shuffle method Dask DataFrame solids are built with on this run's scheduler.

    On a distributed cluster ``tasks`` (shuffles are ordinary tasks, so they keep working
    renamed after their solid, on any number of machines); on the local schedulers the
    user's ``dataframe.shuffle.method`` or Dask's local default, ``disk``. Never ``p2p``.

    >>> shuffle_method({"threads": {"max_workers": 4}})
    'disk'
    >>> shuffle_method({"dask": {"cluster": {"address": "tcp://127.0.0.1:8786"}}})
    'tasks'
    """
    if "dask" in execution:
        return "tasks"
    configured = dask.config.get("dataframe.shuffle.method", None)
    return configured if configured in ("tasks", "disk") else "disk"


def scheduler_kind(execution: Mapping[str, Any]) -> str:
    """How a step computes Dask work inside its task: ``sync``, ``threads`` or
    ``distributed``.

    >>> scheduler_kind({"in_process": {}}), scheduler_kind({"dask": {}})
    ('sync', 'distributed')
    """
    if "dask" in execution:
        return "distributed"
    return "sync" if "in_process" in execution else "threads"


@contextlib.contextmanager
def scheduler_get(kind: str, shuffle: str) -> Iterator[Callable[..., Any]]:
    """The ``get`` a step computes Dask work with inside its task (see ``scheduler_kind``).

    The body's own eager calls use the same scheduler and the run's shuffle method (Dask
    config, which is process-wide: set while any deferred step of this process runs).
    """
    if kind == "distributed":
        from distributed import worker_client

        with _process_config({"dataframe.shuffle.method": shuffle}), worker_client() as client:
            yield client.get
        return
    from dask.threaded import get as threaded_get

    get = dask.get if kind == "sync" else threaded_get
    with _process_config({"dataframe.shuffle.method": shuffle, "scheduler": kind}):
        yield get


_CONFIG_LOCK = threading.Lock()
_CONFIG_USERS: list[Any] = []  # [count, the active dask.config.set] while in use


@contextlib.contextmanager
def _process_config(settings: dict[str, Any]) -> Iterator[None]:
    """``dask.config.set(settings)`` while any thread of this process is inside; restored
    by the last one out (nested ``dask.config.set`` from threads would restore out of order).
    """
    with _CONFIG_LOCK:
        if not _CONFIG_USERS:
            _CONFIG_USERS.extend([0, dask.config.set(settings)])
        _CONFIG_USERS[0] += 1
    try:
        yield
    finally:
        with _CONFIG_LOCK:
            _CONFIG_USERS[0] -= 1
            if _CONFIG_USERS[0] == 0:
                _CONFIG_USERS.pop(1).__exit__(None, None, None)
                _CONFIG_USERS.clear()
