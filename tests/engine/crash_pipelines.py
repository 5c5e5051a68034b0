"""A chain ``a -> b -> c`` run by a coordinator process the crash tests and trials kill.

``python -m tests.engine.crash_pipelines HOME EXECUTION [KILL]`` runs it (default
``fs_io_manager``, SQLite in ``HOME``). ``KILL`` SIGKILLs the
coordinator at one exact place in the record:

- ``before:EVENT:STEP`` stores the events before that step's event, then dies (so
  ``before:STEP_SUCCESS:b`` dies between b's stored output and its success event);
- ``after:EVENT:STEP`` dies once that event is stored;
- ``in:STEP`` dies inside the solid, 1 s after it started (events stored by then).

Solids sleep ``CRASH_STEP_SECONDS`` each (default 0), so a random kill lands anywhere.
The right answer is ``c == ANSWER``.
"""

from __future__ import annotations

import os
import signal
import sys
import time

from daskflow import execute_pipeline, pipeline, solid
from daskflow.instance import DaskflowInstance, EventStorage

ANSWER = 22
KILL_ENV = "CRASH_KILL"


def _pause(context, name: str) -> None:
    if os.environ.get(KILL_ENV) == f"in:{name}":
        time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(float(os.environ.get("CRASH_STEP_SECONDS") or 0))


@solid
def a(context) -> int:
    _pause(context, "a")
    return 1


@solid
def b(context, x: int) -> int:
    _pause(context, "b")
    return x + 10


@solid
def c(context, x: int) -> int:
    _pause(context, "c")
    return x * 2


@pipeline
def crash_chain():
    c(b(a()))


def execution(kind: str) -> dict:
    if kind == "cluster":
        return {
            "dask": {"cluster": {"local": {"n_workers": 2, "threads_per_worker": 1}}},
        }
    return {kind: {}}


def _kill_when_stored(spec: str) -> None:
    """Patch event storage in this process to SIGKILL it at ``spec`` (before/after:TYPE:STEP)."""
    when, event_type, step = spec.split(":")
    store = EventStorage.store_events

    def store_then_die(self, records):
        batch = list(records)
        for i, record in enumerate(batch):
            if record.event_type.value == event_type and record.step_key == step:
                store(self, batch[: i if when == "before" else i + 1])
                os.kill(os.getpid(), signal.SIGKILL)
        return store(self, batch)

    EventStorage.store_events = store_then_die  # type: ignore[method-assign]


def main(home: str, kind: str, kill: str = "") -> None:
    if kill:
        os.environ[KILL_ENV] = kill
        if not kill.startswith("in:"):
            _kill_when_stored(kill)
    with DaskflowInstance.from_home(home) as instance:
        execute_pipeline(
            crash_chain,
            {"execution": execution(kind)},
            instance=instance,
            raise_on_error=False,
        )


if __name__ == "__main__":
    main(*sys.argv[1:])
