"""TPC-H queries as daskflow pipelines (see ``examples/tpch/README.md``)."""
