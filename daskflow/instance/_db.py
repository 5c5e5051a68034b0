"""The database behind an instance: one SQLAlchemy engine, write/read transactions, JSON helpers.

SQLite runs in WAL mode (readers never block the writer) with a busy timeout; write
transactions start with ``BEGIN IMMEDIATE`` so two processes queue for the write lock
instead of failing when a read transaction is upgraded. Postgres uses the psycopg driver.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError

from daskflow.errors import DaskflowStorageError
from daskflow.instance._home import InstanceSettings, redact_credentials
from daskflow.instance._migrate import upgrade_schema

__all__ = ["SQLITE_BUSY_TIMEOUT_MS", "Database", "from_json", "to_json"]

SQLITE_BUSY_TIMEOUT_MS = 30_000
_WRITE = "daskflow_write"


def to_json(value: Any) -> str:
    """Compact JSON; values JSON cannot hold are stored as their ``to_dict()`` or ``str()``."""
    return json.dumps(value, default=_json_fallback, separators=(",", ":"))


def from_json(text: str | None, default: Any = None) -> Any:
    return default if text is None else json.loads(text)


def _json_fallback(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    to_dict = getattr(value, "to_dict", None)
    return to_dict() if callable(to_dict) else str(value)


class Database:
    """An engine plus the transaction helpers every storage uses."""

    def __init__(self, engine: Engine, secrets: tuple[str, ...] = ()) -> None:
        self.engine = engine
        self._secrets = tuple(s for s in secrets if s)

    @classmethod
    def open(cls, settings: InstanceSettings) -> Database:
        """The database ``settings`` describe, its tables created if missing."""
        if settings.kind == "postgres":
            assert settings.postgres_url is not None
            database = cls.postgres(settings.postgres_url)
        else:
            assert settings.sqlite_path is not None
            database = cls.sqlite(settings.sqlite_path)
        try:
            database.create_tables()
        except BaseException:
            database.dispose()
            raise
        return database

    @classmethod
    def sqlite(cls, path: Path) -> Database:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return cls(engine)

    @classmethod
    def postgres(cls, url: str) -> Database:
        try:
            engine = create_engine(url, pool_pre_ping=True)
        except Exception as exc:  # e.g. psycopg missing; the message may hold the URL
            message = redact_credentials(str(exc)).replace(url, "<url>")
            raise DaskflowStorageError(f"cannot use the Postgres storage: {message}") from None
        password = engine.url.password
        return cls(engine, secrets=(url, str(password) if password else ""))

    @property
    def display_url(self) -> str:
        """The URL without its password, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    def create_tables(self) -> None:
        try:
            with self.write() as conn:
                upgrade_schema(conn)
        except SQLAlchemyError as exc:
            raise DaskflowStorageError(
                f"cannot open the storage at {self.display_url}: {self.redact(str(exc))}"
            ) from None

    def redact(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return redact_credentials(text)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction (committed on success, rolled back on error)."""
        with self.engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reads (one consistent snapshot on SQLite)."""
        with self.engine.connect() as conn:
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _sqlite_on_begin)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
