"""Calling the user's solid function: normalising what it returns or yields, and retries.

A returned value is the output ``result``; a generator yields ``Output``s and user events
(``AssetMaterialization``, ``ExpectationResult``), which are emitted as they come.
``RetryRequested`` and a solid's ``RetryPolicy`` re-run the function in the same task.
"""

from __future__ import annotations

import inspect
import logging
import time
from typing import Any

from daskflow.definitions.events import (
    AssetMaterialization,
    ExpectationResult,
    Failure,
    Output,
    RetryPolicy,
    RetryRequested,
)
from daskflow.engine.step.context import SolidExecutionContext
from daskflow.engine.step.errors import StepError, error_data
from daskflow.engine.step.step_run import StepRun
from daskflow.events import DaskflowEventType

__all__ = ["run_compute_with_retries"]


def run_compute_with_retries(run: StepRun, inputs: dict[str, Any]) -> dict[str, Output]:
    """Call the solid on ``inputs`` (retrying as it asks) and return its outputs by name."""
    context = SolidExecutionContext(run)
    policy = run.definition.retry_policy
    attempt = 0
    while True:
        context.retry_number = attempt
        try:
            return _run_compute(context, run, inputs)
        except StepError:
            raise
        except Exception as exc:
            wait = _retry_wait(exc, policy, attempt)
            if wait is None:
                raise _as_step_error(run.key, exc) from exc
            attempt += 1
            run.emitter.emit(
                DaskflowEventType.STEP_UP_FOR_RETRY,
                f'Step "{run.key}" failed ({type(exc).__name__}: {exc}); retry '
                f"{attempt} in {wait:g} s.",
                level=logging.WARNING,
                data={"attempt": attempt, "wait_seconds": wait, "error": error_data(exc)},
            )
            time.sleep(wait)


def _retry_wait(exc: Exception, policy: RetryPolicy | None, attempt: int) -> float | None:
    """Seconds to wait before the next attempt, or None when no retry is left."""
    if isinstance(exc, RetryRequested):
        return exc.seconds_to_wait if attempt < exc.max_retries else None
    if policy is not None and attempt < policy.max_retries:
        return policy.delay_for_attempt(attempt + 1)
    return None


def _as_step_error(step_key: str, exc: Exception) -> StepError:
    if isinstance(exc, Failure):
        return StepError(f'Step "{step_key}" failed: {exc.description}', exc, exc.metadata_entries)
    if isinstance(exc, RetryRequested):
        return StepError(
            f'Step "{step_key}" failed after exhausting its {exc.max_retries} requested retries.',
            exc,
        )
    return StepError(f'Error in solid "{step_key}": {type(exc).__name__}: {exc}', exc)


def _run_compute(
    context: SolidExecutionContext, run: StepRun, inputs: dict[str, Any]
) -> dict[str, Output]:
    definition = run.definition
    args = (context,) if definition.has_context_arg else ()
    returned = definition.compute_fn(*args, **inputs)
    outputs: dict[str, Output] = {}
    if inspect.isgenerator(returned):
        for item in returned:
            _take(item, run, outputs)
    elif isinstance(returned, Output):
        _take(returned, run, outputs)
    elif definition.output_defs:
        if len(definition.output_defs) > 1:
            raise StepError(
                f'Solid "{run.key}" has several outputs '
                f"({', '.join(o.name for o in definition.output_defs)}) but returned "
                "a plain value: yield Output(value, output_name) for each"
            )
        _take(Output(returned, definition.output_defs[0].name), run, outputs)
    missing = [o.name for o in definition.output_defs if o.is_required and o.name not in outputs]
    if missing:
        raise StepError(
            f'Solid "{run.key}" did not yield its required output(s) {", ".join(missing)}'
        )
    return outputs


def _take(item: Any, run: StepRun, outputs: dict[str, Output]) -> None:
    emitter = run.emitter
    if isinstance(item, Output):
        names = [o.name for o in run.definition.output_defs]
        if item.output_name not in names:
            raise StepError(
                f'Solid "{run.key}" yielded an Output named "{item.output_name}" '
                f"but declares: {', '.join(names) or 'no outputs'}"
            )
        if item.output_name in outputs:
            raise StepError(f'Solid "{run.key}" yielded output "{item.output_name}" twice')
        outputs[item.output_name] = item
    elif isinstance(item, AssetMaterialization):
        emitter.emit(
            DaskflowEventType.ASSET_MATERIALIZATION,
            f'Materialized asset "{item.asset_key}".',
            data={
                "asset_key": item.asset_key.to_string(),
                "description": item.description,
                "partition": item.partition,
                "metadata_entries": [e.to_dict() for e in item.metadata_entries],
            },
        )
    elif isinstance(item, ExpectationResult):
        emitter.emit(
            DaskflowEventType.STEP_EXPECTATION_RESULT,
            f'Expectation "{item.label}" {"passed" if item.success else "failed"}.',
            level=logging.INFO if item.success else logging.WARNING,
            data={
                "success": item.success,
                "label": item.label,
                "description": item.description,
                "metadata_entries": [e.to_dict() for e in item.metadata_entries],
            },
        )
    else:
        raise StepError(
            f'Solid "{run.key}" yielded {type(item).__name__} {item!r:.60}; a '
            "solid yields Output, AssetMaterialization or ExpectationResult"
        )
