"""Dask solids that compute while their graph is built: detected, then run as one task.

While the run's graph is built (on the coordinator, before anything upstream has run), a
Dask solid's body may only build lazy collections: its upstream partitions do not exist
yet. An *eager call* (``.compute()``, ``dask.compute``, ``.persist()``, ``len``,
``head``, ``set_index``/``sort_values`` computing divisions, a ``Delayed`` computed
inside) reaches Dask's scheduler, which while building is one raising ``EagerCall``
(``refusing_eager_calls``). So does an input that needs a value (a pandas-typed input, an
input from a pandas solid whose type declares no columns). The build is abandoned (its
held events dropped) and the step becomes a *deferred* step (``lazy.deferred``): one task
that runs once its upstream steps have finished, builds the step again on inputs that now
exist with eager calls allowed, and computes the step's own graph (every key named after
the solid) on the run's scheduler (``step.scheduling``). Lazy steps downstream of a
deferred step are deferred too. Pipelines without eager calls stay one fused graph.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import dask
import pandas as pd

# dask.task_spec does not export it (see engine.lazy.graph): the one private name used
from dask._task_spec import convert_legacy_graph

__all__ = ["EagerCall", "refusing_eager_calls", "to_dask"]


class EagerCall(BaseException):  # noqa: N818 (a signal, not an error)
    """A Dask solid computed something while its graph was built.

    A ``BaseException``, so a user's ``except Exception`` around the call cannot swallow it.
    """


class _Building(threading.local):
    """What this thread is building: None (nothing), or whether the step reads upstream."""

    reads_upstream: bool | None = None


_BUILDING = _Building()


def _scheduler_while_building(graph: Any, keys: Any, **kwargs: Any) -> Any:
    """Dask's scheduler while a step is built: ``EagerCall`` for the building thread's
    computations that need the run's data; anything else runs on local threads.

    A step reading no upstream output (only config-loaded sources) may compute a graph
    needing nothing of the run (Dask gathering parquet footers on S3, a ``len`` of a
    ``parquet:`` input), which must not defer it. Dask's config is process-wide: other
    threads computing meanwhile are not refused.
    """
    from dask.threaded import get

    reads_upstream = _BUILDING.reads_upstream
    if reads_upstream:
        raise EagerCall("a Dask solid computed while its graph was being built")
    if not isinstance(graph, Mapping):  # an expression, as dask.local.get_async takes it
        graph = graph.__dask_graph__()
    nodes = convert_legacy_graph(dict(graph))
    missing = any(dep not in nodes for node in nodes.values() for dep in node.dependencies)
    if missing and reads_upstream is not None:
        raise EagerCall("a Dask solid computed data of the run while being built")
    return get(nodes, keys, **kwargs)


@contextlib.contextmanager
def refusing_eager_calls(reads_upstream: bool) -> Iterator[None]:
    """While this thread builds a step: eager calls raise ``EagerCall`` (see above)."""
    _BUILDING.reads_upstream = reads_upstream
    try:
        with dask.config.set(scheduler=_scheduler_while_building):
            yield
    finally:
        _BUILDING.reads_upstream = None


def to_dask(value: Any) -> Any:
    """A pandas frame or series as a one-partition Dask collection (order kept)."""
    import dask.dataframe as dd

    if isinstance(value, pd.DataFrame | pd.Series):
        return dd.from_pandas(value, npartitions=1, sort=False)
    return value
