"""Flattening a composition tree (invocations, with nested composites) into ``SolidNode``s.

An inner solid ``inner`` of composite ``comp`` becomes the node ``comp.inner``. An inner
input fed by a composite input that nothing connects is recorded on the node
(``SolidNode.config_inputs``): run config sets it at the composite
(``solids.comp.inputs.x``), and the composite input's default becomes the inner input's.

>>> from daskflow.definitions.composite import composite_solid
>>> from daskflow.definitions.solid import solid
>>> @solid
... def double(_, x: int) -> int:
...     return 2 * x
>>> @composite_solid
... def twice(x: int = 3):
...     return double(x)
>>> nodes, _ = flatten([Invocation("twice", twice)])
>>> node = nodes[0]
>>> node.name, node.config_inputs, node.definition.input_def_named("x").default_value
('twice.double', {'x': (('twice',), 'x')}, 3)
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from daskflow.definitions.composite import CompositeSolidDefinition
from daskflow.definitions.composition import InputMappingHandle, Invocation
from daskflow.definitions.graph import OutputRef, SolidNode
from daskflow.definitions.io_defs import InputDefinition
from daskflow.definitions.solid import SolidDefinition

__all__ = ["flatten"]

# Where run config sets an input: (composite handle, composite input name).
ConfigSource = tuple[tuple[str, ...], str]


@dataclass
class _Bound:
    """What feeds each input of the composite being flattened."""

    refs: Mapping[str, tuple[OutputRef, ...]] = field(default_factory=dict)
    config: Mapping[str, ConfigSource] = field(default_factory=dict)
    defaults: Mapping[str, Any] = field(default_factory=dict)


def flatten(
    invocations: Sequence[Invocation], prefix: tuple[str, ...] = (), bound: _Bound | None = None
) -> tuple[list[SolidNode], dict[tuple[str, str], tuple[OutputRef, ...]]]:
    """Flat nodes of ``invocations`` under ``prefix``, and per local ``(node, output)`` the
    flat refs it resolves to."""
    bound = bound or _Bound()
    nodes: list[SolidNode] = []
    outputs: dict[tuple[str, str], tuple[OutputRef, ...]] = {}

    def resolve(source: Any) -> tuple[OutputRef, ...]:
        if isinstance(source, list):
            return tuple(ref for s in source for ref in resolve(s))
        if isinstance(source, InputMappingHandle):
            return tuple(bound.refs.get(source.input_name, ()))
        return outputs[(source.node_name, source.output_name)]

    for inv in invocations:
        handle = (*prefix, inv.node_name)
        refs = {name: resolve(src) for name, src in inv.inputs.items()}
        mapped = _mapped_inputs(inv, bound)
        definition = inv.definition
        if isinstance(definition, CompositeSolidDefinition):
            inner = _inner_bound(definition, handle, refs, mapped, bound)
            inner_nodes, inner_outputs = flatten(definition.invocations, handle, inner)
            nodes.extend(inner_nodes)
            for out_name, src in definition.output_mapping.items():
                outputs[(inv.node_name, out_name)] = (
                    tuple(refs.get(src.input_name, ()))
                    if isinstance(src, InputMappingHandle)
                    else inner_outputs[(src.node_name, src.output_name)]
                )
        else:
            node = _solid_node(inv, definition, handle, refs, mapped, bound)
            nodes.append(node)
            for out in definition.output_defs:
                outputs[(inv.node_name, out.name)] = (OutputRef(node.name, out.name),)
    return nodes, outputs


def _mapped_inputs(inv: Invocation, bound: _Bound) -> dict[str, str]:
    """Inputs of ``inv`` fed only by an unconnected input of the enclosing composite."""
    return {
        name: src.input_name
        for name, src in inv.inputs.items()
        if isinstance(src, InputMappingHandle) and not bound.refs.get(src.input_name)
    }


def _inner_bound(
    definition: CompositeSolidDefinition,
    handle: tuple[str, ...],
    refs: dict[str, tuple[OutputRef, ...]],
    mapped: dict[str, str],
    outer: _Bound,
) -> _Bound:
    config: dict[str, ConfigSource] = {}
    defaults: dict[str, Any] = {}
    for inp in definition.input_defs:
        if refs.get(inp.name):
            continue
        outer_name = mapped.get(inp.name)
        if outer_name is not None and outer_name in outer.config:
            config[inp.name] = outer.config[outer_name]
        else:
            config[inp.name] = (handle, inp.name)
        if outer_name is not None and outer_name in outer.defaults:
            defaults[inp.name] = outer.defaults[outer_name]
        elif inp.has_default:
            defaults[inp.name] = inp.default_value
    return _Bound({k: v for k, v in refs.items() if v}, config, defaults)


def _solid_node(  # noqa: PLR0913 (one flat node from everything that decides it)
    inv: Invocation,
    definition: SolidDefinition,
    handle: tuple[str, ...],
    refs: dict[str, tuple[OutputRef, ...]],
    mapped: dict[str, str],
    bound: _Bound,
) -> SolidNode:
    """The flat node of the invocation ``inv`` of the solid ``definition`` at ``handle``."""
    inputs = {name: r for name, r in refs.items() if r}
    fan_in = inv.fan_in_inputs | {name for name, r in inputs.items() if len(r) > 1}
    config_inputs = {name: bound.config[outer] for name, outer in mapped.items()}
    defaults = {name: bound.defaults[o] for name, o in mapped.items() if o in bound.defaults}
    node_def = _with_defaults(definition, defaults) if defaults else definition
    tags = {**definition.tags, **inv.tags}
    return SolidNode(
        ".".join(handle),
        node_def,
        inputs,
        frozenset(fan_in),
        handle,
        tags,
        config_inputs=config_inputs,
    )


def _with_defaults(definition: SolidDefinition, defaults: Mapping[str, Any]) -> SolidDefinition:
    """A copy of ``definition`` whose inputs take the enclosing composite's defaults."""
    clone = copy.copy(definition)
    clone.input_defs = tuple(
        _default(i, defaults[i.name]) if i.name in defaults else i for i in definition.input_defs
    )
    return clone


def _default(input_def: InputDefinition, value: Any) -> InputDefinition:
    return replace(input_def, default_value=value)
