"""The storage tables, as SQLAlchemy Core ``Table`` objects (same schema on SQLite and Postgres).

Timestamps are seconds since the epoch (floats, like ``EventRecord.timestamp``); structured
values (run config, tags, selections, event data, metadata entries) are JSON text.

>>> sorted(metadata.tables)
['asset_materializations', 'event_logs', 'run_heartbeats', 'run_origins', 'run_tags', 'runs']
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Double,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

__all__ = [
    "asset_materializations",
    "event_logs",
    "metadata",
    "run_heartbeats",
    "run_origins",
    "run_tags",
    "runs",
]

metadata = MetaData()

# BIGINT on Postgres; INTEGER on SQLite so the column is the rowid alias and autoincrements.
_Id = BigInteger().with_variant(Integer(), "sqlite")

runs = Table(
    "runs",
    metadata,
    Column("run_id", String(255), primary_key=True),
    Column("pipeline_name", String(255), nullable=False, index=True),
    Column("status", String(32), nullable=False, index=True),
    Column("mode", String(255)),
    Column("run_config", Text, nullable=False),  # JSON, as the user wrote it (no defaults)
    Column("tags", Text, nullable=False),  # JSON object
    Column("solid_selection", Text),  # JSON list or NULL
    Column("step_selection", Text),  # JSON list or NULL
    Column("parent_run_id", String(255)),
    Column("root_run_id", String(255)),
    Column("coordinator", String(255)),  # "hostname:pid" of the process running the run
    Column("created_at", Double, nullable=False, index=True),
    Column("start_time", Double),
    Column("end_time", Double),
    Column("updated_at", Double, nullable=False),
)

event_logs = Table(
    "event_logs",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("run_id", String(255), nullable=False),
    Column("timestamp", Double, nullable=False),
    Column("event_type", String(64), nullable=False, index=True),
    Column("pipeline_name", String(255)),
    Column("solid_name", String(255)),
    Column("step_key", String(255)),
    Column("level", Integer, nullable=False),
    Column("message", Text, nullable=False),
    Column("data", Text, nullable=False),  # JSON object
    Index("ix_event_logs_run_id_id", "run_id", "id"),
    # The run page's `type:` and `step:` filters page through one run's events by these.
    Index("ix_event_logs_run_id_event_type_id", "run_id", "event_type", "id"),
    Index("ix_event_logs_run_id_step_key_id", "run_id", "step_key", "id"),
)

asset_materializations = Table(
    "asset_materializations",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("asset_key", String(512), nullable=False),
    Column("run_id", String(255), nullable=False, index=True),
    Column("solid_name", String(255)),
    Column("step_key", String(255)),
    Column("timestamp", Double, nullable=False),
    Column("event_id", BigInteger, nullable=False),
    Column("metadata", Text, nullable=False),  # JSON list of metadata entry dicts
    Column("description", Text),
    Column("partition", String(255)),
    Index("ix_asset_materializations_asset_key_id", "asset_key", "id"),
)

# One row per tag of a run (a copy of ``runs.tags``), so runs filter by tag through an index.
run_tags = Table(
    "run_tags",
    metadata,
    Column("run_id", String(255), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("value", Text, nullable=False),
    Index("ix_run_tags_key_value", "key", "value"),
)

# Where a launched run's pipeline is loaded from (file or module, working directory,
# pipeline name), as JSON; written by the run launcher for the process it starts.
run_origins = Table(
    "run_origins",
    metadata,
    Column("run_id", String(255), primary_key=True),
    Column("origin", Text, nullable=False),
)

# One row per run whose coordinator is running it: written with PIPELINE_START, renewed
# every few seconds, removed with the run's end. A row left old means the coordinator is
# gone, on whatever host it ran. A table (not a column) so older databases gain it on open.
run_heartbeats = Table(
    "run_heartbeats",
    metadata,
    Column("run_id", String(255), primary_key=True),
    Column("coordinator", String(255)),  # "hostname:pid", as in runs.coordinator
    Column("heartbeat_at", Double, nullable=False),
)
