"""A small repository for the daemon tests: a pipeline taking a ``day`` config, a plain
schedule, a partitioned daily schedule, a 30-day partition set and a file sensor."""

from __future__ import annotations

import os
from datetime import datetime, time

from daskflow import (
    PartitionSetDefinition,
    RunRequest,
    SkipReason,
    daily_schedule,
    date_partition_range,
    pipeline,
    repository,
    schedule,
    sensor,
    solid,
)


@solid(config_schema={"day": str})
def load(context):
    return context.solid_config["day"]


@pipeline
def etl():
    load()


def day_config(day: str) -> dict:
    return {"solids": {"load": {"config": {"day": day}}}}


@schedule("30 1 * * *", pipeline_name="etl", execution_timezone="America/New_York")
def nightly(context):
    return day_config(context.scheduled_execution_time.strftime("%Y-%m-%d"))


@schedule("0 * * * *", pipeline_name="etl", execution_timezone="America/New_York")
def hourly(context):
    return day_config(context.scheduled_execution_time.isoformat())


@schedule("30 2 * * *", pipeline_name="etl", execution_timezone="America/New_York")
def spring(context):
    return day_config(context.scheduled_execution_time.isoformat())


@schedule("0 6 * * *", pipeline_name="etl")
def bad_config(_context):
    return {"solids": {"load": {"config": {"day": 3}}}}


@daily_schedule(pipeline_name="etl", start_date=datetime(2026, 1, 1), execution_time=time(2, 0))
def daily(date):
    return day_config(date.strftime("%Y-%m-%d"))


month = PartitionSetDefinition(
    "month",
    "etl",
    date_partition_range(datetime(2026, 1, 1), datetime(2026, 1, 31)),
    lambda partition: day_config(partition.name),
)


@sensor(pipeline_name="etl", minimum_interval_seconds=30)
def new_files(context):
    directory = os.environ["DASKFLOW_TEST_SENSOR_DIR"]
    names = sorted(os.listdir(directory))
    if not names:
        yield SkipReason("no file yet")
    for name in names:
        yield RunRequest(run_key=name, run_config=day_config(name))
    context.update_cursor(names[-1] if names else context.cursor)


@repository
def operate_repo():
    return [etl, nightly, hourly, spring, bad_config, daily, month, new_files]
