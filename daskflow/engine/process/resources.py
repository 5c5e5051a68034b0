"""Resources of a run in this process: initialised on first need, torn down after the run.

Each process that runs steps (the coordinator for in-process/threads, each worker on a
cluster) keeps the run's resources here; the coordinator calls ``teardown_run_resources``
everywhere when the run ends, also on failure.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from daskflow.engine.process.expr_locks import release_expression_locks
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.io_managers import IOManager
from daskflow.resources import init_resources

if TYPE_CHECKING:
    from daskflow.engine.planning.payload import RunPayload

__all__ = ["io_manager_of", "resource_of", "run_resources", "teardown_run_resources"]

_RUNS: dict[str, tuple[contextlib.ExitStack, dict[str, Any]]] = {}
_LOCK = threading.RLock()


def run_resources(payload: RunPayload, keys: Sequence[str]) -> SimpleNamespace:
    """The resources ``keys`` of the payload's run, initialising the missing ones."""
    with _LOCK:
        if payload.run_id not in _RUNS:  # this process's first step of the run
            release_expression_locks()
        stack, built = _RUNS.setdefault(payload.run_id, (contextlib.ExitStack(), {}))
        missing = [k for k in keys if k not in built]
        if missing:
            init_resources(
                stack,
                built,
                payload.resource_defs,
                payload.resolved.resources,
                missing,
                payload.run_id,
                storage_dir=payload.storage_dir,
            )
        return SimpleNamespace(**{k: built[k] for k in keys})


def resource_of(resources: SimpleNamespace, key: str) -> Any:
    """The resource ``key`` of a namespace built by ``run_resources``."""
    return vars(resources)[key]


def io_manager_of(resources: SimpleNamespace, key: str) -> IOManager:
    """The resource ``key`` as an IO manager; names the key when it is something else."""
    manager = resource_of(resources, key)
    if not isinstance(manager, IOManager):
        raise DaskflowInvalidDefinitionError(
            f'resource "{key}" stores outputs (an output\'s io_manager_key names it) but is a '
            f"{type(manager).__name__}, not an IOManager: define it with @io_manager"
        )
    return manager


def teardown_run_resources(run_id: str) -> list[str]:
    """Tear down the run's resources in this process; returns error messages, if any."""
    with _LOCK:
        entry = _RUNS.pop(run_id, None)
    if entry is None:
        return []
    try:
        entry[0].close()
    except Exception as exc:  # a teardown failed: report it, the run's result stands
        return [f"{type(exc).__name__}: {exc}"]
    return []
