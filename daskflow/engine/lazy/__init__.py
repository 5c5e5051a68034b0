"""Dask DataFrame steps: built on the coordinator, run as solid-named partition tasks."""
