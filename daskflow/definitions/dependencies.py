"""Explicit wiring, as in Dagster: ``PipelineDefinition(solid_defs, dependencies=...)``.

``dependencies`` maps each solid (by name, or a ``SolidInvocation`` giving an alias and
tags) to its inputs, each fed by a ``DependencyDefinition`` (one upstream output) or a
``MultiDependencyDefinition`` (fan-in). A solid of ``solid_defs`` that no key names is
used once under its own name.

>>> from daskflow.definitions.solid import lambda_solid
>>> @lambda_solid
... def one():
...     return 1
>>> @lambda_solid
... def add(a, b):
...     return a + b
>>> invs = explicit_invocations("p", [one, add], {
...     SolidInvocation("add", alias="sum"): {
...         "a": DependencyDefinition("one"), "b": DependencyDefinition("one")}})
>>> [(i.node_name, i.definition.name, sorted(i.inputs)) for i in invs]
[('one', 'one', []), ('sum', 'add', ['a', 'b'])]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from daskflow.definitions.composition import Invocation, OutputHandle
from daskflow.definitions.graph import DependencyDefinition
from daskflow.definitions.invocable import Invocable
from daskflow.definitions.names import check_valid_name
from daskflow.errors import DaskflowInvalidDefinitionError

if TYPE_CHECKING:
    from daskflow.definitions.composite import CompositeSolidDefinition
    from daskflow.definitions.solid import SolidDefinition

    NodeDefinition: TypeAlias = SolidDefinition | CompositeSolidDefinition

__all__ = ["MultiDependencyDefinition", "SolidInvocation", "explicit_invocations"]


@dataclass(frozen=True)
class SolidInvocation:
    """A use of the solid ``name`` in ``dependencies``, under ``alias`` and with ``tags``."""

    name: str
    alias: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict, hash=False)

    @property
    def node_name(self) -> str:
        return self.alias or self.name

    def __hash__(self) -> int:
        return hash((self.name, self.alias))


@dataclass(frozen=True, init=False)
class MultiDependencyDefinition:
    """Fan-in: the input receives a list of the values of several upstream outputs."""

    dependencies: tuple[DependencyDefinition, ...]

    def __init__(self, dependencies: Sequence[DependencyDefinition]) -> None:
        deps = tuple(dependencies)
        if not all(isinstance(d, DependencyDefinition) for d in deps):
            raise DaskflowInvalidDefinitionError(
                "MultiDependencyDefinition takes a list of DependencyDefinition"
            )
        object.__setattr__(self, "dependencies", deps)


def explicit_invocations(
    owner: str,
    solid_defs: Sequence[NodeDefinition],
    dependencies: Mapping[str | SolidInvocation, Mapping[str, Any]],
) -> list[Invocation]:
    """The invocations ``solid_defs`` and ``dependencies`` describe, checked."""
    by_name = _definitions_by_name(owner, solid_defs)
    invocations: list[Invocation] = []
    named: set[str] = set()
    for key, inputs in dependencies.items():
        use = key if isinstance(key, SolidInvocation) else SolidInvocation(key)
        definition = by_name.get(use.name)
        if definition is None:
            raise DaskflowInvalidDefinitionError(
                f'{owner}: dependencies name solid "{use.name}", which is not in solid_defs '
                f"({', '.join(by_name) or 'none'})"
            )
        node_name = check_valid_name(use.node_name, "solid alias")
        where = f'{owner}, solid "{node_name}"'
        wired = _inputs(where, definition, inputs)
        invocations.append(Invocation(node_name, definition, wired, dict(use.tags)))
        named.add(use.name)
    invocations += [Invocation(n, d) for n, d in by_name.items() if n not in named]
    names = [i.node_name for i in invocations]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise DaskflowInvalidDefinitionError(f'{owner}: two solids are named "{dupes[0]}"')
    return _ordered(owner, invocations)


def _upstream(inv: Invocation) -> list[OutputHandle]:
    found: list[OutputHandle] = []
    for source in inv.inputs.values():
        found += source if isinstance(source, list) else [source]
    return found


def _ordered(owner: str, invocations: list[Invocation]) -> list[Invocation]:
    """Upstream before downstream (flattening needs it); unknown solids and outputs and
    cycles are errors."""
    by_name = {i.node_name: i for i in invocations}
    for inv in invocations:
        for handle in _upstream(inv):
            up = by_name.get(handle.node_name)
            if up is None:
                raise DaskflowInvalidDefinitionError(
                    f'{owner}: solid "{inv.node_name}" depends on solid "{handle.node_name}", '
                    f"which is not among its solids ({', '.join(by_name)})"
                )
            if handle.output_name not in {o.name for o in up.definition.output_defs}:
                raise DaskflowInvalidDefinitionError(
                    f'{owner}: solid "{inv.node_name}" depends on output "{handle}", but '
                    f'solid "{handle.node_name}" has no output "{handle.output_name}"'
                )
    order: list[Invocation] = []
    done: set[str] = set()
    remaining = list(invocations)
    while remaining:
        ready = [i for i in remaining if all(h.node_name in done for h in _upstream(i))]
        if not ready:
            cycle = ", ".join(i.node_name for i in remaining)
            raise DaskflowInvalidDefinitionError(
                f"{owner}: the dependencies form a cycle among: {cycle}"
            )
        order += ready
        done |= {i.node_name for i in ready}
        remaining = [i for i in remaining if i.node_name not in done]
    return order


def _definitions_by_name(
    owner: str, solid_defs: Sequence[NodeDefinition]
) -> dict[str, NodeDefinition]:
    by_name: dict[str, NodeDefinition] = {}
    for definition in solid_defs:
        if not isinstance(definition, Invocable):
            raise DaskflowInvalidDefinitionError(
                f"{owner}: solid_defs must be solids or composite solids, got {definition!r:.60}"
            )
        if by_name.setdefault(definition.name, definition) is not definition:
            raise DaskflowInvalidDefinitionError(
                f'{owner}: two different solids are named "{definition.name}"'
            )
    return by_name


def _inputs(where: str, definition: NodeDefinition, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """One handle per input, or a list of handles for fan-in."""
    names = {i.name for i in definition.input_defs}
    wired: dict[str, Any] = {}
    for input_name, dep in inputs.items():
        if input_name not in names:
            raise DaskflowInvalidDefinitionError(
                f'{where} has no input "{input_name}"; its inputs are: '
                f"{', '.join(sorted(names)) or 'none'}"
            )
        if isinstance(dep, DependencyDefinition):
            wired[input_name] = OutputHandle(dep.solid, dep.output)
        elif isinstance(dep, MultiDependencyDefinition | list):
            deps = dep.dependencies if isinstance(dep, MultiDependencyDefinition) else dep
            wired[input_name] = [_handle(where, input_name, d) for d in deps]
        else:
            raise DaskflowInvalidDefinitionError(
                f'{where}, input "{input_name}": expected a DependencyDefinition or a '
                f"MultiDependencyDefinition, got {dep!r:.60}"
            )
    return wired


def _handle(where: str, input_name: str, dep: Any) -> OutputHandle:
    if not isinstance(dep, DependencyDefinition):
        raise DaskflowInvalidDefinitionError(
            f'{where}, input "{input_name}": fan-in takes DependencyDefinitions, got {dep!r:.60}'
        )
    return OutputHandle(dep.solid, dep.output)
