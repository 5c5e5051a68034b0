"""TPC-H on Dask: data generation, DuckDB reference answers, hand-written Dask queries.

See ``examples/tpch/README.md``.
"""
