"""Fixtures of the instance storage tests: a real SQLite home in ``tmp_path``, and a real
PostgreSQL database for the whole session (``postgres_url``).

``postgres_url`` uses ``DASKFLOW_TEST_POSTGRES_URL`` when it is set; otherwise it starts a
throwaway server (``postgres_server.py``) on first use and stops it at the end of the
session. Without PostgreSQL binaries or psycopg it skips with the reason, or fails when
``DASKFLOW_REQUIRE_POSTGRES=1`` (CI, where Postgres must not be skipped silently).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import NoReturn

import pytest

from daskflow.events import DaskflowEventType, EventRecord

T = DaskflowEventType
POSTGRES_URL_ENV = "DASKFLOW_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "DASKFLOW_REQUIRE_POSTGRES"


def _postgres_unavailable(reason: str) -> NoReturn:
    if os.environ.get(REQUIRE_POSTGRES_ENV, "") not in ("", "0"):
        pytest.fail(
            f"{REQUIRE_POSTGRES_ENV} is set but Postgres is unavailable: {reason}", pytrace=False
        )
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A ``postgresql+psycopg://`` URL of a database the tests may fill."""
    try:
        import psycopg  # noqa: F401 - SQLAlchemy's postgresql+psycopg driver
    except ImportError:
        _postgres_unavailable("psycopg is not installed (pip install 'psycopg[binary]')")
    if os.environ.get(POSTGRES_URL_ENV):
        yield os.environ[POSTGRES_URL_ENV]
        return
    from tests.instance.postgres_server import PostgresUnavailable, throwaway_postgres

    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(throwaway_postgres())
        except PostgresUnavailable as exc:
            _postgres_unavailable(f"no PostgreSQL server for the tests: {exc}")
        yield url  # the server stops when the session ends


def event(
    run_id: str,
    event_type: DaskflowEventType,
    step: str | None = None,
    timestamp: float | None = None,
    **data,
) -> EventRecord:
    """An event of pipeline "cereal"; ``step`` is both the solid name and the step key."""
    record = EventRecord.create(
        run_id,
        event_type,
        "cereal",
        message=f"{event_type.value}",
        solid_name=step,
        step_key=step,
        data=data,
    )
    if timestamp is None:
        return record
    return EventRecord.from_dict({**record.to_dict(), "timestamp": timestamp})
