"""``mem_io_manager``: outputs kept in memory, never written anywhere.

In a run the engine sees ``keeps_values_in_graph`` (a class attribute of ``IOManager``,
True here) and hands such outputs from task to task
through Dask's memory (so it works on every scheduler, a cluster included), without
calling ``handle_output``/``load_input``. Used directly, outside the engine, it is a dict
inside the manager, which only serves the process that created it: a copy sent to another
process starts empty and refuses to work rather than lose values silently.

>>> from daskflow.io_managers._base import InputContext, OutputContext
>>> manager = InMemoryIOManager()
>>> out = OutputContext("run-1", "pipe", "add_one", "result", "add_one")
>>> manager.has_output(out)
False
>>> manager.handle_output(out, {"rows": 3})
>>> manager.has_output(out), manager.load_input(InputContext("x", "next", out))
(True, {'rows': 3})
"""

from __future__ import annotations

import os
import threading
from typing import Any

from daskflow.io_managers._base import (
    DaskflowIOError,
    InputContext,
    IOManager,
    OutputContext,
    io_manager,
)
from daskflow.resources import InitResourceContext

__all__ = ["InMemoryIOManager", "mem_io_manager"]

_PROBLEM = (
    "mem_io_manager keeps outputs in the memory of one process, so it cannot serve "
    "a distributed cluster whose workers are separate processes. Use fs_io_manager "
    "with a directory shared by all workers or an object store (s3://...)."
)


class InMemoryIOManager(IOManager):
    """Values in a dict keyed by ``(run_id, solid_name, output_name)``."""

    keeps_values_in_graph = True  # the engine passes values through Dask instead

    def __init__(self, on_distributed_worker: bool = False):
        if on_distributed_worker:
            raise DaskflowIOError(_PROBLEM)
        self.values: dict[tuple[str, str, str], Any] = {}
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def __getstate__(self) -> dict[str, Any]:
        # A copy in another process could never see new values: don't ship (or pickle) any.
        return {"_pid": self._pid}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.values = {}
        self._lock = threading.Lock()
        self._pid = state["_pid"]

    def distributed_problem(self) -> str | None:
        return _PROBLEM

    def _check_process(self, output: OutputContext) -> None:
        if os.getpid() != self._pid:
            raise DaskflowIOError(
                f"{_PROBLEM} (output {output.output_name!r} of solid {output.solid_name!r} in "
                f"run {output.run_id!r}, process {os.getpid()})",
                *output.identifier,
            )

    def handle_output(self, context: OutputContext, obj: Any) -> None:
        self._check_process(context)
        with self._lock:
            self.values[context.identifier] = obj

    def load_input(self, context: InputContext) -> Any:
        upstream = context.upstream_output
        self._check_process(upstream)
        with self._lock:
            if upstream.identifier in self.values:
                return self.values[upstream.identifier]
        raise DaskflowIOError(
            f"output {upstream.output_name!r} of solid {upstream.solid_name!r} in run "
            f"{upstream.run_id!r} is not in this mem_io_manager (process {os.getpid()}); it "
            "only holds outputs handled by the same process since it was created",
            *upstream.identifier,
        )

    def has_output(self, context: OutputContext) -> bool:
        with self._lock:
            return context.identifier in self.values

    def describe_location(self, context: OutputContext) -> str | None:
        return f"in memory (process {self._pid})"


@io_manager
def mem_io_manager(init_context: InitResourceContext) -> InMemoryIOManager:
    """Keep outputs in memory; only for runs whose steps all run in one process."""
    return InMemoryIOManager(on_distributed_worker=init_context.on_distributed_worker)
