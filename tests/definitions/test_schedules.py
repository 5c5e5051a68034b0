"""Schedule, partition set and sensor definitions: invalid ones are errors naming them;
partitioned schedules map a tick to the right partition."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from daskflow import (
    PartitionSetDefinition,
    RunRequest,
    SensorEvaluationContext,
    daily_schedule,
    date_partition_range,
    hourly_schedule,
    monthly_schedule,
    pipeline,
    repository,
    schedule,
    sensor,
    solid,
    weekly_schedule,
)
from daskflow.errors import DaskflowInvalidDefinitionError


@solid
def noop(_context):
    return 1


@pipeline
def etl():
    noop()


def utc(*parts: int) -> float:
    return datetime(*parts, tzinfo=UTC).timestamp()  # type: ignore[misc]


def test_bad_cron_string_names_the_schedule():
    with pytest.raises(
        DaskflowInvalidDefinitionError,
        match='schedule "broken": invalid cron_schedule "61 \\* \\* \\* \\*"',
    ):
        schedule("61 * * * *", pipeline_name="etl", name="broken")(lambda _c: {})


def test_unknown_timezone_names_the_schedule():
    with pytest.raises(
        DaskflowInvalidDefinitionError, match='schedule "x": unknown execution_timezone "Mars/Base"'
    ):
        schedule("0 0 * * *", pipeline_name="etl", name="x", execution_timezone="Mars/Base")(
            lambda _c: {}
        )


def test_unknown_pipeline_fails_at_repository_load():
    nightly = schedule("0 0 * * *", pipeline_name="missing", name="nightly")(lambda _c: {})
    expected = 'repository "repo": schedule "nightly" targets unknown pipeline "missing"'
    with pytest.raises(DaskflowInvalidDefinitionError, match=expected):
        repository(lambda: [etl, nightly], name="repo")


def test_unknown_pipeline_of_a_sensor_names_both():
    @sensor(pipeline_name="other")
    def watch(_context):
        return []

    with pytest.raises(
        DaskflowInvalidDefinitionError, match='sensor "watch" targets unknown pipeline "other"'
    ):

        @repository
        def repo():
            return [etl, watch]


def test_daily_schedule_runs_yesterdays_partition_and_adds_its_partition_set():
    @daily_schedule(
        pipeline_name="etl", start_date=datetime(2026, 1, 1), execution_time=time(3, 15)
    )
    def nightly(date):
        return {"day": date.strftime("%Y-%m-%d")}

    @repository
    def repo():
        return [etl, nightly]

    assert repo.schedule_names == ["nightly"]
    assert [p.name for p in repo.get_all_partition_sets()] == ["nightly_partitions"]
    evaluation = nightly.evaluate(utc(2026, 2, 1, 3, 15))
    assert evaluation.run_config == {"day": "2026-01-31"}
    assert evaluation.tags["daskflow/partition"] == "2026-01-31"
    before_start = nightly.evaluate(utc(2026, 1, 1, 3, 15))
    assert before_start.skip_reason is not None and "2025-12-31" in before_start.skip_reason


def test_monthly_schedule_runs_last_month():
    @monthly_schedule(
        pipeline_name="etl", start_date=datetime(2026, 1, 1), execution_day_of_month=2
    )
    def monthly(date):
        return {"month": date.strftime("%Y-%m")}

    assert monthly.cron_schedule == "0 0 2 * *"
    assert monthly.evaluate(utc(2026, 3, 2)).run_config == {"month": "2026-02"}


def test_partition_set_run_config_and_tags():
    days = date_partition_range(datetime(2026, 1, 1), datetime(2026, 1, 3))
    ps = PartitionSetDefinition(
        "days", "etl", days, lambda p: {"d": p.name}, tags_fn_for_partition=lambda p: {"team": "a"}
    )
    partition = ps.get_partition("2026-01-02")
    assert ps.run_config_for_partition(partition) == {"d": "2026-01-02"}
    assert ps.tags_for_partition(partition) == {
        "team": "a",
        "daskflow/partition_set": "days",
        "daskflow/partition": "2026-01-02",
    }
    with pytest.raises(
        DaskflowInvalidDefinitionError, match='partition set "days" has no partition "2026-01-03"'
    ):
        ps.get_partition("2026-01-03")


def test_schedule_function_errors_name_the_schedule_and_tick():
    @schedule("0 0 * * *", pipeline_name="etl")
    def fragile(_context):
        raise KeyError("day")

    with pytest.raises(
        DaskflowInvalidDefinitionError, match='schedule "fragile": run_config_fn raised KeyError'
    ):
        fragile.evaluate(utc(2026, 1, 1))


def test_sensor_yields_requests_and_keeps_its_cursor():
    @sensor(pipeline_name="etl")
    def files(context):
        seen = int(context.cursor or 0)
        for index in range(seen, 3):
            yield RunRequest(run_key=f"f{index}")
        context.update_cursor("3")

    first = files.evaluate(SensorEvaluationContext(None, 0.0))
    assert [r.run_key for r in first.run_requests] == ["f0", "f1", "f2"] and first.cursor == "3"
    again = files.evaluate(SensorEvaluationContext(first.cursor, 1.0))
    assert again.run_requests == [] and again.skip_reason


def test_sensor_returning_something_else_is_an_error():
    @sensor(pipeline_name="etl")
    def odd(_context):
        return [42]

    with pytest.raises(
        DaskflowInvalidDefinitionError, match='sensor "odd": expected RunRequest or SkipReason'
    ):
        odd.evaluate(SensorEvaluationContext(None, 0.0))


def test_should_execute_false_skips_the_tick_with_a_reason():
    @schedule(
        "0 0 * * *",
        pipeline_name="etl",
        should_execute=lambda c: c.scheduled_execution_time.day != 1,
    )
    def not_on_the_first(_context):
        return {"x": 1}

    assert "should_execute returned False" in not_on_the_first.evaluate(utc(2026, 3, 1)).skip_reason
    assert not_on_the_first.evaluate(utc(2026, 3, 2)).run_config == {"x": 1}


def test_hourly_and_weekly_schedules_cron_and_partitions():
    @hourly_schedule(
        pipeline_name="etl", start_date=datetime(2026, 1, 1), execution_time=time(0, 5)
    )
    def hourly(date):
        return {"hour": date.strftime("%Y-%m-%d-%H:%M")}

    @weekly_schedule(pipeline_name="etl", start_date=datetime(2026, 1, 5), execution_day_of_week=1)
    def weekly(date):
        return {"week": date.strftime("%Y-%m-%d")}

    assert (hourly.cron_schedule, weekly.cron_schedule) == ("5 * * * *", "0 0 * * 1")
    assert hourly.evaluate(utc(2026, 2, 1, 10, 5)).run_config == {"hour": "2026-02-01-09:00"}
    assert weekly.evaluate(utc(2026, 2, 3)).run_config == {"week": "2026-01-26"}  # the week before


def test_an_hourly_partitioned_schedule_runs_each_real_hour_once_across_dst():
    """America/New_York falls back on 2026-11-01: 01:00-02:00 happens twice (EDT, then
    EST); springs forward on 2026-03-08: 02:00-03:00 never happens."""

    @hourly_schedule(
        pipeline_name="etl",
        start_date=datetime(2026, 1, 1),
        execution_time=time(0, 5),
        execution_timezone="America/New_York",
    )
    def hourly(date):
        return {"hour": date.isoformat()}

    # ticks at 01:05 EDT, 01:05 EST, 02:05 EST run the hour before each: three real hours
    ticks = [utc(2026, 11, 1, 5, 5), utc(2026, 11, 1, 6, 5), utc(2026, 11, 1, 7, 5)]
    hours = [hourly.evaluate(t).run_config["hour"] for t in ticks]
    assert hours == [
        "2026-11-01T00:00:00-04:00",
        "2026-11-01T01:00:00-04:00",
        "2026-11-01T01:00:00-05:00",
    ]
    names = [
        p.name for p in hourly.partition_set.get_partitions(datetime(2026, 11, 1, 7, tzinfo=UTC))
    ]
    assert names[-2:] == ["2026-11-01-01:00-0400", "2026-11-01-01:00-0500"]
    assert len(names) == len(set(names))
    # springing forward: 01:00 EST is followed by 03:00 EDT, no 02:00 partition
    spring = [
        p.name for p in hourly.partition_set.get_partitions(datetime(2026, 3, 8, 8, tzinfo=UTC))
    ]
    assert spring[-2:] == ["2026-03-08-01:00-0500", "2026-03-08-03:00-0400"]
