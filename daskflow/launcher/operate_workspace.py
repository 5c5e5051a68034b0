"""What the daemon operates: the repositories of some code locations, with each pipeline's
origin (for the processes runs are launched in) and every schedule, sensor and partition set.

Names must be unique across locations. Top-level definitions of a module count too, and a
schedule, sensor or partition set must target a pipeline of the workspace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from daskflow.definitions.operate import (
    PartitionSetDefinition,
    ScheduleDefinition,
    SensorDefinition,
)
from daskflow.definitions.operate.time_partitions import PartitionScheduleDefinition
from daskflow.definitions.pipeline import PipelineDefinition
from daskflow.definitions.repository import RepositoryDefinition
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.launcher.loading import import_location
from daskflow.launcher.origin import CodeLocation, PipelineOrigin

__all__ = ["OperateWorkspace"]

T = TypeVar("T")


@dataclass
class OperateWorkspace:
    """Pipelines (with origins), schedules, sensors and partition sets, by name."""

    pipelines: dict[str, tuple[PipelineDefinition, CodeLocation]] = field(default_factory=dict)
    schedules: dict[str, ScheduleDefinition] = field(default_factory=dict)
    sensors: dict[str, SensorDefinition] = field(default_factory=dict)
    partition_sets: dict[str, PartitionSetDefinition] = field(default_factory=dict)

    @staticmethod
    def load(locations: list[CodeLocation]) -> OperateWorkspace:
        """Import every location (``DaskflowLoadError`` names one that fails)."""
        workspace = OperateWorkspace()
        for location in locations:
            module = import_location(location)
            for value in vars(module).values():
                if isinstance(value, RepositoryDefinition):
                    workspace.add_repository(value, location)
        workspace.check()
        return workspace

    @staticmethod
    def of(repository: RepositoryDefinition, location: CodeLocation) -> OperateWorkspace:
        workspace = OperateWorkspace()
        workspace.add_repository(repository, location)
        workspace.check()
        return workspace

    def add_repository(self, repository: RepositoryDefinition, location: CodeLocation) -> None:
        for pipeline in repository.get_all_pipelines():
            self._put(self.pipelines, "pipeline", pipeline.name, (pipeline, location))
        for schedule in repository.get_all_schedules():
            self._put(self.schedules, "schedule", schedule.name, schedule)
            if isinstance(schedule, PartitionScheduleDefinition):
                self.partition_sets[schedule.partition_set.name] = schedule.partition_set
        for partition_set in repository.get_all_partition_sets():
            self.partition_sets[partition_set.name] = partition_set
        for sensor in repository.get_all_sensors():
            self._put(self.sensors, "sensor", sensor.name, sensor)

    @staticmethod
    def _put(found: dict[str, T], kind: str, name: str, value: T) -> None:
        if name in found and found[name] is not value:
            raise DaskflowInvalidDefinitionError(f'two {kind}s named "{name}" in the workspace')
        found[name] = value

    def check(self) -> None:
        targets: list[ScheduleDefinition | SensorDefinition | PartitionSetDefinition] = [
            *self.schedules.values(),
            *self.sensors.values(),
            *self.partition_sets.values(),
        ]
        for target in targets:
            if target.pipeline_name not in self.pipelines:
                raise DaskflowInvalidDefinitionError(
                    f'{type(target).__name__} "{target.name}" targets unknown pipeline '
                    f'"{target.pipeline_name}"'
                )

    def pipeline(self, name: str) -> PipelineDefinition:
        return self.pipelines[name][0]

    def origin(self, pipeline_name: str) -> PipelineOrigin:
        location = self.pipelines[pipeline_name][1]
        return PipelineOrigin(
            location.kind, location.target, location.working_directory, pipeline_name
        )

    def schedule(self, name: str) -> ScheduleDefinition:
        return _named(self.schedules, "schedule", name)

    def sensor(self, name: str) -> SensorDefinition:
        return _named(self.sensors, "sensor", name)

    def partition_set(self, name: str) -> PartitionSetDefinition:
        return _named(self.partition_sets, "partition set", name)


def _named(found: dict[str, T], kind: str, name: str) -> T:
    if name not in found:
        raise DaskflowInvalidDefinitionError(
            f'no {kind} "{name}" in the workspace; {kind}s: {", ".join(sorted(found)) or "none"}'
        )
    return found[name]
