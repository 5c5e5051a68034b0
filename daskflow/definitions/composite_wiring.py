"""What a composite solid is made of: its inputs, inner invocations and output mapping.

Two ways to get there, one result (``Wiring``): a body traced like a pipeline's
(``traced_wiring``, for ``@composite_solid``), or Dagster 0.9's explicit form
(``explicit_wiring``): ``solid_defs`` wired by ``dependencies`` exactly as
``PipelineDefinition`` wires them, plus ``InputDefinition(...).mapping_to(...)`` and
``OutputDefinition(...).mapping_from(...)``. Both are checked the same way
(``check_wiring``): every composite input is used, every inner input can get a value.

>>> from daskflow.definitions.io_defs import InputDefinition, OutputDefinition
>>> from daskflow.definitions.solid import lambda_solid
>>> @lambda_solid
... def add_one(num: int) -> int:
...     return num + 1
>>> wiring = explicit_wiring(
...     "c", [add_one], [InputDefinition("n").mapping_to("add_one", "num")],
...     [OutputDefinition(name="out").mapping_from("add_one")], None, None)
>>> [str(h) for h in wiring.invocations[0].inputs.values()], str(wiring.output_mapping["out"])
(['<composite input n>'], 'add_one.result')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from daskflow.definitions import composition
from daskflow.definitions.composition import InputMappingHandle, Invocation, OutputHandle
from daskflow.definitions.dependencies import SolidInvocation, explicit_invocations
from daskflow.definitions.io_defs import InputDefinition, OutputDefinition
from daskflow.definitions.mappings import InputMapping, OutputMapping
from daskflow.definitions.signature import infer_input_defs
from daskflow.errors import DaskflowInvalidDefinitionError

if TYPE_CHECKING:
    from daskflow.definitions.composite import CompositeSolidDefinition
    from daskflow.definitions.solid import SolidDefinition

    NodeDefinition: TypeAlias = SolidDefinition | CompositeSolidDefinition

__all__ = ["Wiring", "check_wiring", "explicit_wiring", "traced_wiring"]

# What a composite output is: an inner solid's output, or one of the composite's inputs.
Source: TypeAlias = OutputHandle | InputMappingHandle


@dataclass(frozen=True)
class Wiring:
    """A composite's inputs, inner invocations (fed by ``InputMappingHandle``s for its
    inputs) and outputs, each mapped from its source."""

    input_defs: tuple[InputDefinition, ...]
    invocations: list[Invocation]
    output_defs: tuple[OutputDefinition, ...]
    output_mapping: dict[str, Source]
    positional_inputs: list[str]


def traced_wiring(
    owner: str,
    name: str,
    body: Callable[..., Any],
    input_defs: Sequence[InputDefinition] | None,
    output_defs: Sequence[OutputDefinition] | None,
) -> Wiring:
    """The wiring of a body: its parameters are the inputs, what it returns the outputs."""
    inputs = tuple(infer_input_defs(body, owner, input_defs, has_context=False))
    handles = tuple(InputMappingHandle(i.name) for i in inputs)
    invocations, returned = composition.trace(body, name, "composite solid", handles)
    mapping = _returned_mapping(owner, returned, output_defs)
    outputs = tuple(output_defs or [OutputDefinition(name=n) for n in mapping])
    return Wiring(inputs, invocations, outputs, mapping, [i.name for i in inputs])


def explicit_wiring(  # noqa: PLR0913 (Dagster's arguments)
    owner: str,
    solid_defs: Sequence[NodeDefinition],
    input_mappings: Sequence[InputMapping] | None,
    output_mappings: Sequence[OutputMapping] | None,
    dependencies: Mapping[str | SolidInvocation, Mapping[str, Any]] | None,
    positional_inputs: Sequence[str] | None,
) -> Wiring:
    """The wiring Dagster 0.9's ``CompositeSolidDefinition`` arguments describe, checked."""
    invocations = explicit_invocations(owner, solid_defs, dependencies or {})
    inputs = _map_inputs(owner, invocations, input_mappings or ())
    outputs, mapping = _map_outputs(owner, invocations, inputs, output_mappings or ())
    names = [i.name for i in inputs]
    positional = list(names if positional_inputs is None else positional_inputs)
    unknown = [n for n in positional if n not in names]
    if unknown or len(set(positional)) != len(positional):
        raise DaskflowInvalidDefinitionError(
            f"{owner}: positional_inputs {positional} must name its inputs ({', '.join(names)}), "
            "each once"
        )
    return Wiring(inputs, invocations, outputs, mapping, positional)


def _map_inputs(
    owner: str, invocations: list[Invocation], mappings: Sequence[InputMapping]
) -> tuple[InputDefinition, ...]:
    """The composite's inputs; each mapped inner input is fed by an ``InputMappingHandle``."""
    by_name = {inv.node_name: inv for inv in invocations}
    inputs: dict[str, InputDefinition] = {}
    for mapping in mappings:
        if not isinstance(mapping, InputMapping):
            raise DaskflowInvalidDefinitionError(
                f"{owner}: input_mappings take InputDefinition(...).mapping_to(solid, input), "
                f"got {mapping!r:.60}"
            )
        definition = mapping.definition
        where = f'{owner}: input "{definition.name}" maps to solid "{mapping.solid_name}"'
        inv = by_name.get(mapping.solid_name)
        if inv is None:
            raise DaskflowInvalidDefinitionError(
                f"{where}, which is not in the composite (solids: {', '.join(by_name) or 'none'})"
            )
        _check_mapped_input(where, inv, mapping.input_name)
        if inputs.setdefault(definition.name, definition) != definition:
            raise DaskflowInvalidDefinitionError(
                f'{owner}: input "{definition.name}" is mapped with two different '
                "InputDefinitions; map one definition to each inner input"
            )
        inv.inputs[mapping.input_name] = InputMappingHandle(definition.name)
    return tuple(inputs.values())


