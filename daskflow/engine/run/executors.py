"""Choosing, starting or connecting to the Dask scheduler a run executes on.

``in_process`` runs Dask's synchronous scheduler and ``threads`` its threaded scheduler,
both in a background thread of the coordinator so events stream live. Those threads live as
long as the process and serve every run: Dask's threaded scheduler called off the main
thread would start a new pool per run, and new threads start with cold allocator arenas,
which made dataframe work 20-30% slower than the same graph on warm threads (measured on
TPC-H Q5, see ``benchmarks/NOTES.md``). ``dask`` runs on a
``distributed`` cluster: a new ``LocalCluster``, an existing scheduler by address, or any
cluster manager class; the graph is submitted once with ``client.get(..., sync=False)``.

What the coordinator asks of an executor is ``Executor``; of a graph it submitted,
``RunningGraph``. Each executor here implements both.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import pkgutil
import queue
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import dask

from daskflow.engine.process.cancel import set_canceled
from daskflow.engine.process.resources import teardown_run_resources
from daskflow.engine.process.transport import event_topic
from daskflow.errors import ConfigError, DaskflowConfigError, DaskflowExecutionError

if TYPE_CHECKING:
    from distributed import Client

__all__ = [
    "DistributedExecutor",
    "DistributedRun",
    "Executor",
    "LocalExecutor",
    "LocalRun",
    "RunningGraph",
    "open_executor",
]

EngineLog = Callable[[str, dict[str, Any]], None]
EventHandler = Callable[[dict[str, Any]], None]
Graph = Mapping[Any, Any]  # a graph of dask.task_spec nodes, keyed by task key


class RunningGraph(ABC):
    """A graph an executor is running: wait for it, cancel it, collect its results."""

    @abstractmethod
    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; True once every requested key is done."""

    @abstractmethod
    def cancel(self) -> None:
        """Start nothing new: steps not yet started skip (or their tasks are cancelled)."""

    @abstractmethod
    def results(self) -> dict[str, Any]:
        """Each requested key's result: a ``StepResult``, None if it was cancelled, or the
        exception Dask itself failed it with."""


class Executor(ABC):
    """Where a run's graph executes; ``open_executor`` yields one per run."""

    @abstractmethod
    def subscribe(self, run_id: str, handler: EventHandler) -> None:
        """Deliver the events tasks send from other processes to ``handler``.

        Called before ``submit``. Tasks in this process use the in-process sink instead.
        """

    @abstractmethod
    def submit(
        self, graph: Graph, keys: list[str], run_id: str, held: Sequence[Any] = ()
    ) -> RunningGraph:
        """Start computing ``keys`` of ``graph``; returns at once. ``held``: keys to compute
        and keep (not gather) while the run lasts, for tasks that read them by key."""

    @abstractmethod
    def teardown(self, run_id: str) -> list[str]:
        """Tear down the run's resources wherever tasks ran; the errors, if any."""


