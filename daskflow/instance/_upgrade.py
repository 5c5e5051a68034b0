"""Bringing the tables of an existing database up to the current schema, idempotently.

Tables that are missing are created, indexes missing on existing tables are added, and a
``run_tags`` table created now is filled from the runs' JSON tags. Only additive changes:
a database written by an older daskflow keeps working, and one written by this version
still opens in the older one (a migration library comes with the operate layer).
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, insert, inspect, select

from daskflow.instance._tables import metadata, run_tags, runs

__all__ = ["ensure_schema"]

_BACKFILL_BATCH = 1000


def ensure_schema(conn: Connection) -> None:
    """Create what is missing (tables, indexes) and fill a new ``run_tags`` from ``runs``."""
    existing = set(inspect(conn).get_table_names())
    metadata.create_all(conn, checkfirst=True)
    for table in metadata.sorted_tables:
        if table.name not in existing:
            continue
        present = {index["name"] for index in inspect(conn).get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in present:
                index.create(conn, checkfirst=True)
    if run_tags.name not in existing and runs.name in existing:
        _backfill_run_tags(conn)


def _backfill_run_tags(conn: Connection) -> None:
    rows = []
    for run_id, tags in conn.execute(select(runs.c.run_id, runs.c.tags)):
        for key, value in (json.loads(tags or "{}") or {}).items():
            rows.append({"run_id": run_id, "key": str(key), "value": str(value)})
            if len(rows) >= _BACKFILL_BATCH:
                conn.execute(insert(run_tags), rows)
                rows = []
    if rows:
        conn.execute(insert(run_tags), rows)
