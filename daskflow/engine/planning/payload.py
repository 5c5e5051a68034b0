"""``RunPayload``: everything a task needs about its run, shipped once per worker.

It is one literal key of the run's graph that every step task depends on, so Dask sends
it to each worker once instead of pickling it into every task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from daskflow.definitions.pipeline import PipelineDefinition
    from daskflow.engine.planning.plan import ExecutionPlan
    from daskflow.resources import ResourceDefinition
    from daskflow.run_config import ResolvedRunConfig

__all__ = ["RunPayload"]


@dataclass
class RunPayload:
    """The run's id, pipeline, mode, resolved config and plan, and where it stores data."""

    run_id: str
    pipeline: PipelineDefinition  # pickled by value for user files, see cli.loader
    mode: str
    resolved: ResolvedRunConfig  # includes secrets, never stored
    plan: ExecutionPlan
    storage_dir: str | None
    resource_keys: tuple[str, ...]
    tags: dict[str, str] = field(default_factory=dict)  # the run's, for context.get_tag

    def __dask_tokenize__(self) -> str:
        # The run id identifies the payload; hashing the whole pipeline costs 0.1-0.3 s.
        return self.run_id

    @property
    def pipeline_name(self) -> str:
        return self.pipeline.name

    @property
    def resource_defs(self) -> dict[str, ResourceDefinition]:
        return self.pipeline.get_mode(self.mode).resource_defs
