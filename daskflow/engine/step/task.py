"""The task that runs one step: inputs, the solid, type checks, outputs, events.

``run_step(payload, step_key, *upstream_results)`` is what each step's Dask task calls.
It never raises for a user error: it emits STEP_FAILURE and returns a failed
``StepResult``, so downstream steps skip and independent branches finish.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from daskflow.engine.process.cancel import is_canceled
from daskflow.engine.step import step_io
from daskflow.engine.step.context import SolidExecutionContext
from daskflow.engine.step.emitter import StepEmitter
from daskflow.engine.step.errors import StepError, error_data, picklable
from daskflow.engine.step.invoke import run_compute_with_retries
from daskflow.engine.step.materialize import materialize_outputs
from daskflow.events import DaskflowEventType

__all__ = ["StepResult", "run_step"]

SUCCESS, FAILURE, SKIPPED, CANCELED = "success", "failure", "skipped", "canceled"


@dataclass
class StepResult:
    """What a step's task returns (small: values only for in-memory IO managers)."""

    step_key: str
    status: str
    events_sent: int
    values: dict[str, Any] = field(default_factory=dict)  # carried in the graph
    stored: dict[str, str] = field(default_factory=dict)  # output -> io_manager_key
    error: BaseException | None = None
    duration: float = 0.0

    @property
    def success(self) -> bool:
        return self.status == SUCCESS

    def has_output(self, name: str) -> bool:
        return name in self.values or name in self.stored


def run_step(payload: Any, step_key: str, *upstream: StepResult) -> StepResult:
    step = payload.plan.steps[step_key]
    emitter = StepEmitter(payload.run_id, payload.pipeline_name, step_key, payload.resolved.secrets)
    by_key = {r.step_key: r for r in upstream}
    blocked = _blocked_reason(payload.run_id, step, by_key)
    if blocked is not None:
        status, message = blocked
        emitter.emit(
            DaskflowEventType.STEP_SKIPPED,
            message,
            level=logging.WARNING if status == CANCELED else logging.INFO,
        )
        return StepResult(step_key, status, emitter.sent)
    start = time.perf_counter()
    try:
        result = _execute(payload, step, by_key, emitter)
    except StepError as exc:
        emitter.failure(exc.message, error_data(exc.user_error or exc))
        return StepResult(
            step_key,
            FAILURE,
            emitter.sent,
            error=picklable(exc.user_error or exc),
            duration=time.perf_counter() - start,
        )
    result.duration = time.perf_counter() - start
    emitter.emit(
        DaskflowEventType.STEP_SUCCESS,
        f'Finished step "{step_key}" in {result.duration * 1000:.1f} ms.',
        data={"duration_ms": result.duration * 1000},
    )
    result.events_sent = emitter.sent
    return result


def _blocked_reason(
    run_id: str, step: Any, by_key: dict[str, StepResult]
) -> tuple[str, str] | None:
    if is_canceled(run_id):
        return CANCELED, f'Skipped step "{step.key}": the run was canceled.'
    failed = [k for k, r in by_key.items() if not r.success]
    if failed:
        return SKIPPED, (
            f'Skipped step "{step.key}": upstream step(s) {", ".join(failed)} did not succeed.'
        )
    for inp in step.inputs:
        for ref in inp.refs:
            up = by_key.get(ref.node)
            if up is not None and not up.has_output(ref.output) and inp.source != "nothing":
                return SKIPPED, (
                    f'Skipped step "{step.key}": upstream output "{ref}" was not produced.'
                )
    return None


def _execute(
    payload: Any, step: Any, by_key: dict[str, StepResult], emitter: StepEmitter
) -> StepResult:
    definition = step.definition
    resources = step_io.step_resources(payload, step)
    emitter.emit(DaskflowEventType.STEP_START, f'Started execution of step "{step.key}".')
    inputs = step_io.load_inputs(payload, step, by_key, resources, emitter)
    solid_resources = step_io.only_resources(resources, definition.required_resource_keys)
    context = SolidExecutionContext(
        payload.run_id,
        payload.pipeline_name,
        step.key,
        definition,
        payload.resolved.solid_config(step.key),
        solid_resources,
        emitter,
        payload.mode,
    )
    outputs = run_compute_with_retries(context, step, inputs, emitter)
    result = StepResult(step.key, SUCCESS, emitter.sent)
    step_io.handle_outputs(payload, step, outputs, resources, emitter, result)
    materialize_outputs(payload, step, outputs, resources, emitter)
    return result
