"""The run-config schema of a pipeline in a mode, assembled from its definitions.

::

    solids:       per solid: config (its config_schema), inputs (unconnected inputs whose
                  type has a loader); per composite: config (with config mapping) or solids
    resources:    per resource the solids use: config
    loggers:      per logger of the mode (default: console): config
    execution:    in_process | threads | dask (see ``daskflow.run_config.execution``)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from daskflow.config import Any as AnyType
from daskflow.config import Array, Field, Shape, config_to_json_schema
from daskflow.definitions.composite import CompositeSolidDefinition
from daskflow.definitions.composition import Invocation
from daskflow.definitions.io_defs import InputDefinition
from daskflow.definitions.mode import ModeDefinition
from daskflow.definitions.pipeline import PipelineDefinition
from daskflow.definitions.solid import SolidDefinition
from daskflow.run_config.execution import DEFAULT_EXECUTION, EXECUTION_SCHEMA

__all__ = [
    "build_run_config_schema",
    "config_inputs",
    "run_config_json_schema",
    "run_config_schema",
    "solids_shape",
    "used_resource_keys",
]

# Per flat solid name, the inputs run config fills; None for a solid outside the selection.
# Per composite handle (``outer.comp``), its unconnected inputs that run config sets.
UnconnectedInputs = dict[str, list[InputDefinition] | None]

# What a solid without a config schema accepts, as in Dagster: any config, or none.
ANY_CONFIG = Field(AnyType, is_required=False)


def run_config_schema(pipeline: PipelineDefinition, mode: str | None = None) -> Shape:
    """The config type that a run config of ``pipeline`` in ``mode`` must match.

    >>> from daskflow.definitions.pipeline import pipeline
    >>> from daskflow.definitions.solid import solid
    >>> @solid(config_schema={"n": int})
    ... def count(context):
    ...     return context.solid_config["n"]
    >>> @pipeline
    ... def counting():
    ...     count()
    >>> sorted(run_config_schema(counting).fields)
    ['execution', 'loggers', 'resources', 'solids']
    """
    return build_run_config_schema(pipeline, pipeline.get_mode(mode))


def run_config_json_schema(pipeline: PipelineDefinition, mode: str | None = None) -> dict[str, Any]:
    """The run-config schema as JSON Schema, for editors that autocomplete YAML."""
    schema = config_to_json_schema(run_config_schema(pipeline, mode))
    schema.setdefault(
        "title", f"Run config of pipeline {pipeline.name} (mode {pipeline.get_mode(mode).name})"
    )
    return schema


def config_inputs(
    pipeline: PipelineDefinition, selected: set[str] | None = None
) -> UnconnectedInputs:
    """Per solid, the inputs that run config must (or may) fill; None for unselected solids.
    Per composite, its unconnected inputs (set at ``solids.<composite>.inputs``).

    With a solid selection (a sub-pipeline), an input whose upstream solids are all
    unselected is filled from config too.
    """
    result: UnconnectedInputs = {}
    for node in pipeline.solids:
        if selected is not None and node.name not in selected:
            result[node.name] = None
            continue
        inputs = [i for i in node.unconnected_inputs() if i.name not in node.config_inputs]
        if selected is not None:
            inputs += [
                i
                for i in node.definition.input_defs
                if i.name in node.inputs
                and not any(ref.node in selected for ref in node.inputs[i.name])
            ]
        result[node.name] = inputs
        for handle, input_name in node.config_inputs.values():
            _add_composite_input(pipeline, result, ".".join(handle), input_name)
    return result


def _add_composite_input(
    pipeline: PipelineDefinition, result: UnconnectedInputs, handle: str, input_name: str
) -> None:
    inv = pipeline.invocation_at(handle)
    if inv is None:
        return
    inputs = result.setdefault(handle, []) or []
    if all(i.name != input_name for i in inputs):
        inputs.append(inv.definition.input_def_named(input_name))
    result[handle] = inputs


def build_run_config_schema(
    pipeline: PipelineDefinition,
    mode: ModeDefinition,
    selected: set[str] | None = None,
    executed: set[str] | None = None,
) -> Shape:
    """The schema of the run config of ``pipeline`` in ``mode``.

    ``selected``: a solid selection; the config describes that sub-pipeline (the blocks of
    unselected solids are optional and take no ``inputs``). ``executed``: the steps a
    re-execution runs; the config is the parent run's (the pipeline, or the sub-pipeline
    ``selected`` it ran), so the blocks of the other solids keep their full schema, inputs
    included, but become optional: they are validated when given, never used.
    """
    fields: dict[str, Field] = {}
    unconnected = config_inputs(pipeline, selected)
    optional = frozenset() if executed is None else frozenset(unconnected) - executed
    solids = solids_shape(pipeline.invocations, (), unconnected, optional)
    if solids.fields:
        fields["solids"] = Field(solids, description="config and inputs of each solid")
    resources = _resources_shape(pipeline, mode)
    if resources.fields:
        fields["resources"] = Field(resources, description=f'resources of mode "{mode.name}"')
    fields["loggers"] = Field(_loggers_shape(mode), is_required=False)
    fields["execution"] = Field(EXECUTION_SCHEMA, default_value=DEFAULT_EXECUTION)
    return Shape(fields, description=f"Run config of pipeline {pipeline.name}")


def solids_shape(
    invocations: list[Invocation],
    prefix: tuple[str, ...],
    unconnected: UnconnectedInputs,
    optional: frozenset[str] = frozenset(),
) -> Shape:
    fields = {}
    for inv in invocations:
        handle = (*prefix, inv.node_name)
        definition = inv.definition
        if isinstance(definition, CompositeSolidDefinition):
            fields[inv.node_name] = _composite_field(definition, handle, unconnected, optional)
        else:
            name = ".".join(handle)
            fields[inv.node_name] = _solid_field(definition, unconnected[name], name in optional)
    return Shape(fields)


def _solid_field(
    definition: SolidDefinition,
    unconnected_inputs: list[InputDefinition] | None,
    optional: bool = False,
) -> Field:
    """The solid's block; optional when the solid is not selected (``None`` inputs) or not
    executed by a re-execution (``optional``)."""
    entries: dict[str, Field] = {"config": definition.config_field or ANY_CONFIG}
    inputs = _inputs_field(unconnected_inputs or ())
    if inputs is not None:
        entries["inputs"] = inputs
    outputs = _outputs_field(definition)
    if outputs is not None:
        entries["outputs"] = outputs
    if unconnected_inputs is None or optional:
        return Field(Shape(entries), is_required=False, description=definition.description)
    return Field(Shape(entries), description=definition.description)


def _inputs_field(unconnected_inputs: Sequence[InputDefinition]) -> Field | None:
    inputs = {}
    for inp in unconnected_inputs:
        if inp.loader is None or inp.is_nothing:
            continue
        inputs[inp.name] = Field(
            inp.loader.config_schema, is_required=not inp.has_default, description=inp.description
        )
    if not inputs:
        return None
    return Field(Shape(inputs), description="unconnected inputs, loaded from config")


def _outputs_field(definition: SolidDefinition) -> Field | None:
    """``outputs: [{<output>: <materializer config>}]`` for outputs whose type has a
    materializer."""
    by_output = {
        o.name: Field(o.daskflow_type.materializer.config_schema, is_required=False)
        for o in definition.output_defs
        if o.daskflow_type.materializer is not None
        and o.daskflow_type.materializer.config_schema is not None
    }
    if not by_output:
        return None
    return Field(
        Array(Shape(by_output)),
        is_required=False,
        description="outputs to materialize, each with its type's materializer config",
    )


def _composite_field(
    definition: CompositeSolidDefinition,
    handle: tuple[str, ...],
    unconnected: UnconnectedInputs,
    optional: frozenset[str] = frozenset(),
) -> Field:
    entries: dict[str, Field] = {}
    if definition.has_config_mapping:
        entries["config"] = definition.config_field or ANY_CONFIG
    else:
        inner = solids_shape(definition.invocations, handle, unconnected, optional)
        entries["solids"] = Field(inner)
    inputs = _inputs_field(unconnected.get(".".join(handle)) or ())
    if inputs is not None:
        entries["inputs"] = inputs
    return Field(Shape(entries), description=definition.description)


def used_resource_keys(pipeline: PipelineDefinition, mode: ModeDefinition) -> list[str]:
    """Resource keys the pipeline's solids need in ``mode``, with their dependencies."""
    needed: set[str] = set()
    for node in pipeline.solids:
        needed |= set(node.definition.required_resource_keys)
        needed |= {o.io_manager_key for o in node.definition.output_defs}
    frontier = [k for k in needed if k in mode.resource_defs]
    while frontier:
        key = frontier.pop()
        for dep in mode.resource_defs[key].required_resource_keys:
            if dep not in needed:
                needed.add(dep)
                frontier.append(dep)
    return sorted(k for k in needed if k in mode.resource_defs)


def _resources_shape(pipeline: PipelineDefinition, mode: ModeDefinition) -> Shape:
    """Every resource of the mode is configurable; config is required only for those the
    pipeline uses (and only when their schema requires it)."""
    used = set(used_resource_keys(pipeline, mode))
    fields = {}
    for key, definition in sorted(mode.resource_defs.items()):
        config = definition.config_field or ANY_CONFIG
        fields[key] = Field(
            Shape({"config": config}),
            is_required=None if key in used else False,
            description=definition.description,
        )
    return Shape(fields)


def _loggers_shape(mode: ModeDefinition) -> Shape:
    """Each logger of the mode, turned on by giving its block."""
    return Shape(
        {
            key: Field(
                Shape({"config": definition.config_field or ANY_CONFIG}),
                is_required=False,
                description=definition.description,
            )
            for key, definition in sorted(mode.logger_defs.items())
        }
    )
