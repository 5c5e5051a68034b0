"""Baseline: the schema daskflow had before migrations (runs, event logs, asset index, run
tags, run origins). A database created by an older daskflow has no ``alembic_version``
table; this revision brings whatever it holds up to the baseline additively (missing
tables and indexes created, a new ``run_tags`` filled from the runs' JSON tags), exactly as
``ensure_schema`` did, and a new database gets the tables.

Revision ID: 0001
"""

from alembic import op

from daskflow.instance._upgrade import ensure_schema

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    ensure_schema(op.get_bind())


def downgrade() -> None:
    raise NotImplementedError("the baseline has no downgrade")
