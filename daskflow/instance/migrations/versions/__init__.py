"""The revisions, oldest first: 0001 brings any pre-alembic database to the baseline,
0002 adds the operate layer's tables."""
