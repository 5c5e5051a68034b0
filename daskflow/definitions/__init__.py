"""Definitions: solids, pipelines (composed by tracing), resources, modes, presets, repositories.

Nothing here knows about Dask; the engine compiles these definitions into a Dask graph.
Users import from ``daskflow``, not from here.
"""
