"""``@repository``: a named collection of pipelines, schedules, partition sets and sensors
that tools (CLI, UI, daemon) load by name. Every schedule, partition set and sensor must
target one of the repository's pipelines (checked here, at load time).

>>> from daskflow.definitions.pipeline import PipelineDefinition
>>> repo = RepositoryDefinition("demo", [])
>>> repo.pipeline_names, repo.schedule_names
([], [])
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from daskflow.definitions.names import check_valid_name
from daskflow.definitions.operate import (
    PartitionSetDefinition,
    ScheduleDefinition,
    SensorDefinition,
)
from daskflow.definitions.operate.time_partitions import PartitionScheduleDefinition
from daskflow.definitions.pipeline import PipelineDefinition
from daskflow.errors import DaskflowInvalidDefinitionError

__all__ = ["RepositoryDefinition", "repository"]

Definition = PipelineDefinition | ScheduleDefinition | PartitionSetDefinition | SensorDefinition
_KINDS: tuple[tuple[type[Any], str], ...] = (
    (PipelineDefinition, "pipeline"),
    (ScheduleDefinition, "schedule"),
    (PartitionSetDefinition, "partition set"),
    (SensorDefinition, "sensor"),
)
D = TypeVar("D")


class RepositoryDefinition:
    """Pipelines, schedules, partition sets and sensors, each by its unique name."""

    def __init__(
        self, name: str, definitions: Sequence[Definition], description: str | None = None
    ):
        self.name = check_valid_name(name, "repository")
        self.description = description
        self._by_kind: dict[str, dict[str, Any]] = {kind: {} for _, kind in _KINDS}
        for definition in definitions:
            self._add(definition)
            if isinstance(definition, PartitionScheduleDefinition):
                self._add(definition.partition_set)
        for kind in ("schedule", "partition set", "sensor"):
            for item in self._by_kind[kind].values():
                self._check_pipeline(kind, item.name, item.pipeline_name)

    def _add(self, definition: Any) -> None:
        kind = next((k for cls, k in _KINDS if isinstance(definition, cls)), None)
        if kind is None:
            raise DaskflowInvalidDefinitionError(
                f'repository "{self.name}" holds pipelines, schedules, partition sets and '
                f"sensors only, got {definition!r:.60}"
            )
        if definition.name in self._by_kind[kind]:
            raise DaskflowInvalidDefinitionError(
                f'repository "{self.name}" has two {kind}s named "{definition.name}"'
            )
        self._by_kind[kind][definition.name] = definition

    def _check_pipeline(self, kind: str, name: str, pipeline_name: str) -> None:
        if pipeline_name not in self._by_kind["pipeline"]:
            raise DaskflowInvalidDefinitionError(
                f'repository "{self.name}": {kind} "{name}" targets unknown pipeline '
                f'"{pipeline_name}"; pipelines: {", ".join(self.pipeline_names) or "none"}'
            )

    def _get(self, kind: str, name: str) -> Any:
        found = self._by_kind[kind]
        if name not in found:
            raise DaskflowInvalidDefinitionError(
                f'repository "{self.name}" has no {kind} "{name}"; {kind}s: '
                f"{', '.join(sorted(found)) or 'none'}"
            )
        return found[name]

    @property
    def pipeline_names(self) -> list[str]:
        return sorted(self._by_kind["pipeline"])

    @property
    def schedule_names(self) -> list[str]:
        return sorted(self._by_kind["schedule"])

    def get_all_pipelines(self) -> list[PipelineDefinition]:
        return [self._by_kind["pipeline"][n] for n in self.pipeline_names]

    def get_pipeline(self, name: str) -> PipelineDefinition:
        return self._get("pipeline", name)

    def has_pipeline(self, name: str) -> bool:
        return name in self._by_kind["pipeline"]

    def get_all_schedules(self) -> list[ScheduleDefinition]:
        return _sorted(self._by_kind["schedule"])

    def get_schedule(self, name: str) -> ScheduleDefinition:
        return self._get("schedule", name)

    def get_all_partition_sets(self) -> list[PartitionSetDefinition]:
        return _sorted(self._by_kind["partition set"])

    def get_partition_set(self, name: str) -> PartitionSetDefinition:
        return self._get("partition set", name)

    def get_all_sensors(self) -> list[SensorDefinition]:
        return _sorted(self._by_kind["sensor"])

    def get_sensor(self, name: str) -> SensorDefinition:
        return self._get("sensor", name)


def _sorted(found: Mapping[str, D]) -> list[D]:
    return [found[name] for name in sorted(found)]


def _flatten(returned: Any) -> list[Any]:
    if not isinstance(returned, Mapping):
        return list(returned or [])
    items: list[Any] = []
    for key in ("pipelines", "schedules", "partition_sets", "sensors"):
        value = returned.get(key) or {}
        items.extend(value.values() if isinstance(value, Mapping) else value)
    return items


def repository(
    fn: Callable[[], Any] | None = None, *, name: str | None = None, description: str | None = None
) -> Any:
    """``@repository`` over a function returning a list of definitions (or
    ``{"pipelines": {...}, "schedules": [...], "partition_sets": [...], "sensors": [...]}``)."""

    def decorate(body: Callable[[], Any]) -> RepositoryDefinition:
        return RepositoryDefinition(
            name or body.__name__, _flatten(body()), description or inspect.getdoc(body)
        )

    return decorate(fn) if fn is not None else decorate
