"""Alembic's environment: migrate the connection ``upgrade_schema`` passes in, inside its
transaction (no engine or URL of alembic's own, no logging configuration)."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
