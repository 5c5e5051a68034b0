"""The daily taxi repository: a pipeline summarizing one day of trips by hour (a Dask
DataFrame step on the day's parquet file), a daily schedule (at 02:00 New York time it
runs yesterday), the January partition set for backfills, and a sensor launching a run for
each new day's file landing in the data directory.

The data directory is ``$DASKFLOW_TAXI_DATA`` (default ``data/taxi``), made absolute where
the repository is loaded (the daemon), so launched runs read the same files.
"""

from __future__ import annotations

import os
from datetime import datetime, time
from pathlib import Path

import pandas as pd

from daskflow import (
    PartitionSetDefinition,
    RunRequest,
    SkipReason,
    daily_schedule,
    date_partition_range,
    pipeline,
    repository,
    sensor,
    solid,
)
from daskflow.types import DaskDataFrame

TAXI_DATA = Path(os.environ.get("DASKFLOW_TAXI_DATA", "data/taxi")).resolve()


@solid
def trips_by_hour(_context, trips: DaskDataFrame) -> pd.DataFrame:
    """Trips, passengers and fares per pickup hour (computed inside the run's graph)."""
    hours = trips.assign(hour=trips.pickup_time.dt.hour)
    summary = hours.groupby("hour").agg({"fare": ["count", "sum"], "passengers": "sum"})
    return summary.compute()


@solid
def busiest_hour(context, by_hour: pd.DataFrame) -> int:
    hour = int(by_hour[("fare", "count")].idxmax())
    context.log.info(f"busiest hour: {hour}:00")
    return hour


@pipeline
def daily_taxi():
    busiest_hour(trips_by_hour())


def config_for_day(day: str) -> dict:
    """Run config of one day: its file, read in-process (one small file a day)."""
    path = str(TAXI_DATA / f"{day}.parquet")
    return {
        "execution": {"in_process": {}},
        "solids": {"trips_by_hour": {"inputs": {"trips": {"parquet": {"path": path}}}}},
    }


@daily_schedule(
    pipeline_name="daily_taxi",
    start_date=datetime(2026, 1, 1),
    execution_time=time(2, 0),
    execution_timezone="America/New_York",
)
def taxi_nightly(date: datetime) -> dict:
    return config_for_day(f"{date:%Y-%m-%d}")


taxi_days = PartitionSetDefinition(
    "taxi_days",
    "daily_taxi",
    date_partition_range(datetime(2026, 1, 1), datetime(2026, 2, 1)),
    lambda partition: config_for_day(partition.name),
)


@sensor(pipeline_name="daily_taxi", minimum_interval_seconds=30)
def new_taxi_day(context):
    """A run per day file that landed since the cursor (the last file name handled)."""
    landed = sorted(p.stem for p in TAXI_DATA.glob("*.parquet"))
    new = [day for day in landed if context.cursor is None or day > context.cursor]
    if not new:
        yield SkipReason(f"no new day in {TAXI_DATA}")
        return
    for day in new:
        yield RunRequest(run_key=day, run_config=config_for_day(day), tags={"day": day})
    context.update_cursor(new[-1])


@repository
def daily_taxi_repo():
    return [daily_taxi, taxi_nightly, taxi_days, new_taxi_day]
