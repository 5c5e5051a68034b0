"""Engine: execution plan, compilation into one Dask graph, execution and events."""
