"""Materializations asked for in run config: a solid's ``outputs:`` block calls the
output type's materializer, as in Dagster 0.9::

    solids:
      clean:
        outputs:
          - result: {csv: {path: clean.csv}}

Each entry names an output and gives its type's materializer config; the materializer
writes the value and returns metadata entries, reported as an ASSET_MATERIALIZATION
event of the step (asset key ``<solid>.<output>``).
"""

from __future__ import annotations

from collections.abc import Mapping

from daskflow.definitions.events import Output
from daskflow.engine.step.errors import StepError
from daskflow.engine.step.step_run import StepRun
from daskflow.events import DaskflowEventType
from daskflow.types import TypeCheckContext

__all__ = ["materialize_outputs"]


def materialize_outputs(run: StepRun, outputs: Mapping[str, Output]) -> None:
    """Run the materializers the step's ``outputs:`` run config asks for."""
    step, emitter = run.step, run.emitter
    requests = run.payload.resolved.solids.get(step.key, {}).get("outputs") or []
    for request in requests:
        for output_name, config in request.items():
            if output_name not in outputs:
                continue
            output_def = step.definition.output_def_named(output_name)
            materializer = output_def.daskflow_type.materializer
            if materializer is None:  # the run-config schema offers no entry for it
                continue
            context = TypeCheckContext(step.key, output_name, resources=run.resources)
            try:
                entries = materializer.materialize(context, config, outputs[output_name].value)
            except Exception as exc:
                raise StepError(
                    f'The materializer of output "{output_name}" of solid "{step.key}" '
                    f"failed: {type(exc).__name__}: {exc}",
                    exc,
                ) from exc
            asset_key = f"{step.key}.{output_name}"
            emitter.emit(
                DaskflowEventType.ASSET_MATERIALIZATION,
                f'Materialized output "{output_name}" as asset "{asset_key}".',
                data={
                    "asset_key": asset_key,
                    "description": f'output "{output_name}" materialized from run config',
                    "partition": None,
                    "metadata_entries": [e.to_dict() for e in entries],
                },
            )
