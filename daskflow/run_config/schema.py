"""The run-config schema of a pipeline in a mode, assembled from its definitions.

::

    solids:       per solid: config (its config_schema), inputs (unconnected inputs whose
                  type has a loader); per composite: config (with config mapping) or solids
    resources:    per resource the solids use: config
    loggers:      console: {config: {log_level}}
    execution:    in_process | threads | dask (see ``daskflow.run_config.execution``)
"""

from __future__ import annotations

from typing import Any

from daskflow.config import Any as AnyType
from daskflow.config import Field, Shape, config_to_json_schema
from daskflow.definitions.composite import CompositeSolidDefinition
from daskflow.definitions.composition import Invocation
from daskflow.definitions.io_defs import InputDefinition
from daskflow.definitions.mode import ModeDefinition
from daskflow.definitions.pipeline import PipelineDefinition
from daskflow.definitions.solid import SolidDefinition
from daskflow.run_config.execution import DEFAULT_EXECUTION, EXECUTION_SCHEMA, LOGGERS_SCHEMA

__all__ = [
    "build_run_config_schema",
    "config_inputs",
    "run_config_json_schema",
    "run_config_schema",
    "solids_shape",
    "used_resource_keys",
]

# Per flat solid name, the inputs run config fills; None for a solid outside the selection.
UnconnectedInputs = dict[str, list[InputDefinition] | None]


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

    With a solid selection (a sub-pipeline), an input whose upstream solids are all
    unselected is filled from config too.
    """
    result: UnconnectedInputs = {}
    for node in pipeline.solids:
        if selected is not None and node.name not in selected:
            result[node.name] = None
            continue
        inputs = node.unconnected_inputs()
        if selected is not None:
            inputs += [
                i
                for i in node.definition.input_defs
                if i.name in node.inputs
                and not any(ref.node in selected for ref in node.inputs[i.name])
            ]
        result[node.name] = inputs
    return result


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
    fields["loggers"] = Field(LOGGERS_SCHEMA, is_required=False)
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
    entries: dict[str, Field] = {}
    if definition.config_field is not None:
        entries["config"] = definition.config_field
    inputs = {}
    for inp in unconnected_inputs or ():
        if inp.loader is None or inp.is_nothing:
            continue
        inputs[inp.name] = Field(
            inp.loader.config_schema, is_required=not inp.has_default, description=inp.description
        )
    if inputs:
        entries["inputs"] = Field(
            Shape(inputs), description="the solid's unconnected inputs, loaded from config"
        )
    if unconnected_inputs is None or optional:
        return Field(Shape(entries), is_required=False, description=definition.description)
    return Field(Shape(entries), description=definition.description)


def _composite_field(
    definition: CompositeSolidDefinition,
    handle: tuple[str, ...],
    unconnected: UnconnectedInputs,
    optional: frozenset[str] = frozenset(),
) -> Field:
    if definition.config_field is not None:
        return Field(Shape({"config": definition.config_field}), description=definition.description)
    inner = solids_shape(definition.invocations, handle, unconnected, optional)
    return Field(Shape({"solids": Field(inner)}), description=definition.description)


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
    fields = {}
    for key in used_resource_keys(pipeline, mode):
        definition = mode.resource_defs[key]
        if definition.config_field is None:
            fields[key] = Field(
                {"config": Field(AnyType, is_required=False)},
                is_required=False,
                description=definition.description,
            )
        else:
            fields[key] = Field(
                Shape({"config": definition.config_field}), description=definition.description
            )
    return Shape(fields)
