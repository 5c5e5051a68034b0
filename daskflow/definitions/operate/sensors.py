"""``@sensor``: a function evaluated every ``minimum_interval_seconds`` that yields
``RunRequest``s (deduplicated by ``run_key``, forever) or a ``SkipReason``, with a cursor
kept between evaluations.

>>> @sensor(pipeline_name="etl", minimum_interval_seconds=10)
... def new_files(context):
...     yield RunRequest(run_key="a.csv", run_config={"file": "a.csv"})
...     context.update_cursor("a.csv")
>>> result = new_files.evaluate(SensorEvaluationContext(cursor=None, now=0.0))
>>> [r.run_key for r in result.run_requests], result.cursor
(['a.csv'], 'a.csv')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from daskflow.definitions.names import check_valid_name
from daskflow.errors import DaskflowInvalidDefinitionError

__all__ = [
    "RunRequest",
    "SensorDefinition",
    "SensorEvaluation",
    "SensorEvaluationContext",
    "SkipReason",
    "sensor",
]


@dataclass(frozen=True)
class RunRequest:
    """A run a sensor asks for; one ``run_key`` launches at most one run, ever."""

    run_key: str | None
    run_config: Mapping[str, Any] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SkipReason:
    """Why an evaluation asks for nothing."""

    skip_message: str | None = None


class SensorEvaluationContext:
    """What the sensor function receives: the stored cursor, the evaluation time and the
    time of the previous evaluation; ``update_cursor`` stores a new cursor."""

    def __init__(self, cursor: str | None, now: float, last_tick_time: float | None = None):
        self.cursor = cursor
        self.now = now
        self.last_tick_time = last_tick_time

    def update_cursor(self, cursor: str | None) -> None:
        self.cursor = cursor


@dataclass(frozen=True)
class SensorEvaluation:
    run_requests: list[RunRequest]
    skip_reason: str | None
    cursor: str | None


SensorFn = Callable[[SensorEvaluationContext], Any]


class SensorDefinition:
    """A pipeline launched by what a function finds (files, tables, ...)."""

    def __init__(  # noqa: PLR0913 (Dagster's keyword arguments)
        self,
        name: str,
        pipeline_name: str,
        evaluation_fn: SensorFn,
        minimum_interval_seconds: float = 30,
        mode: str = "default",
        solid_selection: Sequence[str] | None = None,
        description: str | None = None,
    ) -> None:
        self.name = check_valid_name(name, "sensor")
        self.pipeline_name = check_valid_name(pipeline_name, f'sensor "{name}": pipeline_name')
        if not minimum_interval_seconds > 0:
            raise DaskflowInvalidDefinitionError(
                f'sensor "{name}": minimum_interval_seconds must be positive, '
                f"got {minimum_interval_seconds}"
            )
        self.minimum_interval_seconds = float(minimum_interval_seconds)
        self.mode = mode
        self.solid_selection = list(solid_selection) if solid_selection else None
        self.description = description
        self._fn = evaluation_fn

    def evaluate(self, context: SensorEvaluationContext) -> SensorEvaluation:
        """Call the function; its error is raised naming the sensor."""
        try:
            returned = self._fn(context)
            items = list(_as_items(returned))
        except Exception as exc:
            raise DaskflowInvalidDefinitionError(
                f'sensor "{self.name}": its function raised {type(exc).__name__}: {exc}'
            ) from exc
        requests = [item for item in items if isinstance(item, RunRequest)]
        skips = [item for item in items if isinstance(item, SkipReason)]
        others = [item for item in items if not isinstance(item, RunRequest | SkipReason)]
        if others:
            raise DaskflowInvalidDefinitionError(
                f'sensor "{self.name}": expected RunRequest or SkipReason, got {others[0]!r:.80}'
            )
        reason = skips[0].skip_message if skips and not requests else None
        if not requests and reason is None:
            reason = "the sensor asked for no run"
        return SensorEvaluation(requests, reason, context.cursor)

    def __repr__(self) -> str:
        return f"<SensorDefinition {self.name} of {self.pipeline_name}>"


def _as_items(returned: Any) -> Iterable[Any]:
    if returned is None:
        return []
    if isinstance(returned, RunRequest | SkipReason):
        return [returned]
    return list(returned)


def sensor(
    pipeline_name: str,
    name: str | None = None,
    minimum_interval_seconds: float = 30,
    mode: str = "default",
    solid_selection: Sequence[str] | None = None,
    description: str | None = None,
) -> Callable[[SensorFn], SensorDefinition]:
    """``@sensor(pipeline_name=...)`` over a function of the evaluation context."""

    def decorate(fn: SensorFn) -> SensorDefinition:
        return SensorDefinition(
            name or fn.__name__,
            pipeline_name,
            fn,
            minimum_interval_seconds,
            mode,
            solid_selection,
            description or fn.__doc__,
        )

    return decorate
