"""``@daily_schedule``, ``@hourly_schedule``, ``@weekly_schedule``, ``@monthly_schedule``: a
date partition set plus a cron schedule (Dagster 0.9/0.10). A tick at local time *t* runs
the partition *offset* periods before the one containing *t* (by default: yesterday's).

>>> from datetime import datetime, time, timezone
>>> @daily_schedule(pipeline_name="etl", start_date=datetime(2026, 1, 1), execution_time=time(6))
... def nightly(date):
...     return {"day": date.strftime("%Y-%m-%d")}
>>> tick = datetime(2026, 1, 10, 6, tzinfo=timezone.utc).timestamp()
>>> nightly.evaluate(tick).run_config, nightly.cron_schedule
({'day': '2026-01-09'}, '0 6 * * *')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

from daskflow.definitions.operate.partitions import (
    DatePartitionRange,
    PartitionSetDefinition,
)
from daskflow.definitions.operate.schedules import (
    ScheduleDefinition,
    ShouldExecuteFn,
    TickEvaluation,
)

__all__ = [
    "PartitionScheduleDefinition",
    "daily_schedule",
    "hourly_schedule",
    "monthly_schedule",
    "weekly_schedule",
]

DateConfigFn = Callable[[datetime], Mapping[str, Any] | None]
DateTagsFn = Callable[[datetime], Mapping[str, Any] | None]


class PartitionScheduleDefinition(ScheduleDefinition):
    """A schedule whose ticks each run one partition of ``partition_set``."""

    def __init__(
        self, partition_set: PartitionSetDefinition, period: str, offset: int, **kwargs: Any
    ) -> None:
        super().__init__(partition_set_name=partition_set.name, **kwargs)
        self.partition_set = partition_set
        self.period = period
        self.offset = offset

    def partition_for_tick(self, tick: float) -> datetime:
        """The start of the partition the tick at ``tick`` runs: naive local for days,
        weeks and months; for hours an aware local time, counted back in real time."""
        if self.period == "hours":
            hour = self.local_time(tick).replace(minute=0, second=0, microsecond=0)
            back = hour.astimezone(UTC) - timedelta(hours=self.offset)
            return back.astimezone(self.zone)
        local = self.local_time(tick).replace(tzinfo=None)
        start = _period_start(local, self.period)
        for _ in range(self.offset):
            start = _period_start(start - timedelta(microseconds=1), self.period)
        return start

    def evaluate(self, tick: float) -> TickEvaluation:
        base = super().evaluate(tick)
        if base.skip_reason is not None:
            return base
        start = self.partition_for_tick(tick)
        ranges = self.partition_set.get_partitions(current_time=_just_after(start))
        matches = [p for p in ranges if _same_start(p.value, start)]
        if not matches:
            return TickEvaluation(
                skip_reason=f"no partition of {self.partition_set.name} starts at "
                f"{start.isoformat()}"
            )
        partition = matches[0]
        run_config = self.partition_set.run_config_for_partition(partition)
        tags = {**self.partition_set.tags_for_partition(partition), **base.tags}
        return TickEvaluation(run_config, tags)


def _just_after(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment + timedelta(microseconds=1)
    return (moment.astimezone(UTC) + timedelta(microseconds=1)).astimezone(moment.tzinfo)


def _same_start(value: datetime, start: datetime) -> bool:
    if start.tzinfo is not None and value.tzinfo is not None:
        return value.timestamp() == start.timestamp()  # the instant, fold included
    return value.replace(tzinfo=None) == start.replace(tzinfo=None)


def _period_start(moment: datetime, period: str) -> datetime:
    if period == "hours":
        return moment.replace(minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "weeks":
        return day - timedelta(days=day.weekday())
    if period == "months":
        return day.replace(day=1)
    return day


def _make(  # noqa: PLR0913 (one builder for the four decorators)
    period: str,
    cron: str,
    fn: DateConfigFn,
    options: dict[str, Any],
    offset: int,
) -> PartitionScheduleDefinition:
    name = options["name"] or fn.__name__
    tags_fn: DateTagsFn | None = options["tags_fn_for_date"]
    # hourly partitions live in the schedule's zone (real hours, see DatePartitionRange);
    # days, weeks and months are local calendar dates
    zone = options["execution_timezone"] if period == "hours" else None
    partitions = DatePartitionRange(
        options["start_date"], options["end_date"], period, timezone=zone
    )
    partition_set = PartitionSetDefinition(
        f"{name}_partitions",
        options["pipeline_name"],
        partitions,
        lambda p: fn(p.value),
        options["mode"],
        options["solid_selection"],
        (lambda p: tags_fn(p.value)) if tags_fn else None,
    )
    return PartitionScheduleDefinition(
        partition_set,
        period,
        offset,
        name=name,
        cron_schedule=cron,
        pipeline_name=options["pipeline_name"],
        execution_timezone=options["execution_timezone"],
        mode=options["mode"],
        solid_selection=options["solid_selection"],
        should_execute=options["should_execute"],
        description=fn.__doc__,
    )


def _decorator(
    period: str, cron: str, offset: int, options: dict[str, Any]
) -> Callable[[DateConfigFn], PartitionScheduleDefinition]:
    return lambda fn: _make(period, cron, fn, options, offset)


def daily_schedule(  # noqa: PLR0913 (Dagster's keyword arguments)
    pipeline_name: str,
    start_date: datetime,
    name: str | None = None,
    execution_time: time = time(0, 0),
    partition_days_offset: int = 1,
    execution_timezone: str = "UTC",
    mode: str = "default",
    solid_selection: Sequence[str] | None = None,
    tags_fn_for_date: DateTagsFn | None = None,
    should_execute: ShouldExecuteFn | None = None,
    end_date: datetime | None = None,
) -> Callable[[DateConfigFn], PartitionScheduleDefinition]:
    """Every day at ``execution_time``; the function maps the partition's date to run config."""
    cron = f"{execution_time.minute} {execution_time.hour} * * *"
    return _decorator("days", cron, partition_days_offset, dict(locals()))


