"""Getting events from tasks to the coordinator, live.

On the in-process and threaded schedulers (and a cluster whose workers share the
coordinator's process) tasks call a sink registered for the run in this process. On a
distributed worker process they use ``worker.log_event`` on the topic ``daskflow-<run_id>``;
the coordinator subscribes to it before submitting (the scheduler keeps only the last
1,000 events per topic, so subscribing late would lose events).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from distributed import Worker

__all__ = [
    "event_topic",
    "has_local_sink",
    "register_local_sink",
    "send_events",
    "unregister_local_sink",
]

_SINKS: dict[str, Callable[[dict[str, Any]], None]] = {}
_LOCK = threading.Lock()


def event_topic(run_id: str) -> str:
    return f"daskflow-{run_id}"


def register_local_sink(run_id: str, sink: Callable[[dict[str, Any]], None]) -> None:
    with _LOCK:
        _SINKS[run_id] = sink


def unregister_local_sink(run_id: str) -> None:
    with _LOCK:
        _SINKS.pop(run_id, None)


def has_local_sink(run_id: str) -> bool:
    return run_id in _SINKS


def send_events(run_id: str, records: list[dict[str, Any]]) -> None:
    """Deliver event records (plain dicts) to the run's coordinator, in order.

    From a worker process they travel as one ``log_event`` message ``{"batch": [...]}``:
    each message costs a round of scheduler work, so steps send few, larger ones.
    """
    sink = _SINKS.get(run_id)
    if sink is not None:
        for record in records:
            sink(record)
        return
    worker = _current_worker()
    if worker is None:
        raise RuntimeError(
            f"no event sink for run {run_id} in this process and not on a "
            "Dask worker: the events would be lost"
        )
    worker.log_event(event_topic(run_id), {"batch": records})


def _current_worker() -> Worker | None:
    try:
        from distributed import get_worker
    except ImportError:  # pragma: no cover - distributed is a core dependency
        return None
    try:
        return get_worker()
    except ValueError:
        return None
