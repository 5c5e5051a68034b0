"""``@composite_solid``: a reusable sub-graph of solids that flattens into the pipeline.

Its body is traced like a pipeline's; its parameters are its inputs and what it returns
are its outputs. With ``config_schema`` and ``config_fn`` it exposes one config block
that is mapped onto its inner solids' config (config mapping).

>>> from daskflow.definitions.solid import solid
>>> @solid
... def double(_, x: int) -> int:
...     return 2 * x
>>> @composite_solid
... def quadruple(x):
...     return double(double(x))
>>> [i.node_name for i in quadruple.invocations]
['double', 'double_2']
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from daskflow.config import config_field_from_schema
from daskflow.definitions import composition
from daskflow.definitions.composition import InputMappingHandle, Invocation, OutputHandle
from daskflow.definitions.graph import OutputRef, SolidNode
from daskflow.definitions.io_defs import InputDefinition, OutputDefinition
from daskflow.definitions.names import check_valid_name
from daskflow.definitions.solid import SolidDefinition, infer_input_defs
from daskflow.errors import DaskflowInvalidDefinitionError

__all__ = ["CompositeSolidDefinition", "composite_solid", "flatten"]


class CompositeSolidDefinition:
    """A traced sub-graph with input and output mappings and optional config mapping."""

    def __init__(  # noqa: PLR0913 (public API: options are keyword-only)
        self,
        name: str,
        body: Callable[..., Any],
        input_defs: Sequence[InputDefinition] | None = None,
        output_defs: Sequence[OutputDefinition] | None = None,
        *,
        config_schema: Any = None,
        config_fn: Callable[[dict], dict] | None = None,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
    ):
        self.name = check_valid_name(name, "composite solid")
        owner = f'composite solid "{name}"'
        inputs, _ = infer_input_defs(body, owner, input_defs, skip_context=False)
        self.input_defs = tuple(inputs)
        self.config_field = config_field_from_schema(config_schema)
        self.config_fn = config_fn
        if (config_fn is None) != (self.config_field is None):
            raise DaskflowInvalidDefinitionError(
                f"{owner}: config mapping needs both config_schema and config_fn"
            )
        self.description = description or inspect.getdoc(body)
        self.tags = dict(tags or {})
        handles = tuple(InputMappingHandle(i.name) for i in self.input_defs)
        self.invocations, returned = composition.trace(body, name, "composite solid", handles)
        self.output_mapping = _output_mapping(owner, returned, output_defs)
        self.output_defs = tuple(
            output_defs or [OutputDefinition(name=n) for n in self.output_mapping]
        )

    @property
    def required_resource_keys(self) -> frozenset[str]:
        keys: set[str] = set()
        for inv in self.invocations:
            keys |= inv.definition.required_resource_keys
        return frozenset(keys)

    def alias(self, name: str) -> composition.PendingInvocation:
        return composition.PendingInvocation(self, alias=check_valid_name(name, "alias"))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not composition.is_tracing():
            raise DaskflowInvalidDefinitionError(
                f"composite solid {self.name!r} can only be called inside a @pipeline or "
                "@composite_solid body"
            )
        return composition.PendingInvocation(self)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<CompositeSolidDefinition {self.name}>"


def _output_mapping(
    owner: str, returned: Any, output_defs: Sequence[OutputDefinition] | None
) -> dict[str, Any]:
    handles = (OutputHandle, InputMappingHandle)
    if returned is None:
        mapping: dict[str, Any] = {}
    elif isinstance(returned, handles):
        mapping = {"result": returned}
    elif isinstance(returned, tuple) and hasattr(returned, "_fields"):
        mapping = dict(zip(returned._fields, returned, strict=True))
    elif isinstance(returned, Mapping):
        mapping = dict(returned)
    else:
        raise DaskflowInvalidDefinitionError(
            f"{owner}: the body must return a solid's output, a dict of outputs by name, or "
            f"nothing; it returned {type(returned).__name__}"
        )
    if output_defs is not None:
        declared = [o.name for o in output_defs]
        if sorted(declared) != sorted(mapping):
            raise DaskflowInvalidDefinitionError(
                f"{owner}: output_defs declare {declared} but the body returns {list(mapping)}"
            )
    for name, handle in mapping.items():
        if not isinstance(handle, handles):
            raise DaskflowInvalidDefinitionError(
                f"{owner}: output {name!r} must map to a solid's output, got {handle!r:.60}"
            )
    return mapping


def composite_solid(  # noqa: PLR0913 (public API: options are keyword-only)
    name: str | Callable[..., Any] | None = None,
    *,
    input_defs: Sequence[InputDefinition] | None = None,
    output_defs: Sequence[OutputDefinition] | None = None,
    config_schema: Any = None,
    config_fn: Callable[[dict], dict] | None = None,
    description: str | None = None,
    tags: Mapping[str, str] | None = None,
) -> Any:
    """Define a composite solid; usable as ``@composite_solid`` or ``@composite_solid(...)``."""
    if callable(name):
        return composite_solid()(name)

    def decorate(body: Callable[..., Any]) -> CompositeSolidDefinition:
        return CompositeSolidDefinition(
            name or body.__name__,
            body,
            input_defs,
            output_defs,
            config_schema=config_schema,
            config_fn=config_fn,
            description=description,
            tags=tags,
        )

    return decorate


def _solid_node(
    inv: Invocation,
    definition: SolidDefinition,
    handle: tuple[str, ...],
    inputs: dict[str, tuple[OutputRef, ...]],
) -> SolidNode:
    """The flat node of the invocation ``inv`` of the solid ``definition`` at ``handle``."""
    fan_in = inv.fan_in_inputs | {name for name, refs in inputs.items() if len(refs) > 1}
    tags = {**definition.tags, **inv.tags}
    return SolidNode(".".join(handle), definition, inputs, frozenset(fan_in), handle, tags)


def flatten(
    invocations: Sequence[Invocation],
    prefix: tuple[str, ...] = (),
    bound: Mapping[str, tuple[OutputRef, ...]] | None = None,
) -> tuple[list[SolidNode], dict[tuple[str, str], tuple[OutputRef, ...]]]:
    """Turn traced invocations (with nested composites) into flat ``SolidNode``s; ``bound``
    maps the enclosing composite's input names to the refs feeding them. Returns the nodes
    and, per local ``(node, output)``, the flat refs it resolves to."""
    bound = bound or {}
    nodes: list[SolidNode] = []
    outputs: dict[tuple[str, str], tuple[OutputRef, ...]] = {}

    def resolve(source: Any) -> tuple[OutputRef, ...]:
        if isinstance(source, list):
            return tuple(ref for s in source for ref in resolve(s))
        if isinstance(source, InputMappingHandle):
            return tuple(bound.get(source.input_name, ()))
        return outputs[(source.node_name, source.output_name)]

    for inv in invocations:
        inputs = {name: resolve(src) for name, src in inv.inputs.items()}
        inputs = {name: refs for name, refs in inputs.items() if refs}
        handle = (*prefix, inv.node_name)
        definition = inv.definition
        if isinstance(definition, CompositeSolidDefinition):
            inner_nodes, inner_outputs = flatten(definition.invocations, handle, inputs)
            nodes.extend(inner_nodes)
            for out_name, src in definition.output_mapping.items():
                outputs[(inv.node_name, out_name)] = (
                    tuple(inputs.get(src.input_name, ()))
                    if isinstance(src, InputMappingHandle)
                    else inner_outputs[(src.node_name, src.output_name)]
                )
        else:
            node = _solid_node(inv, definition, handle, inputs)
            nodes.append(node)
            for out in definition.output_defs:
                outputs[(inv.node_name, out.name)] = (OutputRef(node.name, out.name),)
    return nodes, outputs
