"""The operate layer: schedule/sensor state, ticks, run idempotency keys (a UNIQUE key),
the run queue, backfills and daemon heartbeats. Tables only: nothing existing changes.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    _state_tables()
    _queue_tables()


def _state_tables() -> None:
    op.create_table(
        "instigators",
        sa.Column("name", sa.String(255), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("spec", sa.String(512)),
        sa.Column("started_at", sa.Double),
        sa.Column("cursor", sa.Text),
        sa.Column("last_tick_at", sa.Double),
        sa.Column("updated_at", sa.Double, nullable=False),
    )
    op.create_table(
        "ticks",
        sa.Column("id", _Id, primary_key=True, autoincrement=True),
        sa.Column("instigator", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("tick_time", sa.Double, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("run_ids", sa.Text, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("skip_reason", sa.Text),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.Column("updated_at", sa.Double, nullable=False),
        sa.UniqueConstraint("instigator", "kind", "tick_time", name="uq_ticks_instigator_time"),
    )
    op.create_table(
        "daemon_heartbeats",
        sa.Column("daemon_id", sa.String(255), primary_key=True),
        sa.Column("daemon_type", sa.String(64), nullable=False),
        sa.Column("timestamp", sa.Double, nullable=False),
        sa.Column("info", sa.Text, nullable=False),
    )


def _queue_tables() -> None:
    op.create_table(
        "run_keys",
        sa.Column("key", sa.String(512), nullable=False),
        sa.Column("run_id", sa.String(255), nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
    )
    op.create_index("ux_run_keys_key", "run_keys", ["key"], unique=True)
    op.create_table(
        "run_queue",
        sa.Column("run_id", sa.String(255), primary_key=True),
        sa.Column("tags", sa.Text, nullable=False),
        sa.Column("enqueued_at", sa.Double, nullable=False),
        sa.Column("claimed_by", sa.String(255)),
        sa.Column("claimed_at", sa.Double),
    )
    op.create_index("ix_run_queue_claimed_enqueued", "run_queue", ["claimed_by", "enqueued_at"])
    op.create_table(
        "backfills",
        sa.Column("backfill_id", sa.String(64), primary_key=True),
        sa.Column("partition_set", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("partition_names", sa.Text, nullable=False),
        sa.Column("from_failure", sa.Boolean, nullable=False),
        sa.Column("tags", sa.Text, nullable=False),
        sa.Column("next_index", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.Column("updated_at", sa.Double, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "daemon_heartbeats",
        "backfills",
        "run_queue",
        "run_keys",
        "ticks",
        "instigators",
    ):
        op.drop_table(table)