class DaemonThreadPool(concurrent.futures.Executor):
    """A pool of up to ``workers`` daemon threads, started on demand and kept.

    Unlike ``ThreadPoolExecutor`` (whose threads the interpreter joins at exit), a step
    that never returns does not keep the process from exiting once its run was canceled
    and ended without it. ``_max_workers`` is what Dask's threaded scheduler reads.
    """

    def __init__(self, workers: int, name: str) -> None:
        self._max_workers = workers
        self._name = name
        self._work: queue.SimpleQueue[_WorkItem | None] = queue.SimpleQueue()
        self._idle = threading.Semaphore(0)
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def submit(
        self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self._work.put(_WorkItem(future, fn, args, kwargs))
        if not self._idle.acquire(timeout=0):
            with self._lock:
                if len(self._threads) < self._max_workers:
                    thread = threading.Thread(
                        target=self._serve,
                        name=f"daskflow-{self._name}_{len(self._threads)}",
                        daemon=True,
                    )
                    self._threads.append(thread)
                    thread.start()
        return future

    def _serve(self) -> None:
        while (item := self._work.get()) is not None:
            item.run()
            del item
            self._idle.release()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if cancel_futures:
            with contextlib.suppress(queue.Empty):
                while (item := self._work.get_nowait()) is not None:
                    item.future.cancel()
        with self._lock:
            threads = list(self._threads)
        for _ in threads:
            self._work.put(None)
        if wait:
            for thread in threads:
                thread.join()


class _WorkItem:
    def __init__(
        self,
        future: concurrent.futures.Future[Any],
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        self.future, self.fn, self.args, self.kwargs = future, fn, args, kwargs

    def run(self) -> None:
        if not self.future.set_running_or_notify_cancel():
            return
        try:
            result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:
            self.future.set_exception(exc)
        else:
            self.future.set_result(result)


_POOLS: dict[str, DaemonThreadPool] = {}
_POOLS_LOCK = threading.Lock()
_MAX_CONCURRENT_RUNS = 64  # runner threads are started on demand and reused


def thread_pool(name: str, workers: int) -> DaemonThreadPool:
    """The process's pool ``name`` of ``workers`` threads, started once and shared by runs.

    Runs sharing a pool cannot deadlock: a Dask task never waits for another task.
    """
    key = f"{name}-{workers}"
    with _POOLS_LOCK:
        if key not in _POOLS:
            _POOLS[key] = DaemonThreadPool(workers, name)
        return _POOLS[key]


@atexit.register
def _shutdown_pools() -> None:
    with _POOLS_LOCK:
        for pool in _POOLS.values():
            pool.shutdown(wait=False, cancel_futures=True)


class LocalRun(RunningGraph):
    """A graph running on the sync or threaded scheduler in a (reused) background thread."""

    def __init__(self, get: Callable[..., Any], graph: Graph, keys: list[str], run_id: str):
        self.run_id = run_id
        runners = thread_pool("run", _MAX_CONCURRENT_RUNS)
        self._future = runners.submit(lambda: dict(zip(keys, get(graph, keys), strict=True)))

    def wait(self, timeout: float) -> bool:
        done, _ = concurrent.futures.wait([self._future], timeout)
        return bool(done)

    def cancel(self) -> None:
        set_canceled(self.run_id)

    def results(self) -> dict[str, Any]:
        """Results by key; an engine bug or an interrupt inside the run is raised here."""
        return self._future.result()


class DistributedRun(RunningGraph):
    """A graph running on a distributed cluster, as futures."""

    def __init__(self, client: Client, graph: Graph, keys: list[str], held: Sequence[Any] = ()):
        self._client = client
        futures = client.get(graph, [*keys, *held], sync=False)
        self._futures = dict(zip(keys, futures[: len(keys)], strict=True))
        self._held = futures[len(keys) :]  # computed and kept on the cluster for the run

    def wait(self, timeout: float) -> bool:
        from distributed import wait
        from distributed.client import FuturesCancelledError

        # ``wait`` runs on the *current* client's loop: pin ours, since the current one may
        # be a stale client (closed, or its loop stopped) left by an abandoned run or block
        with (
            self._client.as_current(),
            contextlib.suppress(TimeoutError, FuturesCancelledError),
        ):
            wait(list(self._futures.values()), timeout=timeout)
        return all(f.done() for f in self._futures.values())

    def cancel(self) -> None:
        for future in self._futures.values():
            future.cancel()

    def _gather_one(self, key: str) -> Any:
        """One task's result, or the error saying it could not be sent from its worker (an
        output kept in memory that cannot be serialized, e.g. with ``mem_io_manager``)."""
        try:
            return self._client.gather(self._futures[key])
        except Exception as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            return DaskflowExecutionError(
                "its result could not be sent from the worker that computed it "
                f"({type(exc).__name__}: {first_line}). An output kept in memory (mem_io_manager) "
                "must be serializable to travel between processes; store it with an IO "
                "manager that writes it (fs_io_manager) or make it picklable."
            )

    def results(self) -> dict[str, Any]:
        """Results by key; a task that failed in Dask itself maps to its exception."""
        finished = [k for k, f in self._futures.items() if f.status == "finished"]
        # One gather for all results: a result() per future is a round trip each.
        try:
            gathered = self._client.gather([self._futures[k] for k in finished])
        except Exception:  # some result cannot travel: find which, one by one
            gathered = [self._gather_one(k) for k in finished]
        out = dict(zip(finished, gathered, strict=True))
        for key, future in self._futures.items():
            if key in out:
                continue
            if future.status == "cancelled":
                out[key] = None
            else:
                out[key] = future.exception()
        return out


class LocalExecutor(Executor):
    """Dask's synchronous (``in_process``) or threaded (``threads``) scheduler, here."""

    def __init__(self, kind: str, config: Mapping[str, Any]):
        self.kind = kind
        self.config = config

    def subscribe(self, run_id: str, handler: EventHandler) -> None:
        """Nothing to do: every task runs in this process and uses its event sink."""

    def submit(
        self, graph: Graph, keys: list[str], run_id: str, held: Sequence[Any] = ()
    ) -> LocalRun:
        if self.kind == "in_process":
            return LocalRun(dask.get, graph, keys, run_id)
        from dask.system import CPU_COUNT  # what Dask's own pool uses (cgroup-aware)
        from dask.threaded import get

        pool = thread_pool("worker", self.config.get("max_workers") or CPU_COUNT)
        return LocalRun(lambda g, k: get(g, k, pool=pool), graph, keys, run_id)

    def teardown(self, run_id: str) -> list[str]:
        return teardown_run_resources(run_id)


class DistributedExecutor(Executor):
    """A ``distributed`` cluster, through its client; workers send events on a topic."""

    def __init__(self, client: Client):
        self.client = client

    def subscribe(self, run_id: str, handler: EventHandler) -> None:
        def receive(event: tuple[float, dict[str, Any]]) -> None:
            message = event[1]
            for record in message.get("batch", [message]):
                handler(_from_worker(record, message.get("worker")))

        self.client.subscribe_topic(event_topic(run_id), receive)

    def submit(
        self, graph: Graph, keys: list[str], run_id: str, held: Sequence[Any] = ()
    ) -> DistributedRun:
        return DistributedRun(self.client, graph, keys, held)

    def teardown(self, run_id: str) -> list[str]:
        errors = [
            e for errs in self.client.run(teardown_run_resources, run_id).values() for e in errs
        ]
        return errors + teardown_run_resources(run_id)


def _from_worker(message: dict[str, Any], worker: str | None) -> dict[str, Any]:
    """The scheduler adds the sending worker's address: keep it inside ``data``."""
    record = dict(message)
    worker = record.pop("worker", None) or worker
    if worker is not None:
        record["data"] = {**(record.get("data") or {}), "worker": worker}
    return record


@contextlib.contextmanager
def open_executor(execution: Mapping[str, Any], log: EngineLog) -> Iterator[Executor]:
    """Yield an executor for the validated ``execution`` config; close what it started."""
    kind, config = next(iter(execution.items()))
    if kind != "dask":
        yield LocalExecutor(kind, config or {})
        return
    from distributed import Client

    cluster_config = config["cluster"]
    with contextlib.ExitStack() as stack:
        if "address" in cluster_config:
            client = stack.enter_context(_connect(Client, cluster_config["address"]))
            log(
                f"Connected to the Dask scheduler at {cluster_config['address']}.",
                {"scheduler": cluster_config["address"]},
            )
        else:
            cluster = stack.enter_context(_start_cluster(cluster_config))
            client = stack.enter_context(Client(cluster))
            log(
                f"Started {type(cluster).__name__} with "
                f"{len(client.scheduler_info()['workers'])} workers.",
                {"cluster": type(cluster).__name__},
            )
        log(f"Dask dashboard: {client.dashboard_link}", {"dashboard_link": client.dashboard_link})
        yield DistributedExecutor(client)


def _start_cluster(cluster_config: Mapping[str, Any]) -> Any:
    if "local" in cluster_config:
        from distributed import LocalCluster

        local = cluster_config["local"]
        return LocalCluster(
            n_workers=local["n_workers"],
            threads_per_worker=local["threads_per_worker"],
            memory_limit=local["memory_limit"],
            dashboard_address=local["dashboard_address"],
            processes=local["processes"],
        )
    name = cluster_config["class"]  # "package.module.ClusterClass"
    try:
        cls = pkgutil.resolve_name(name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise _cluster_error(
            "class", f'cannot import cluster class "{name}": {exc}', "an importable class"
        ) from exc
    return cls(**(cluster_config.get("kwargs") or {}))


def _connect(client_class: type[Client], address: str) -> Client:
    """A client of the scheduler at ``address``; not reaching it is a config error."""
    try:
        return client_class(address)
    except (OSError, TimeoutError, ValueError) as exc:
        raise _cluster_error(
            "address",
            f"cannot connect to the Dask scheduler at {address}: {type(exc).__name__}: {exc}",
            "the address of a running scheduler",
        ) from exc


def _cluster_error(key: str, message: str, expected: str) -> DaskflowConfigError:
    path = ("execution", "dask", "cluster", key)
    return DaskflowConfigError([ConfigError(path, message, expected)], "Cannot start the executor")
