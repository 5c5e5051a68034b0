"""The task that runs one step: inputs, the solid, type checks, outputs, events.

``run_step(payload, step_key, *upstream_results)`` is what each step's Dask task calls.
It never raises for a user error: it emits STEP_FAILURE and returns a failed
``StepResult``, so downstream steps skip and independent branches finish.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING

import dask
from dask.base import is_dask_collection

from daskflow.engine.process.cancel import is_canceled
from daskflow.engine.step import step_io
from daskflow.engine.step.emitter import StepEmitter
from daskflow.engine.step.errors import StepError
from daskflow.engine.step.invoke import run_compute_with_retries
from daskflow.engine.step.materialize import materialize_outputs
from daskflow.engine.step.outcome import (
    StepResult,
    blocked_reason,
    fail_step,
    skip_step,
)
from daskflow.engine.step.scheduling import scheduler_get, scheduler_kind, shuffle_method
from daskflow.engine.step.step_run import StepRun
from daskflow.events import DaskflowEventType, StepStatus

if TYPE_CHECKING:
    from daskflow.definitions.events import Output
    from daskflow.engine.planning.payload import RunPayload

__all__ = ["StepResult", "run_step"]


def run_step(payload: RunPayload, step_key: str, *upstream: StepResult) -> StepResult:
    step = payload.plan.steps[step_key]
    emitter = StepEmitter(payload.run_id, payload.pipeline_name, step_key, payload.resolved.secrets)
    by_key = {r.step_key: r for r in upstream}
    blocked = blocked_reason(step_key, step.inputs, by_key, is_canceled(payload.run_id))
    if blocked is not None:
        return skip_step(step_key, emitter, blocked)
    start = time.perf_counter()
    try:
        run = StepRun.open(payload, step, emitter, by_key)
        emitter.emit(DaskflowEventType.STEP_START, f'Started execution of step "{step_key}".')
        outputs = _computed(run, run_compute_with_retries(run, step_io.load_inputs(run)))
        result = StepResult(step_key, StepStatus.SUCCESS, emitter.sent)
        step_io.handle_outputs(run, outputs, result)
        materialize_outputs(run, outputs)
    except StepError as exc:
        return fail_step(step_key, emitter, exc, time.perf_counter() - start)
    result.duration = time.perf_counter() - start
    emitter.emit(
        DaskflowEventType.STEP_SUCCESS,
        f'Finished step "{step_key}" in {result.duration * 1000:.1f} ms.',
        data={"duration_ms": result.duration * 1000},
    )
    result.events_sent = emitter.sent
    return result


def _computed(run: StepRun, outputs: dict[str, Output]) -> dict[str, Output]:
    """Outputs whose type wants a value (``-> int``) but that the solid returned lazy (a
    ``Delayed``, a Dask collection): computed here, on the run's scheduler. Untyped outputs
    stay as returned (a Dask frame handed on as it is)."""
    lazy = {
        name: output
        for name, output in outputs.items()
        if is_dask_collection(output.value)
        and run.definition.output_def_named(name).daskflow_type.python_type is not None
    }
    if not lazy:
        return outputs
    execution = run.payload.resolved.execution
    try:
        with scheduler_get(scheduler_kind(execution), shuffle_method(execution)) as get:
            values = dask.compute(*(o.value for o in lazy.values()), scheduler=get)
    except Exception as exc:
        raise StepError(
            f"Computing the Dask value returned for output(s) {', '.join(lazy)} of solid "
            f'"{run.key}" failed: {type(exc).__name__}: {exc}',
            exc,
        ) from exc
    computed = {
        name: replace(o, value=v) for (name, o), v in zip(lazy.items(), values, strict=True)
    }
    return {**outputs, **computed}
