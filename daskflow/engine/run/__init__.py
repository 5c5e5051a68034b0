"""Running a plan: launch, compile into one Dask graph, executors, the coordinator."""
