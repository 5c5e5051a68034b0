"""``ScheduleDefinition`` and ``@schedule``: a cron string in a time zone, a pipeline, and a
function from the scheduled time to run config (plus tags and ``should_execute``).

>>> @schedule("0 6 * * *", pipeline_name="etl", execution_timezone="Europe/Paris")
... def morning(context):
...     day = context.scheduled_execution_time.date().isoformat()
...     return {"solids": {"load": {"config": {"day": day}}}}
>>> tick = morning.next_tick_times(after=0.0, count=1)[0]
>>> morning.evaluate(tick).run_config
{'solids': {'load': {'config': {'day': '1970-01-01'}}}}
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from daskflow.definitions.names import check_valid_name
from daskflow.definitions.operate.cron import check_cron, check_timezone, iter_cron_times
from daskflow.errors import DaskflowInvalidDefinitionError

__all__ = ["ScheduleDefinition", "ScheduleEvaluationContext", "TickEvaluation", "schedule"]


@dataclass(frozen=True)
class ScheduleEvaluationContext:
    """What a schedule's functions receive: the tick's time in the schedule's zone."""

    schedule_name: str
    scheduled_execution_time: datetime


@dataclass(frozen=True)
class TickEvaluation:
    """What one tick asks for: run config and tags, or a reason to skip."""

    run_config: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    skip_reason: str | None = None


RunConfigFn = Callable[[ScheduleEvaluationContext], Mapping[str, Any] | None]
TagsFn = Callable[[ScheduleEvaluationContext], Mapping[str, Any] | None]
ShouldExecuteFn = Callable[[ScheduleEvaluationContext], bool]


class ScheduleDefinition:
    """A pipeline run on a cron schedule, evaluated in ``execution_timezone``."""

    def __init__(  # noqa: PLR0913 (Dagster's keyword arguments)
        self,
        name: str,
        cron_schedule: str,
        pipeline_name: str,
        run_config_fn: RunConfigFn | None = None,
        *,
        execution_timezone: str = "UTC",
        mode: str = "default",
        solid_selection: Sequence[str] | None = None,
        tags_fn: TagsFn | None = None,
        should_execute: ShouldExecuteFn | None = None,
        description: str | None = None,
        partition_set_name: str | None = None,
    ) -> None:
        self.name = check_valid_name(name, "schedule")
        where = f'schedule "{self.name}"'
        self.zone = check_timezone(execution_timezone, where)
        self.execution_timezone = str(execution_timezone)
        self.cron_schedule = check_cron(cron_schedule, self.zone, where)
        self.pipeline_name = check_valid_name(pipeline_name, f"{where}: pipeline_name")
        self.mode = mode
        self.solid_selection = list(solid_selection) if solid_selection else None
        self.description = description
        self.partition_set_name = partition_set_name
        self._run_config_fn = run_config_fn
        self._tags_fn = tags_fn
        self._should_execute = should_execute

    @property
    def clock_spec(self) -> str:
        """What identifies the schedule's clock: a new cron string or zone restarts it."""
        return f"{self.cron_schedule}|{self.execution_timezone}"

    def iter_tick_times(self, after: float) -> Iterator[float]:
        """Tick instants (UTC epoch seconds) strictly after ``after``."""
        return iter_cron_times(self.cron_schedule, self.zone, after)

    def next_tick_times(self, after: float, count: int) -> list[float]:
        times = self.iter_tick_times(after)
        return [next(times) for _ in range(count)]

    def local_time(self, tick: float) -> datetime:
        """The tick instant in the schedule's zone (with its UTC offset)."""
        return datetime.fromtimestamp(tick, self.zone)

    def context(self, tick: float) -> ScheduleEvaluationContext:
        return ScheduleEvaluationContext(self.name, self.local_time(tick))

    def evaluate(self, tick: float) -> TickEvaluation:
        """Run config and tags for the tick at ``tick``; a user function's error is raised
        as ``DaskflowInvalidDefinitionError`` naming the schedule and the function."""
        context = self.context(tick)
        if self._should_execute is not None and not self._call("should_execute", context):
            return TickEvaluation(
                skip_reason=f"should_execute returned False for {tick_label(context)}"
            )
        run_config = self._call("run_config_fn", context) or {}
        tags = self._call("tags_fn", context) or {}
        if not isinstance(run_config, Mapping) or not isinstance(tags, Mapping):
            raise DaskflowInvalidDefinitionError(
                f'schedule "{self.name}": run_config_fn and tags_fn must return dicts'
            )
        return TickEvaluation(dict(run_config), {str(k): str(v) for k, v in tags.items()})

    def _call(self, which: str, context: ScheduleEvaluationContext) -> Any:
        fn = {
            "run_config_fn": self._run_config_fn,
            "tags_fn": self._tags_fn,
            "should_execute": self._should_execute,
        }[which]
        if fn is None:
            return None
        try:
            return fn(context)
        except Exception as exc:
            raise DaskflowInvalidDefinitionError(
                f'schedule "{self.name}": {which} raised {type(exc).__name__}: {exc} '
                f"(tick {tick_label(context)})"
            ) from exc

    def __repr__(self) -> str:
        return f"<ScheduleDefinition {self.name} {self.cron_schedule!r} {self.execution_timezone}>"


def tick_label(context: ScheduleEvaluationContext) -> str:
    return context.scheduled_execution_time.isoformat()


def schedule(  # noqa: PLR0913 (Dagster's keyword arguments)
    cron_schedule: str,
    pipeline_name: str,
    name: str | None = None,
    execution_timezone: str = "UTC",
    mode: str = "default",
    solid_selection: Sequence[str] | None = None,
    tags_fn: TagsFn | None = None,
    should_execute: ShouldExecuteFn | None = None,
    description: str | None = None,
) -> Callable[[RunConfigFn], ScheduleDefinition]:
    """``@schedule(cron, pipeline_name=...)`` over a function from the context to run config."""

    def decorate(fn: RunConfigFn) -> ScheduleDefinition:
        return ScheduleDefinition(
            name or fn.__name__,
            cron_schedule,
            pipeline_name,
            fn,
            execution_timezone=execution_timezone,
            mode=mode,
            solid_selection=solid_selection,
            tags_fn=tags_fn,
            should_execute=should_execute,
            description=description or fn.__doc__,
        )

    return decorate
