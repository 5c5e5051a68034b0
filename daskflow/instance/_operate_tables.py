"""The operate layer's tables (created by migration 0002, ticks' owner by 0003), as
SQLAlchemy Core objects.

Ticks, backfills and queue entries are keyed by UTC epoch seconds like the other tables. A
tick names the daemon evaluating it (``owner``), so one left ``STARTED`` by a daemon that
died can be told from one in progress. ``run_keys.key`` is UNIQUE: one schedule tick,
backfill partition or sensor run key maps to one run, whatever crashes or however many
daemons run.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Double,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = ["backfills", "daemon_heartbeats", "instigators", "run_keys", "run_queue", "ticks"]

operate_metadata = MetaData()
_Id = BigInteger().with_variant(Integer(), "sqlite")

instigators = Table(
    "instigators",
    operate_metadata,
    Column("name", String(255), primary_key=True),
    Column("kind", String(16), primary_key=True),  # "schedule" or "sensor"
    Column("status", String(16), nullable=False),  # "RUNNING" or "STOPPED"
    Column("spec", String(512)),  # a schedule's "cron|zone": a change restarts its clock
    Column("started_at", Double),  # ticks after this instant are due
    Column("cursor", Text),
    Column("last_tick_at", Double),
    Column("updated_at", Double, nullable=False),
)

ticks = Table(
    "ticks",
    operate_metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("instigator", String(255), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("tick_time", Double, nullable=False),
    Column("status", String(16), nullable=False),
    Column("run_ids", Text, nullable=False),  # JSON list
    Column("error", Text),
    Column("skip_reason", Text),
    Column("created_at", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
    Column("owner", String(255)),  # the daemon evaluating it: "host:pid:suffix" (0003)
    Column("interrupted", Text),  # why it was found interrupted, if it was (0003)
    UniqueConstraint("instigator", "kind", "tick_time", name="uq_ticks_instigator_time"),
    Index("ix_ticks_status", "status"),
)

run_keys = Table(
    "run_keys",
    operate_metadata,
    Column("key", String(512), nullable=False),
    Column("run_id", String(255), nullable=False),
    Column("created_at", Double, nullable=False),
    Index("ux_run_keys_key", "key", unique=True),
)

run_queue = Table(
    "run_queue",
    operate_metadata,
    Column("run_id", String(255), primary_key=True),
    Column("tags", Text, nullable=False),  # JSON object, for tag concurrency limits
    Column("enqueued_at", Double, nullable=False),
    Column("claimed_by", String(255)),
    Column("claimed_at", Double),
    Index("ix_run_queue_claimed_enqueued", "claimed_by", "enqueued_at"),
)

backfills = Table(
    "backfills",
    operate_metadata,
    Column("backfill_id", String(64), primary_key=True),
    Column("partition_set", String(255), nullable=False),
    Column("status", String(16), nullable=False),
    Column("partition_names", Text, nullable=False),  # JSON list, in launch order
    Column("from_failure", Boolean, nullable=False),
    Column("tags", Text, nullable=False),
    Column("next_index", Integer, nullable=False),  # checkpoint: partitions before it are queued
    Column("error", Text),
    Column("created_at", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
)

daemon_heartbeats = Table(
    "daemon_heartbeats",
    operate_metadata,
    Column("daemon_id", String(255), primary_key=True),
    Column("daemon_type", String(64), nullable=False),
    Column("timestamp", Double, nullable=False),
    Column("info", Text, nullable=False),
)
