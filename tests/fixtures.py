"""Fixtures shared by the whole suite (tests/conftest.py registers this module as a plugin).

- ``instance``: a ``DaskflowInstance`` on a SQLite home in ``tmp_path``.
- ``cereal_module`` / ``cereal_csv``: the cereal example (examples/cereal).
- ``dask_cluster``: one ``LocalCluster`` of 2 worker processes x 1 thread on 127.0.0.1 for the
  whole session, started on first use; ``cluster_execution`` is the run config's
  ``execution:`` block that reaches it by address. Tests that kill or restart workers, or
  check that a run starts its own cluster, start their own instead. Tests using it are
  marked ``cluster`` automatically.
- S3: ``s3_server`` starts one ``moto.server.ThreadedMotoServer`` on 127.0.0.1 (a free port)
  per session, reachable from worker processes too; ``s3_bucket`` creates a fresh bucket per
  test and yields ``(bucket, storage_options)``. No region is configured: s3fs with
  region_name="us-east-1" fails on moto's mkdir (research notes, Q6).
"""

from __future__ import annotations

import logging
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

from daskflow.instance import DaskflowInstance
from tests.paths import CEREAL_DIR

if TYPE_CHECKING:
    from distributed import LocalCluster


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``cluster`` every test that uses the shared cluster (directly or through a
    fixture: ``fixturenames`` is the closure)."""
    for item in items:
        if "dask_cluster" in getattr(item, "fixturenames", ()):
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
