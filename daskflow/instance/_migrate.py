"""Bringing a database to the current schema with alembic, in place, on SQLite and Postgres.

``upgrade_schema`` runs every revision the database lacks (``migrations/versions``) inside
the caller's write transaction, so two processes opening one home queue for it. A database
written before migrations existed starts at the baseline revision, which upgrades it
additively. ``ensure_schema`` then still creates any table or index of ``_tables`` that is
missing (additions merged from before the migrations); new schema changes are revisions.
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from daskflow.instance._upgrade import ensure_schema

__all__ = ["current_revision", "head_revision", "upgrade_schema"]

_SCRIPTS = Path(__file__).parent / "migrations"


def _config(conn: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    config.attributes["connection"] = conn
    return config


# alembic's EnvironmentContext installs module-level proxies (alembic.context, alembic.op):
# threads of one process opening instances at once migrate one at a time.
_PROCESS_LOCK = threading.Lock()
# Postgres: processes opening one database at once migrate it one after the other.
_PG_MIGRATION_LOCK = 0x6461736B  # "dask"


def upgrade_schema(conn: Connection) -> None:
    """Apply the missing revisions (and ``ensure_schema``) on ``conn``, in its transaction."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
    if current_revision(conn) != head_revision():
        with _PROCESS_LOCK:
            command.upgrade(_config(conn), "head")
    ensure_schema(conn)


def current_revision(conn: Connection) -> str | None:
    """The revision the database is at (None: never migrated)."""
    return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head
