"""Shared test fixtures.

S3: ``s3_server`` starts one ``moto.server.ThreadedMotoServer`` on 127.0.0.1 (a free port) per
session, reachable from worker processes too; ``s3_bucket`` creates a fresh bucket per test
and yields ``(bucket, storage_options)``. No region is configured: s3fs with
region_name="us-east-1" fails on moto's mkdir (research notes, Q6).
"""

import logging
import os
import sys
import uuid

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CEREAL_DIR = os.path.join(ROOT, "examples", "cereal")


@pytest.fixture
def cereal_module():
    """The cereal example module, imported from examples/cereal."""
    if CEREAL_DIR not in sys.path:
        sys.path.insert(0, CEREAL_DIR)
    import cereal

    return cereal


@pytest.fixture
def cereal_csv():
    return os.path.join(CEREAL_DIR, "data", "cereal.csv")


@pytest.fixture(scope="session")
def s3_server():
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
def s3_storage_options(s3_server):
    return {"endpoint_url": s3_server, "key": "testing", "secret": "testing"}


@pytest.fixture
def s3_bucket(s3_storage_options):
    """A new, empty bucket: ``(name, storage_options)``."""
    import s3fs

    name = f"daskflow-test-{uuid.uuid4().hex[:12]}"
    fs = s3fs.S3FileSystem(**s3_storage_options)
    fs.mkdir(name)
    yield name, s3_storage_options
    fs.rm(name, recursive=True)
    fs.invalidate_cache()
