"""What the pipeline pages show of a definition, as plain data: the graph (nodes and
edges) for the DAG, and per solid its description, inputs and outputs with types (a
``dataframe_type``'s columns and rules), config fields with defaults and descriptions, and
required resources; per mode its resources and their config.

>>> from daskflow import pipeline, solid
>>> @solid
... def one(_) -> int:
...     return 1
>>> @solid
... def plus(_, a: int) -> int:
...     return a + 1
>>> @pipeline
... def adds():
...     plus(one())
>>> pipeline_graph(adds)["edges"]
[{'source': 'one', 'target': 'plus', 'output': 'result', 'input': 'a'}]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from daskflow.config import Field, describe_config_type
from daskflow.config._types import FieldsType, Selector
from daskflow.definitions.graph import SolidNode
from daskflow.definitions.pipeline import PipelineDefinition
from daskflow.types import DataFrameSchemaType

__all__ = [
    "ColumnInfo",
    "ConfigRow",
    "IOInfo",
    "SolidInfo",
    "config_rows",
    "pipeline_graph",
    "solid_info",
]

_MAX_DEPTH = 5


@dataclass(frozen=True)
class ConfigRow:
    """One config field, flattened: ``path`` is dotted below the block it belongs to."""

    path: str
    depth: int
    type_name: str
    required: bool
    default: str | None
    description: str | None


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    dtype: str
    rules: str
    description: str | None


@dataclass
class IOInfo:
    """An input or output: its type, where an input comes from, a frame's columns."""

    name: str
    type_name: str
    description: str | None
    source: str | None = None
    columns: list[ColumnInfo] = field(default_factory=list)


@dataclass
class SolidInfo:
    name: str
    definition_name: str
    description: str | None
    inputs: list[IOInfo]
    outputs: list[IOInfo]
    config: list[ConfigRow]
    resources: list[str]
    upstream: list[str]
    downstream: list[str]


def pipeline_graph(pipeline: PipelineDefinition) -> dict[str, Any]:
    """Nodes (in execution order) and edges ``source.output -> target.input``."""
    nodes = [
        {
            "name": node.name,
            "solid": node.definition.name,
            "inputs": [i.name for i in node.definition.input_defs],
            "outputs": [o.name for o in node.definition.output_defs],
        }
        for node in pipeline.solids
    ]
    edges = [
        {"source": ref.node, "target": node.name, "output": ref.output, "input": input_name}
        for node in pipeline.solids
        for input_name, refs in node.inputs.items()
        for ref in refs
    ]
    return {"nodes": nodes, "edges": edges}


def _rules(column: Any) -> str:
    parts = []
    if not column.nullable:
        parts.append("not null")
    if column.min_value is not None:
        parts.append(f">= {column.min_value}")
    if column.max_value is not None:
        parts.append(f"<= {column.max_value}")
    if column.allowed_values is not None:
        parts.append("in {" + ", ".join(map(str, column.allowed_values)) + "}")
    if column.unique:
        parts.append("unique")
    return ", ".join(parts)


def _columns(daskflow_type: Any) -> list[ColumnInfo]:
    if not isinstance(daskflow_type, DataFrameSchemaType):
        return []
    return [
        ColumnInfo(
            name,
            column.dtype_rule.label if column.dtype_rule is not None else "any",
            _rules(column),
            column.description,
        )
        for name, column in daskflow_type.schema.columns.items()
    ]


def _input_source(node: SolidNode, inp: Any) -> str:
    refs = node.inputs.get(inp.name)
    if refs:
        return "from " + ", ".join(str(r) for r in refs)
    if inp.loader is not None and not inp.is_nothing:
        return f"run config solids.{node.name}.inputs.{inp.name}"
    if inp.has_default:
        return f"default {inp.default_value!r}"
    return "nothing (ordering only)"


def solid_info(pipeline: PipelineDefinition, node: SolidNode) -> SolidInfo:
    definition = node.definition
    inputs = [
        IOInfo(
            inp.name,
            inp.daskflow_type.display_name,
            inp.description,
            _input_source(node, inp),
            _columns(inp.daskflow_type),
        )
        for inp in definition.input_defs
    ]
    outputs = [
        IOInfo(
            out.name,
            out.daskflow_type.display_name,
            out.description,
            None,
            _columns(out.daskflow_type),
        )
        for out in definition.output_defs
    ]
    return SolidInfo(
        node.name,
        definition.name,
        definition.description,
        inputs,
        outputs,
        config_rows(definition.config_field),
        sorted(definition.required_resource_keys),
        pipeline.graph.upstream_of(node.name),
        pipeline.graph.downstream_of(node.name),
    )


def config_rows(config_field: Field | None) -> list[ConfigRow]:
    """The fields of a config schema, nested shapes flattened with dotted paths."""
    if config_field is None:
        return []
    config_type = config_field.config_type
    if not isinstance(config_type, FieldsType) or isinstance(config_type, Selector):
        return [
            ConfigRow(
                "",
                0,
                describe_config_type(config_type),
                config_field.is_required,
                None,
                config_field.description,
            )
        ]
    return _rows(config_type, "", 0)


def _rows(config_type: FieldsType, prefix: str, depth: int) -> list[ConfigRow]:
    rows = []
    for name, item in config_type.fields.items():
        path = f"{prefix}{name}"
        default = None
        if item.has_default and not isinstance(item.default_value, dict):
            default = repr(item.default_value)
        rows.append(
            ConfigRow(
                path,
                depth,
                describe_config_type(item.config_type),
                item.is_required,
                default,
                item.description,
            )
        )
        nested = item.config_type
        if (
            isinstance(nested, FieldsType)
            and not isinstance(nested, Selector)
            and depth + 1 < _MAX_DEPTH
        ):
            rows += _rows(nested, f"{path}.", depth + 1)
    return rows