def _check_mapped_input(where: str, inv: Invocation, input_name: str) -> None:
    names = [i.name for i in inv.definition.input_defs]
    if input_name not in names:
        raise DaskflowInvalidDefinitionError(
            f'{where}, input "{input_name}", but the solid has no such input; its inputs are: '
            f"{', '.join(names) or 'none'}"
        )
    fed = inv.inputs.get(input_name)
    if fed is not None:
        source = "input mapping" if isinstance(fed, InputMappingHandle) else "dependency"
        raise DaskflowInvalidDefinitionError(
            f'{where}, input "{input_name}", which a {source} ({fed}) already feeds'
        )


def _map_outputs(
    owner: str,
    invocations: list[Invocation],
    inputs: tuple[InputDefinition, ...],
    mappings: Sequence[OutputMapping],
) -> tuple[tuple[OutputDefinition, ...], dict[str, Source]]:
    by_name = {inv.node_name: inv for inv in invocations}
    input_names = [i.name for i in inputs]
    sources: dict[str, Source] = {}
    for mapping in mappings:
        if not isinstance(mapping, OutputMapping):
            raise DaskflowInvalidDefinitionError(
                f"{owner}: output_mappings take OutputDefinition(...).mapping_from(solid, output), "
                f"got {mapping!r:.60}"
            )
        name = mapping.definition.name
        if name in sources:
            raise DaskflowInvalidDefinitionError(f'{owner}: output "{name}" is mapped twice')
        where = f'{owner}: output "{name}" maps from {mapping.source}'
        if mapping.input_name is not None:
            if mapping.input_name not in input_names:
                raise DaskflowInvalidDefinitionError(
                    f"{where}, but the composite has no such input; its inputs are: "
                    f"{', '.join(input_names) or 'none'}"
                )
            sources[name] = InputMappingHandle(mapping.input_name)
            continue
        sources[name] = _output_source(where, by_name, mapping)
    return tuple(m.definition for m in mappings), sources


def _output_source(
    where: str, by_name: Mapping[str, Invocation], mapping: OutputMapping
) -> OutputHandle:
    inv = by_name.get(mapping.solid_name or "")
    if inv is None:
        raise DaskflowInvalidDefinitionError(
            f'{where}, but solid "{mapping.solid_name}" is not in the composite (solids: '
            f"{', '.join(by_name) or 'none'})"
        )
    names = [o.name for o in inv.definition.output_defs]
    if mapping.output_name not in names:
        raise DaskflowInvalidDefinitionError(
            f'{where}, but solid "{inv.node_name}" has no output "{mapping.output_name}"; its '
            f"outputs are: {', '.join(names) or 'none'}"
        )
    return OutputHandle(inv.node_name, mapping.output_name)


def check_wiring(owner: str, wiring: Wiring) -> None:
    """Every composite input feeds an inner solid or an output; every inner input is fed,
    or has a default, or can be set from run config."""
    sources = list(wiring.output_mapping.values())
    for inv in wiring.invocations:
        for source in inv.inputs.values():
            sources += source if isinstance(source, list) else [source]
    used = {h.input_name for h in sources if isinstance(h, InputMappingHandle)}
    unused = [i.name for i in wiring.input_defs if i.name not in used]
    if unused:
        raise DaskflowInvalidDefinitionError(
            f"{owner} has unmapped input(s) {', '.join(unused)}: pass each to a solid "
            "invocation in the body (or map it with mapping_to), or remove it"
        )
    for inv in wiring.invocations:
        for inp in inv.definition.input_defs:
            if inp.name in inv.inputs or inp.has_default or inp.is_nothing or inp.loader:
                continue
            raise DaskflowInvalidDefinitionError(
                f'{owner}: input "{inp.name}" of solid "{inv.node_name}" is not mapped from a '
                "composite input nor fed by another solid, has no default_value, and its type "
                f'"{inp.daskflow_type.display_name}" has no loader to fill it from run config'
            )


def _returned_mapping(
    owner: str, returned: Any, output_defs: Sequence[OutputDefinition] | None
) -> dict[str, Source]:
    """The outputs a body returned: one handle, a named tuple or dict of them, or None."""
    if returned is None:
        mapping: dict[str, Any] = {}
    elif isinstance(returned, OutputHandle | InputMappingHandle):
        single = output_defs[0].name if output_defs is not None and len(output_defs) == 1 else None
        mapping = {single or "result": returned}
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
        if not isinstance(handle, OutputHandle | InputMappingHandle):
            raise DaskflowInvalidDefinitionError(
                f"{owner}: output {name!r} must map to a solid's output, got {handle!r:.60}"
            )
    return mapping
