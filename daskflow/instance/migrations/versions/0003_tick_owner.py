"""Ticks record which daemon evaluates them (``owner``: ``host:pid:suffix``) and, once a
tick was found interrupted (its daemon gone before it finished), why (``interrupted``);
an index on ``status`` keeps the search for ``STARTED`` ticks cheap on every open.
Additive: an older daskflow ignores the new columns.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ticks") as batch:
        batch.add_column(sa.Column("owner", sa.String(255)))
        batch.add_column(sa.Column("interrupted", sa.Text))
    op.create_index("ix_ticks_status", "ticks", ["status"])


def downgrade() -> None:
    op.drop_index("ix_ticks_status", "ticks")
    with op.batch_alter_table("ticks") as batch:
        batch.drop_column("interrupted")
        batch.drop_column("owner")
