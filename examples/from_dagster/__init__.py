"""A Dagster 0.9-style repository ported to daskflow by renaming imports only."""
