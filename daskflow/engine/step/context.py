"""What a running solid sees: ``context.solid_config``, ``context.resources``, ``context.log``,
and, as in Dagster, the pipeline, mode, solid, run config (as given: ``{env: ...}`` sources,
never their values) and the run's tags.

``context.log`` turns each call into a LOG event (any level) sent to the coordinator;
values read from environment variables through config are redacted from messages.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from daskflow.engine.step.emitter import StepEmitter
from daskflow.engine.step.step_io import only_resources
from daskflow.engine.step.step_run import StepRun
from daskflow.events import DaskflowEventType

if TYPE_CHECKING:
    from daskflow.definitions.graph import SolidNode
    from daskflow.definitions.mode import ModeDefinition
    from daskflow.definitions.pipeline import PipelineDefinition

__all__ = ["SolidExecutionContext", "StepLogger"]


class StepLogger:
    """A logger whose records become LOG events of the step."""

    def __init__(self, emitter: StepEmitter):
        self._emitter = emitter

    def log(self, level: int, msg: Any, *args: Any) -> None:
        text = str(msg) % args if args else str(msg)
        self._emitter.emit(DaskflowEventType.LOG, text, level=level)

    def debug(self, msg: Any, *args: Any) -> None:
        self.log(logging.DEBUG, msg, *args)

    def info(self, msg: Any, *args: Any) -> None:
        self.log(logging.INFO, msg, *args)

    def warning(self, msg: Any, *args: Any) -> None:
        self.log(logging.WARNING, msg, *args)

    warn = warning

    def error(self, msg: Any, *args: Any) -> None:
        self.log(logging.ERROR, msg, *args)

    def critical(self, msg: Any, *args: Any) -> None:
        self.log(logging.CRITICAL, msg, *args)

    def exception(self, msg: Any, *args: Any) -> None:
        self.log(logging.ERROR, msg, *args)


class SolidExecutionContext:
    """The first argument of a solid's function."""

    def __init__(self, run: StepRun, retry_number: int = 0):
        definition = run.definition
        self._payload = run.payload
        self.run_id = run.payload.run_id
        self.pipeline_name = run.payload.pipeline_name
        self.solid_name = run.key
        self.solid_def = definition
        self.solid_config = run.payload.resolved.solid_config(run.key)
        self.resources = only_resources(run.resources, definition.required_resource_keys)
        self.log = StepLogger(run.emitter)
        self.mode = run.payload.mode
        self.retry_number = retry_number

    @property
    def step_key(self) -> str:
        return self.solid_name

    @property
    def pipeline_def(self) -> PipelineDefinition:
        return self._payload.pipeline

    @property
    def mode_def(self) -> ModeDefinition:
        return self._payload.pipeline.get_mode(self.mode)

    @property
    def solid(self) -> SolidNode:
        """The solid in the pipeline (``comp.inner`` for one inside a composite)."""
        return self._payload.pipeline.solid_named(self.solid_name)

    @property
    def run_config(self) -> dict[str, Any]:
        """The run config as given (values read through ``{env: ...}`` are not in it)."""
        return self._payload.resolved.raw

    @property
    def tags(self) -> dict[str, str]:
        """The run's tags (pipeline, preset and ``execute_pipeline(tags=...)``)."""
        return dict(self._payload.tags)

    def has_tag(self, key: str) -> bool:
        return key in self._payload.tags

    def get_tag(self, key: str) -> str | None:
        return self._payload.tags.get(key)

    def __repr__(self) -> str:
        return f"<SolidExecutionContext run={self.run_id} solid={self.solid_name}>"
