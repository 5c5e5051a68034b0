"""Tracing a ``@pipeline`` or ``@composite_solid`` body: solid calls record invocations.

Inside a body nothing runs. Calling a solid returns handles to its outputs, which are
passed to other solids' calls; the recorded invocations become the dependency graph.

>>> from daskflow.definitions.solid import solid
>>> @solid
... def one(_) -> int:
...     return 1
>>> @solid
... def add(_, a: int, b: int) -> int:
...     return a + b
>>> invocations, _ = trace(lambda: add(one(), b=one.alias("other")()), "demo", "pipeline")
>>> [(i.node_name, {k: str(v) for k, v in i.inputs.items()}) for i in invocations]
[('one', {}), ('other', {}), ('add', {'a': 'one.result', 'b': 'other.result'})]
"""

from __future__ import annotations

import difflib
from collections import namedtuple
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn, TypeAlias

from daskflow.errors import DaskflowInvalidDefinitionError

if TYPE_CHECKING:
    from daskflow.definitions.composite import CompositeSolidDefinition
    from daskflow.definitions.solid import SolidDefinition

    # What a @pipeline or @composite_solid body invokes.
    NodeDefinition: TypeAlias = SolidDefinition | CompositeSolidDefinition

__all__ = [
    "InputMappingHandle",
    "Invocation",
    "OutputHandle",
    "PendingInvocation",
    "is_tracing",
    "trace",
]


@dataclass(frozen=True)
class OutputHandle:
    """Stands for one output of an invoked solid while a body is traced."""

    node_name: str
    output_name: str

    def __str__(self) -> str:
        return f"{self.node_name}.{self.output_name}"

    def __iter__(self) -> NoReturn:
        raise DaskflowInvalidDefinitionError(
            f"solid {self.node_name!r} has a single output ({self.output_name!r}); "
            "its call cannot be unpacked into several values"
        )


@dataclass(frozen=True)
class InputMappingHandle:
    """Stands for an input of the composite solid whose body is being traced."""

    input_name: str

    def __str__(self) -> str:
        return f"<composite input {self.input_name}>"


@dataclass
class Invocation:
    """One recorded call: which definition, under which name, fed by which handles."""

    node_name: str
    definition: NodeDefinition
    inputs: dict[str, Any] = field(default_factory=dict)  # handle, or list of handles (fan-in)
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def fan_in_inputs(self) -> frozenset[str]:
        return frozenset(k for k, v in self.inputs.items() if isinstance(v, list))


class _Tracer:
    """Collects the invocations of one body; one per ``trace`` call."""

    def __init__(self, owner: str):
        self.owner = owner
        self.invocations: list[Invocation] = []
        self.definitions: dict[str, NodeDefinition] = {}

    def node_name_for(self, definition: NodeDefinition, alias: str | None) -> str:
        taken = {i.node_name for i in self.invocations}
        if alias is not None:
            if alias in taken:
                raise DaskflowInvalidDefinitionError(
                    f"{self.owner}: two solids are named {alias!r}; give each alias a unique name"
                )
            return alias
        if definition.name not in taken:
            return definition.name
        n = 2
        while f"{definition.name}_{n}" in taken:
            n += 1
        return f"{definition.name}_{n}"

    def check_same_definition(self, definition: NodeDefinition) -> None:
        seen = self.definitions.setdefault(definition.name, definition)
        if seen is not definition:
            raise DaskflowInvalidDefinitionError(
                f"{self.owner}: two different solid definitions are both named "
                f"{definition.name!r}; rename one of them (or use .alias for the same solid)"
            )


_CURRENT: ContextVar[_Tracer | None] = ContextVar("daskflow_tracer", default=None)


def is_tracing() -> bool:
    return _CURRENT.get() is not None


def trace(
    body: Callable[..., Any], owner_name: str, kind: str, args: tuple = ()
) -> tuple[list[Invocation], Any]:
    """Run ``body(*args)`` recording solid calls; returns invocations and the body's value."""
    tracer = _Tracer(f'{kind} "{owner_name}"')
    token = _CURRENT.set(tracer)
    try:
        returned = body(*args)
    finally:
        _CURRENT.reset(token)
    return tracer.invocations, returned


class PendingInvocation:
    """A solid about to be called in a body, possibly under an alias or with tags."""

    def __init__(
        self,
        definition: NodeDefinition,
        alias: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        self.definition = definition
        self.given_alias = alias
        self.tags = dict(tags or {})

    def alias(self, name: str) -> PendingInvocation:
        return PendingInvocation(self.definition, name, self.tags)

    def tag(self, tags: Mapping[str, str]) -> PendingInvocation:
        return PendingInvocation(self.definition, self.given_alias, {**self.tags, **tags})

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        tracer = _CURRENT.get()
        if tracer is None:
            raise DaskflowInvalidDefinitionError(
                f"solid {self.definition.name!r} was called with an alias or tags outside a "
                "@pipeline or @composite_solid body"
            )
        tracer.check_same_definition(self.definition)
        node_name = tracer.node_name_for(self.definition, self.given_alias)
        where = f'{tracer.owner}, solid "{node_name}"'
        inputs = _bind_inputs(self.definition, args, kwargs, where)
        tracer.invocations.append(Invocation(node_name, self.definition, inputs, self.tags))
        return _output_handles(self.definition, node_name)


def _bind_inputs(
    definition: NodeDefinition, args: tuple[Any, ...], kwargs: dict[str, Any], where: str
) -> dict[str, Any]:
    names = [i.name for i in definition.input_defs]
    if len(args) > len(names):
        raise DaskflowInvalidDefinitionError(
            f"{where}: called with {len(args)} positional inputs but it has {len(names)} "
            f"({', '.join(names) or 'none'})"
        )
    bound = dict(zip(names, args, strict=False))
    for key, value in kwargs.items():
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            hint = f' Did you mean "{close[0]}"?' if close else ""
            raise DaskflowInvalidDefinitionError(
                f'{where}: unknown input "{key}".{hint} Its inputs are: '
                f"{', '.join(names) or 'none'}"
            )
        if key in bound:
            raise DaskflowInvalidDefinitionError(
                f'{where}: input "{key}" is wired twice (positionally and by keyword)'
            )
        bound[key] = value
    for key, value in bound.items():
        bound[key] = _check_source(value, f'{where}, input "{key}"')
    return bound


_HANDLES = (OutputHandle, InputMappingHandle)


def _check_source(value: Any, where: str) -> Any:
    if isinstance(value, _HANDLES):
        return value
    if isinstance(value, list) and value and all(isinstance(v, _HANDLES) for v in value):
        return list(value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        raise DaskflowInvalidDefinitionError(
            f"{where}: got all outputs ({', '.join(value._fields)}) of a solid with several "
            "outputs; unpack them (`a, b = split()`) or pick one (`split().a`)"
        )
    raise DaskflowInvalidDefinitionError(
        f"{where}: expected the output of another solid (or a list of them for fan-in), got "
        f"{type(value).__name__} {value!r:.60}. Constants come from run config "
        "(solids.<solid>.inputs.<input>) or an InputDefinition default_value"
    )


def _output_handles(definition: NodeDefinition, node_name: str) -> Any:
    outputs = [o.name for o in definition.output_defs]
    if not outputs:
        return None
    if len(outputs) == 1:
        return OutputHandle(node_name, outputs[0])
    # The tuple's name and fields are the user's: built at run time, unknown to mypy.
    tuple_cls = namedtuple(f"{definition.name}_outputs", outputs)  # type: ignore[misc]  # noqa: PYI024
    return tuple_cls(*(OutputHandle(node_name, o) for o in outputs))