def hourly_schedule(  # noqa: PLR0913 (Dagster's keyword arguments)
    pipeline_name: str,
    start_date: datetime,
    name: str | None = None,
    execution_time: time = time(0, 0),
    partition_hours_offset: int = 1,
    execution_timezone: str = "UTC",
    mode: str = "default",
    solid_selection: Sequence[str] | None = None,
    tags_fn_for_date: DateTagsFn | None = None,
    should_execute: ShouldExecuteFn | None = None,
    end_date: datetime | None = None,
) -> Callable[[DateConfigFn], PartitionScheduleDefinition]:
    """Every hour at ``execution_time``'s minute."""
    cron = f"{execution_time.minute} * * * *"
    return _decorator("hours", cron, partition_hours_offset, dict(locals()))


def weekly_schedule(  # noqa: PLR0913 (Dagster's keyword arguments)
    pipeline_name: str,
    start_date: datetime,
    name: str | None = None,
    execution_day_of_week: int = 0,
    execution_time: time = time(0, 0),
    partition_weeks_offset: int = 1,
    execution_timezone: str = "UTC",
    mode: str = "default",
    solid_selection: Sequence[str] | None = None,
    tags_fn_for_date: DateTagsFn | None = None,
    should_execute: ShouldExecuteFn | None = None,
    end_date: datetime | None = None,
) -> Callable[[DateConfigFn], PartitionScheduleDefinition]:
    """Every week on ``execution_day_of_week`` (0 = Sunday, as in cron); weeks start on Monday."""
    cron = f"{execution_time.minute} {execution_time.hour} * * {execution_day_of_week}"
    return _decorator("weeks", cron, partition_weeks_offset, dict(locals()))


def monthly_schedule(  # noqa: PLR0913 (Dagster's keyword arguments)
    pipeline_name: str,
    start_date: datetime,
    name: str | None = None,
    execution_day_of_month: int = 1,
    execution_time: time = time(0, 0),
    partition_months_offset: int = 1,
    execution_timezone: str = "UTC",
    mode: str = "default",
    solid_selection: Sequence[str] | None = None,
    tags_fn_for_date: DateTagsFn | None = None,
    should_execute: ShouldExecuteFn | None = None,
    end_date: datetime | None = None,
) -> Callable[[DateConfigFn], PartitionScheduleDefinition]:
    """Every month on ``execution_day_of_month``."""
    cron = f"{execution_time.minute} {execution_time.hour} {execution_day_of_month} * *"
    return _decorator("months", cron, partition_months_offset, dict(locals()))
