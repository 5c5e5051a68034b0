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
from dataclasses import dataclass, replace
from typing import Any

from daskflow.definitions.composite import CompositeSolidDefinition
from daskflow.definitions.composition import InputMappingHandle, Invocation
from daskflow.definitions.graph import OutputRef, SolidNode
from daskflow.definitions.io_defs import NO_VALUE, InputDefinition
from daskflow.definitions.solid import SolidDefinition

__all__ = ["flatten"]

# Where run config sets an input: (composite handle, composite input name).
ConfigSource = tuple[tuple[str, ...], str]


@dataclass(frozen=True)
class _Feed:
    """What feeds an input: upstream flat outputs or, when there are none, the input of an
    enclosing composite that run config sets (``config``), with that input's default."""

    refs: tuple[OutputRef, ...] = ()
    config: ConfigSource | None = None
    default: Any = NO_VALUE


# What feeds each input of the composite being flattened, by input name.
_Bound = Mapping[str, _Feed]


def flatten(
    invocations: Sequence[Invocation], prefix: tuple[str, ...] = (), bound: _Bound | None = None
) -> tuple[list[SolidNode], dict[tuple[str, str], tuple[OutputRef, ...]]]:
    """Flat nodes of ``invocations`` under ``prefix``, and per local ``(node, output)`` the
    flat refs it resolves to."""
    nodes, outputs = _flatten(invocations, prefix, bound or {})
    return nodes, {key: feed.refs for key, feed in outputs.items()}


def _flatten(
    invocations: Sequence[Invocation], prefix: tuple[str, ...], bound: _Bound
) -> tuple[list[SolidNode], dict[tuple[str, str], _Feed]]:
    nodes: list[SolidNode] = []
    outputs: dict[tuple[str, str], _Feed] = {}

    def resolve(source: Any) -> _Feed:
        if isinstance(source, list):  # fan-in: the upstream outputs only
            return _Feed(tuple(ref for s in source for ref in resolve(s).refs))
        if isinstance(source, InputMappingHandle):
            return bound.get(source.input_name, _Feed())
        return outputs[(source.node_name, source.output_name)]

    for inv in invocations:
        handle = (*prefix, inv.node_name)
        feeds = {name: resolve(src) for name, src in inv.inputs.items()}
        definition = inv.definition
        if isinstance(definition, CompositeSolidDefinition):
            inner = _inner_bound(definition, handle, feeds)
            inner_nodes, inner_outputs = _flatten(definition.invocations, handle, inner)
            nodes.extend(inner_nodes)
            for out_name, src in definition.output_mapping.items():
                outputs[(inv.node_name, out_name)] = (
                    inner[src.input_name]
                    if isinstance(src, InputMappingHandle)
                    else inner_outputs[(src.node_name, src.output_name)]
                )
        else:
            node = _solid_node(inv, definition, handle, feeds)
            nodes.append(node)
            for out in definition.output_defs:
                outputs[(inv.node_name, out.name)] = _Feed((OutputRef(node.name, out.name),))
    return nodes, outputs


def _inner_bound(
    definition: CompositeSolidDefinition, handle: tuple[str, ...], feeds: Mapping[str, _Feed]
) -> dict[str, _Feed]:
    """What feeds each input of the composite at ``handle``: its upstream outputs, else run
    config (at an enclosing composite's input, or at its own) with the nearest default."""
    bound: dict[str, _Feed] = {}
    for inp in definition.input_defs:
        feed = feeds.get(inp.name, _Feed())
        if feed.refs:
            bound[inp.name] = feed
            continue
        default = feed.default if feed.default is not NO_VALUE else inp.default_value
        bound[inp.name] = _Feed((), feed.config or (handle, inp.name), default)
    return bound


def _solid_node(
    inv: Invocation,
    definition: SolidDefinition,
    handle: tuple[str, ...],
    feeds: Mapping[str, _Feed],
) -> SolidNode:
    """The flat node of the invocation ``inv`` of the solid ``definition`` at ``handle``."""
    inputs = {name: feed.refs for name, feed in feeds.items() if feed.refs}
    fan_in = inv.fan_in_inputs | {name for name, r in inputs.items() if len(r) > 1}
    from_config = {name: feed for name, feed in feeds.items() if not feed.refs and feed.config}
    config_inputs = {name: feed.config for name, feed in from_config.items() if feed.config}
    defaults = {n: f.default for n, f in from_config.items() if f.default is not NO_VALUE}
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
