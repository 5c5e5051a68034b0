"""Daily taxi trips: a date-partitioned parquet input, a Dask DataFrame pipeline, a daily
schedule, a partition set for backfills and a sensor for newly landed days."""
