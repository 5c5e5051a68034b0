"""What one repetition measures besides its wall time: tasks, memory, CPU and bytes of IO.

- **Tasks**: on distributed, the scheduler's task stream (``distributed.get_task_stream``:
  each task's compute interval and worker); on the threaded and synchronous schedulers, a
  ``dask.callbacks.Callback`` timing each task from its start to its end in the coordinator
  (callbacks are global, so they see the engine's scheduler thread too).
- **Memory**: a thread sampling the process's RSS every 50 ms, in the coordinator and (started
  with ``client.run``) in every worker; the peak of each.
- **CPU and IO**: ``psutil`` CPU times (user + system) and read/written characters (every
  ``read``/``write`` call, page cache included; Linux only) of each process, before and after.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import psutil
from dask.callbacks import Callback
from dask.utils import key_split

__all__ = ["ProcessUsage", "TaskRecord", "Usage", "capture_tasks", "measure_usage"]

SAMPLE_SECONDS = 0.05


@dataclass
class TaskRecord:
    """One task's compute interval (``time.time()`` seconds) and where it ran."""

    prefix: str  # dask.utils.key_split of its key: the solid's name for daskflow tasks
    start: float
    stop: float
    worker: str = ""


@dataclass
class ProcessUsage:
    """One process over one repetition."""

    peak_rss: int = 0
    cpu_seconds: float = 0.0
    read_bytes: int = 0  # characters read (Linux's rchar), 0 where unknown
    write_bytes: int = 0  # characters written (wchar)


@dataclass
class Usage:
    """The coordinator's and every worker's usage during a repetition."""

    coordinator: ProcessUsage = field(default_factory=ProcessUsage)
    workers: dict[str, ProcessUsage] = field(default_factory=dict)


class _Sampler:
    """Samples this process's RSS in a thread; CPU and IO counters as deltas."""

    def __init__(self, interval: float = SAMPLE_SECONDS):
        self._process = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()
        self._peak = 0
        self._thread = threading.Thread(
            target=self._run, daemon=True, name="daskflow-bench-sampler"
        )
        self._cpu0 = self._cpu()
        self._io0 = self._io()

    def _cpu(self) -> float:
        times = self._process.cpu_times()
        return times.user + times.system

    def _io(self) -> tuple[int, int]:
        try:
            counters = self._process.io_counters()
        except (AttributeError, psutil.Error):  # not on macOS; or not permitted
            return 0, 0
        return getattr(counters, "read_chars", 0), getattr(counters, "write_chars", 0)

    def _sample(self) -> None:
        self._peak = max(self._peak, self._process.memory_info().rss)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._sample()

    def start(self) -> _Sampler:
        self._sample()
        self._thread.start()
        return self

    def stop(self) -> ProcessUsage:
        self._stop.set()
        self._thread.join()
        self._sample()
        read, written = self._io()
        return ProcessUsage(
            self._peak, self._cpu() - self._cpu0, read - self._io0[0], written - self._io0[1]
        )


_WORKER_SAMPLERS: dict[str, _Sampler] = {}


def _start_worker_sampler(token: str) -> None:
    """Run on each worker with ``client.run``."""
    _WORKER_SAMPLERS[token] = _Sampler().start()


def _stop_worker_sampler(token: str) -> dict[str, Any]:
    sampler = _WORKER_SAMPLERS.pop(token, None)
    return asdict(sampler.stop() if sampler is not None else ProcessUsage())


@contextlib.contextmanager
def measure_usage(client: Any = None) -> Iterator[Usage]:
    """Fill a ``Usage`` for the block: the coordinator, and each worker of ``client``."""
    usage = Usage()
    token = uuid.uuid4().hex
    if client is not None:
        client.run(_start_worker_sampler, token)
    coordinator = _Sampler().start()
    try:
        yield usage
    finally:
        usage.coordinator = coordinator.stop()
        if client is not None:
            stopped = client.run(_stop_worker_sampler, token)
            usage.workers = {w: ProcessUsage(**u) for w, u in sorted(stopped.items())}


class _TaskTimer(Callback):
    """Times every task run by dask's local schedulers (any thread) by its key."""

    def __init__(self, records: list[TaskRecord]):
        super().__init__()
        self._records = records
        self._started: dict[Any, float] = {}
        self._lock = threading.Lock()

    def _pretask(self, key: Any, dsk: Any, state: Any) -> None:
        with self._lock:
            self._started[key] = time.time()

    def _posttask(self, key: Any, result: Any, dsk: Any, state: Any, worker_id: Any) -> None:
        stop = time.time()
        with self._lock:
            start = self._started.pop(key, stop)
            self._records.append(TaskRecord(key_split(key), start, stop, f"thread-{worker_id}"))


@contextlib.contextmanager
def capture_tasks(client: Any = None) -> Iterator[list[TaskRecord]]:
    """The tasks that ran during the block (filled in when it ends)."""
    records: list[TaskRecord] = []
    if client is None:
        with _TaskTimer(records):
            yield records
        return
    from distributed import get_task_stream

    with get_task_stream(client) as stream:
        yield records
    records.extend(_from_task_stream(stream.data))


def _from_task_stream(data: list[dict[str, Any]]) -> list[TaskRecord]:
    """Compute intervals of the task stream's records (transfers are not task time)."""
    records = []
    for item in data:
        for startstop in item.get("startstops") or ():
            if startstop.get("action") == "compute":
                records.append(
                    TaskRecord(
                        key_split(item["key"]),
                        startstop["start"],
                        startstop["stop"],
                        str(item.get("worker", "")),
                    )
                )
    return records
