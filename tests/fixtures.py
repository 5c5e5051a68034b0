"""Fixtures shared by the whole suite (tests/conftest.py registers this module as a plugin).

- ``instance``: a ``DaskflowInstance`` on a SQLite home in ``tmp_path``.
- ``cereal_module`` / ``cereal_csv``: the cereal example (examples/cereal).
- ``dask_cluster``: one ``LocalCluster`` of 2 worker processes x 1 thread on 127.0.0.1 for the
  whole session, started on first use; ``cluster_execution`` is the run config's
  ``execution:`` block that reaches it by address. Tests that kill or restart workers, or
  check that a run starts its own cluster, start their own instead.
- ``external_scheduler``: the address of a scheduler and one worker (2 threads) started for
  one test as `dask scheduler` / `dask worker` processes, as a user's own cluster would be.
- Tests using either cluster fixture are marked ``cluster`` automatically.
- S3: ``s3_server`` starts one ``moto.server.ThreadedMotoServer`` on 127.0.0.1 (a free port)
  per session, reachable from worker processes too; ``s3_bucket`` creates a fresh bucket per
  test and yields ``(bucket, storage_options)``. No region is configured: s3fs with
  region_name="us-east-1" fails on moto's mkdir (research notes, Q6).
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

from daskflow.instance import DaskflowInstance
from tests.paths import CEREAL_DIR

CLUSTER_FIXTURES = frozenset({"dask_cluster", "external_scheduler"})

if TYPE_CHECKING:
    from distributed import LocalCluster


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``cluster`` every test that uses a cluster fixture (directly or through another
    fixture: ``fixturenames`` is the closure)."""
    for item in items:
        if CLUSTER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.cluster)


def _import_path(directory: str) -> None:
    if directory not in sys.path:
        sys.path.insert(0, directory)


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[DaskflowInstance]:
    """An instance on a fresh SQLite ``DASKFLOW_HOME`` (``tmp_path / "home"``)."""
    with DaskflowInstance.from_home(tmp_path / "home") as opened:
        yield opened


@pytest.fixture
def cereal_module() -> ModuleType:
    """The cereal example module, imported from examples/cereal."""
    _import_path(CEREAL_DIR)
    import cereal

    return cereal


@pytest.fixture
def cereal_csv() -> str:
    return os.path.join(CEREAL_DIR, "data", "cereal.csv")


@pytest.fixture(scope="session")
def dask_cluster() -> Iterator[LocalCluster]:
    """2 worker processes x 1 thread, shared by the session. Workers start with this
    process's ``sys.path``, so the cereal example's directory is put on it first."""
    from distributed import LocalCluster

    _import_path(CEREAL_DIR)
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
    ) as cluster:
        yield cluster


@pytest.fixture
def cluster_execution(dask_cluster: LocalCluster) -> dict[str, Any]:
    """The ``execution:`` block of a run on the shared cluster."""
    return {"dask": {"cluster": {"address": dask_cluster.scheduler_address}}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _dask_process(args: list[str], cwd: Path) -> subprocess.Popen[bytes]:
    """``dask ARGS`` from this environment, importing what this process can."""
    return subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "dask"), *args],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        cwd=str(cwd),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture
def external_scheduler(tmp_path: Path) -> Iterator[str]:
    """A scheduler and a worker started as `dask scheduler` / `dask worker` processes."""
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    local = ["--host", "127.0.0.1", "--dashboard-address", "127.0.0.1:0"]
    scheduler = _dask_process(["scheduler", "--port", str(port), *local], tmp_path)
    one_worker = ["--nworkers", "1", "--nthreads", "2"]
    worker = _dask_process(["worker", address, *one_worker, *local], tmp_path)
    try:
        with Client(address, timeout=30) as client:
            client.wait_for_workers(1, timeout=60)
        yield address
    finally:
        for process in (worker, scheduler):
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """The endpoint URL of a moto S3 server running for the whole session."""
    moto_server = pytest.importorskip("moto.server")
    pytest.importorskip("s3fs")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request
    with pytest.MonkeyPatch.context() as mp:
        for name in (
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SECURITY_TOKEN",
            "AWS_SESSION_TOKEN",
        ):
            mp.setenv(name, "testing")
        mp.delenv("AWS_PROFILE", raising=False)
        mp.delenv("AWS_DEFAULT_REGION", raising=False)
        server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()  # port 0: the OS picks a free port, reported by get_host_and_port
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@pytest.fixture
def s3_storage_options(s3_server: str) -> dict[str, str]:
    return {"endpoint_url": s3_server, "key": "testing", "secret": "testing"}


@pytest.fixture
def s3_bucket(s3_storage_options: dict[str, str]) -> Iterator[tuple[str, dict[str, str]]]:
    """A new, empty bucket: ``(name, storage_options)``."""
    import s3fs

    name = f"daskflow-test-{uuid.uuid4().hex[:12]}"
    fs = s3fs.S3FileSystem(**s3_storage_options)
    fs.mkdir(name)
    yield name, s3_storage_options
    fs.rm(name, recursive=True)
    fs.invalidate_cache()
