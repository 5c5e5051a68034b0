"""A readable text summary of a pipeline: solids in order, inputs with types and sources,
outputs, config fields with defaults and descriptions, resources per mode, presets.

This is what ``daskflow pipeline print`` shows.
"""

from __future__ import annotations

from daskflow.config import ConfigType, Field, describe_config_type
from daskflow.config._types import FieldsType, Selector
from daskflow.definitions.graph import SolidNode
from daskflow.definitions.io_defs import InputDefinition
from daskflow.definitions.pipeline import PipelineDefinition

__all__ = ["describe_pipeline"]

_MAX_DEPTH = 4


def describe_pipeline(pipeline: PipelineDefinition) -> str:
    lines = [f"Pipeline: {pipeline.name}"]
    if pipeline.description:
        lines.append(f"  {_first_line(pipeline.description)}")
    lines.append("Modes:")
    for mode in pipeline.mode_defs:
        resources = ", ".join(sorted(mode.resource_defs)) or "no resources"
        lines.append(f"  {mode.name}: {resources}")
        for key, definition in sorted(mode.resource_defs.items()):
            lines += _config_lines(definition.config_field, f"    {key} config", 6)
    if pipeline.preset_defs:
        lines.append("Presets:")
        lines += [f"  {p.name} (mode {p.mode})" for p in pipeline.preset_defs]
    lines.append(f"Solids ({len(pipeline.solids)}, in execution order):")
    for node in pipeline.solids:
        lines += _solid_lines(node)
    return "\n".join(lines)


def _solid_lines(node: SolidNode) -> list[str]:
    definition = node.definition
    title = f"  {node.name}"
    if node.name != definition.name:
        title += f" (solid {definition.name})"
    if definition.description:
        title += f" - {_first_line(definition.description)}"
    lines = [title]
    for inp in definition.input_defs:
        lines.append(
            f"    input {inp.name}: {inp.daskflow_type.display_name} <- {_input_source(node, inp)}"
        )
    for out in definition.output_defs:
        lines.append(f"    output {out.name}: {out.daskflow_type.display_name}")
    if definition.required_resource_keys:
        lines.append(f"    resources: {', '.join(sorted(definition.required_resource_keys))}")
    lines += _config_lines(definition.config_field, "    config", 6)
    return lines


def _input_source(node: SolidNode, inp: InputDefinition) -> str:
    refs = node.inputs.get(inp.name)
    if refs:
        return ", ".join(str(r) for r in refs)
    if inp.loader is not None and not inp.is_nothing:
        where = f"run config solids.{node.name}.inputs.{inp.name}"
        options = describe_config_type(inp.loader.config_schema)
        return f"{where} ({options})"
    if inp.has_default:
        return f"default {inp.default_value!r}"
    return "nothing (ordering only)"


def _config_lines(field: Field | None, title: str, indent: int) -> list[str]:
    if field is None:
        return []
    return [f"{title}:"] + _field_lines(field.config_type, indent, 0)


def _field_lines(config_type: ConfigType, indent: int, depth: int) -> list[str]:
    if (
        not isinstance(config_type, FieldsType)
        or isinstance(config_type, Selector)
        or depth >= _MAX_DEPTH
    ):
        return [" " * indent + describe_config_type(config_type)]
    lines = []
    for name, field in config_type.fields.items():
        line = " " * indent + f"{name}: {describe_config_type(field.config_type)}"
        if field.has_default and not isinstance(field.default_value, dict):
            line += f" = {field.default_value!r}"
        line += " (required)" if field.is_required else " (optional)"
        if field.description:
            line += f" - {field.description}"
        lines.append(line)
        if isinstance(field.config_type, FieldsType) and not isinstance(
            field.config_type, Selector
        ):
            lines += _field_lines(field.config_type, indent + 2, depth + 1)
    return lines


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0]
