"""What ``raise_on_error=True`` raises for a failed run: the user's own exception.

As in Dagster 0.10 and later, the first failed solid's exception is re-raised (with a note
naming the solid, run and pipeline); a failed type check raises
``DaskflowTypeCheckDidNotPass`` with its metadata and type; anything else
``DaskflowExecutionError``.
"""

from __future__ import annotations

from daskflow.engine.result import PipelineExecutionResult
from daskflow.engine.step.errors import StepError
from daskflow.errors import DaskflowExecutionError, DaskflowTypeCheckDidNotPass
from daskflow.events import DaskflowEventType
from daskflow.metadata import EventMetadataEntry

__all__ = ["raise_for_failure"]


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
    if isinstance(error, Exception) and not isinstance(error, StepError):
        error.add_note(f"daskflow: raised by {where}")
        raise error
    raise DaskflowExecutionError(
        f"{failure.message} ({where})", solid_name=name, run_id=result.run_id
    ) from error


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
