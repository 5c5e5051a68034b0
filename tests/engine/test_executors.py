"""The local executors: runs on ``threads`` and ``in_process`` reuse the process's threads."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from daskflow import execute_pipeline, pipeline, solid


@solid
def thread_name(_) -> str:
    return threading.current_thread().name


@solid
def slow_sum(_, name: str) -> int:
    time.sleep(0.05)  # long enough for concurrent runs to overlap
    return len(name) + 1000


@pipeline
def named():
    slow_sum(thread_name())


def _thread_of_task(execution: dict) -> str:
    result = execute_pipeline(named, {"execution": execution})
    assert result.success
    return result.output_for_solid("thread_name")


def test_threaded_runs_use_the_same_worker_threads():
    execution = {"threads": {"max_workers": 2}}
    names = {_thread_of_task(execution) for _ in range(6)}
    assert all(n.startswith("daskflow-worker") for n in names), names
    assert len(names) <= 2  # one pool of two threads served all six runs


def _runner_threads() -> set[str]:
    return {t.name for t in threading.enumerate() if t.name.startswith("daskflow-run")}


def test_in_process_runs_reuse_their_runner_threads():
    existing = _runner_threads()  # earlier tests' concurrent runs may have left idle ones
    names = {_thread_of_task({"in_process": {}}) for _ in range(4)}
    assert all(n.startswith("daskflow-run") for n in names), names
    assert len(names - existing) <= 1  # one after another: no new thread per run
    assert len(_runner_threads() - existing) <= 1


def test_concurrent_threaded_runs_share_a_pool_and_all_succeed():
    execution = {"threads": {"max_workers": 2}}
    with ThreadPoolExecutor(4) as launcher:
        results = list(
            launcher.map(lambda _: execute_pipeline(named, {"execution": execution}), range(8))
        )
    assert all(r.success for r in results)
    for result in results:
        name = result.output_for_solid("thread_name")
        assert name.startswith("daskflow-worker")
        assert result.output_for_solid("slow_sum") == len(name) + 1000
    assert len({r.run_id for r in results}) == 8


def _inc(x: int) -> int:
    return x + 1


def test_a_distributed_run_waits_on_its_own_client_whatever_client_is_current(dask_cluster):
    """``distributed.wait`` uses the *current* client; a stale one (closed, its loop gone:
    what an abandoned ``with Client(...)`` block or a run generator closed late leaves as
    current) made the coordinator's wait fail, or hang for ever when that client's loop was
    stopped but not closed. The run waits with its own client."""
    from distributed import Client

    from daskflow.engine.run.executors import DistributedRun

    stale = Client(dask_cluster.scheduler_address, set_as_default=False)
    stale.close()
    with Client(dask_cluster.scheduler_address, set_as_default=False) as client:
        run = DistributedRun(client, {"x": (_inc, 1)}, ["x"])
        finished: list[bool] = []

        def wait_with_a_stale_current_client() -> None:
            with stale.as_current():
                while not run.wait(0.05):
                    pass
            finished.append(True)

        waiter = threading.Thread(target=wait_with_a_stale_current_client, daemon=True)
        waiter.start()
        waiter.join(30)
        assert finished == [True], "the run's wait hung or failed on the stale client"
        assert run.results() == {"x": 2}
