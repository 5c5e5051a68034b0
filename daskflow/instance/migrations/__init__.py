"""Alembic migrations of the instance database (``env.py`` and ``versions/``), applied by
``daskflow.instance._migrate.upgrade_schema`` whenever an instance is opened."""
