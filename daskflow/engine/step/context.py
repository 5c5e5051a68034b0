"""What a running solid sees: ``context.solid_config``, ``context.resources``, ``context.log``.

``context.log`` turns each call into a LOG event (any level) sent to the coordinator;
values read from environment variables through config are redacted from messages.
"""

from __future__ import annotations

import logging
from typing import Any

from daskflow.engine.step.emitter import StepEmitter
from daskflow.engine.step.step_io import only_resources
from daskflow.engine.step.step_run import StepRun
from daskflow.events import DaskflowEventType

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

    def __repr__(self) -> str:
        return f"<SolidExecutionContext run={self.run_id} solid={self.solid_name}>"
