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
from typing import Any

from daskflow.resources import init_resources

__all__ = ["run_resources", "teardown_run_resources"]

_RUNS: dict[str, tuple[contextlib.ExitStack, dict[str, Any]]] = {}
_LOCK = threading.RLock()


def run_resources(payload: Any, keys: Sequence[str], log: Any = None) -> SimpleNamespace:
    """The resources ``keys`` of the payload's run, initialising the missing ones."""
    with _LOCK:
        stack, built = _RUNS.setdefault(payload.run_id, (contextlib.ExitStack(), {}))
        missing = [k for k in keys if k not in built]
        if missing:
            extra = {"log": log} if log is not None else {}
            init_resources(
                stack,
                built,
                payload.resource_defs,
                payload.resolved.resources,
                missing,
                payload.run_id,
                storage_dir=payload.storage_dir,
                **extra,
            )
        return SimpleNamespace(**{k: built[k] for k in keys})


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
