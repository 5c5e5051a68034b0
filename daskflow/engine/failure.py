"""What a failed run raises to the user, with no secret in it.

With ``raise_on_error=True``, as in Dagster 0.10 and later, the first failed solid's
exception is re-raised (with a note naming the solid, run and pipeline); a failed type check
raises ``DaskflowTypeCheckDidNotPass`` with its metadata and type; anything else
``DaskflowExecutionError``. An exception that holds a value read through ``{env: ...}``
(in its message, traceback or causes) is never raised as it is: a redacted copy is.
"""

from __future__ import annotations

from collections.abc import Iterator

from daskflow.engine.result import PipelineExecutionResult
from daskflow.engine.run.coordinator import RunCoordinator
from daskflow.engine.run.loggers import logged_events
from daskflow.engine.step.errors import StepError
from daskflow.engine.step.redact import Redactor
from daskflow.errors import (
    DaskflowConfigError,
    DaskflowExecutionError,
    DaskflowTypeCheckDidNotPass,
)
from daskflow.events import DaskflowEventType, EventRecord
from daskflow.metadata import EventMetadataEntry

__all__ = ["for_user", "raise_for_failure", "user_stream"]


def raise_for_failure(result: PipelineExecutionResult) -> None:
    """Raise for a failed run: the user's own exception from the first failed solid
    (with a note naming the solid, run and pipeline), ``DaskflowTypeCheckDidNotPass`` for
    a failed type check, else ``DaskflowExecutionError``."""
    failure = next((e for e in result.events if e.is_step_failure), None)
    if failure is None or failure.step_key is None:
        raise DaskflowExecutionError(
            f'Run {result.run_id} of pipeline "{result.pipeline.name}" did not succeed.',
            run_id=result.run_id,
        )
    name = failure.step_key
    where = f'solid "{name}" in run {result.run_id} of pipeline "{result.pipeline.name}"'
    type_failure = _type_check_failure(result, name)
    if type_failure is not None:
        type_failure.add_note(f"daskflow: the type check failed in {where}")
        raise type_failure
    step = result.step_results.get(name)
    error = None if step is None else step.error
    clean = None if error is None else Redactor(result.secrets).error(error)
    if clean is error and isinstance(error, Exception) and not isinstance(error, StepError):
        error.add_note(f"daskflow: raised by {where}")
        raise error
    # the event's message is already masked; a cause holding a secret is a redacted copy
    raise DaskflowExecutionError(
        f"{failure.message} ({where})", solid_name=name, run_id=result.run_id
    ) from clean


def _type_check_failure(
    result: PipelineExecutionResult, name: str
) -> DaskflowTypeCheckDidNotPass | None:
    """The failed type check of the solid's input or output, if that failed the step."""
    definition = result.pipeline.solid_named(name).definition
    for event in result.events:
        check = event.data.get("type_check") if event.step_key == name else None
        if check is None or check.get("success", True):
            continue
        if event.event_type == DaskflowEventType.STEP_INPUT:
            daskflow_type = definition.input_def_named(event.data["input_name"]).daskflow_type
        else:
            daskflow_type = definition.output_def_named(event.data["output_name"]).daskflow_type
        entries = [EventMetadataEntry.from_dict(e) for e in check.get("metadata_entries", ())]
        return DaskflowTypeCheckDidNotPass(check.get("description"), entries, daskflow_type)
    return None


def for_user(exc: Exception, coordinator: RunCoordinator) -> Exception:
    """``exc``, or when it holds a secret a redacted copy: a ``DaskflowConfigError`` stays
    one (its errors redacted); anything else becomes a ``DaskflowExecutionError`` whose
    cause is a redacted ``RemoteError``."""
    redactor = Redactor(coordinator.payload.resolved.secrets)
    clean = redactor.error(exc)
    if clean is exc:
        return exc
    if isinstance(exc, DaskflowConfigError):
        errors = [redactor.config_error(e) for e in exc.errors]
        return DaskflowConfigError(errors, title=redactor.text(exc.title))
    error = DaskflowExecutionError(
        f"Run {coordinator.run_id} failed: {clean}", run_id=coordinator.run_id
    )
    error.__cause__ = clean
    return error


def user_stream(coordinator: RunCoordinator) -> Iterator[EventRecord]:
    """The run's events (also sent to its loggers); an error reaches the caller redacted."""
    failure: Exception | None = None
    try:
        yield from logged_events(coordinator)
    except Exception as exc:
        failure = exc
    if failure is not None:
        raise for_user(failure, coordinator)  # outside the handler: no secret in __context__
