"""Dask solids that compute while their graph is built: detected, then run as one task.

While the run's graph is built (on the coordinator, before anything upstream has run), a
Dask solid's body may only build lazy collections: its upstream partitions do not exist
yet. An *eager call* (``.compute()``, ``dask.compute``, ``.persist()``, ``len``,
``head``, ``set_index``/``sort_values`` computing divisions, a ``Delayed`` computed
inside) reaches Dask's scheduler, which while building is ``refuse_eager``: it raises
``EagerCall``. So does an input that needs a value (a pandas-typed input, an input from a
pandas solid whose type declares no columns). The build is abandoned (its held events are
dropped: the body's attempt leaves no trace) and the step becomes a *deferred* step: the
task ``run_deferred_step``, which runs once its upstream steps have finished. It builds
the step again on inputs that now exist (persisted outputs read lazily from their parts,
in-memory ones as values), with eager calls allowed, and computes the step's own small
graph (partitions, writes, commit: every key named after the solid) on the run's
scheduler: through ``worker_client`` on a cluster (the task secedes, so a worker with one
thread does not deadlock; the body's own ``.compute()`` goes to the same cluster), with
Dask's local schedulers otherwise. Lazy steps downstream of a deferred step are deferred
too. Pipelines without eager calls never get here: they stay one fused graph.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import dask
import pandas as pd

# dask.task_spec does not export it (see engine.lazy.graph): the one private name used
from dask._task_spec import convert_legacy_graph

__all__ = [
    "EagerCall",
    "deferred_scheduler",
    "refusing_eager_calls",
    "scheduler_get",
    "to_dask",
]


class EagerCall(BaseException):  # noqa: N818 (a signal, not an error)
    """A Dask solid computed something while its graph was built.

    A ``BaseException``, so a user's ``except Exception`` around the call cannot swallow it.
    """


def _refuse_eager(_graph: Any, _keys: Any, **_kwargs: Any) -> Any:
    raise EagerCall("a Dask solid computed while its graph was being built")


def _run_if_complete(graph: Any, keys: Any, **kwargs: Any) -> Any:
    """Compute here a graph needing nothing of the run (Dask gathering parquet metadata, a
    ``len`` of a config-loaded source); refuse one waiting for tasks of the run."""
    from dask.threaded import get

    if not isinstance(graph, Mapping):  # an expression, as dask.local.get_async takes it
        graph = graph.__dask_graph__()
    nodes = convert_legacy_graph(dict(graph))
    if any(dep not in nodes for node in nodes.values() for dep in node.dependencies):
        raise EagerCall("a Dask solid computed data of its upstream while being built")
    return get(nodes, keys, **kwargs)


@contextlib.contextmanager
def refusing_eager_calls(reads_upstream: bool) -> Iterator[None]:
    """While building: Dask's scheduler is one that raises ``EagerCall``.

    A step reading no upstream output (only config-loaded sources) may compute what needs
    nothing of the run, on the coordinator's threads: Dask itself computes while building
    some collections (parquet footers on S3), which must not defer the step.
    """
    with dask.config.set(scheduler=_refuse_eager if reads_upstream else _run_if_complete):
        yield


def deferred_scheduler(execution: Mapping[str, Any]) -> str:
    """How a deferred step computes its graph: ``sync``, ``threads`` or ``distributed``.

    >>> deferred_scheduler({"in_process": {}}), deferred_scheduler({"dask": {}})
    ('sync', 'distributed')
    """
    if "dask" in execution:
        return "distributed"
    return "sync" if "in_process" in execution else "threads"


def to_dask(value: Any) -> Any:
    """A pandas frame or series as a one-partition Dask collection (order kept)."""
    import dask.dataframe as dd

    if isinstance(value, pd.DataFrame | pd.Series):
        return dd.from_pandas(value, npartitions=1, sort=False)
    return value


@contextlib.contextmanager
def scheduler_get(kind: str, shuffle: str) -> Iterator[Callable[..., Any]]:
    """The ``get`` a deferred step computes its graph with (see ``deferred_scheduler``).

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
