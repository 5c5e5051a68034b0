"""Reading a solid function's signature: which parameter is the context, which are inputs.

Dagster's rule holds: the first parameter is the context, whatever its name (``context``,
``_``, ``_context``, ``ctx`` ...). daskflow also allows solids without a context: the first
parameter is an input instead when it is annotated with a type (``a: int``), has a default,
or — with explicit ``input_defs`` — is declared as an input. A conventional context name
annotated ``Any`` (``context: Any``, as typed code writes it) is still the context.

>>> def hello(_context, name: str): ...
>>> first_param_is_context(hello, None)
True
>>> def add(a: int, b: int): ...
>>> first_param_is_context(add, None)
False
>>> def typed(context: Any, value: int): ...
>>> first_param_is_context(typed, None)
True
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Sequence
from typing import Any

from daskflow.definitions.io_defs import NO_VALUE, InputDefinition, OutputDefinition
from daskflow.errors import DaskflowInvalidDefinitionError

__all__ = [
    "first_param_is_context",
    "infer_input_defs",
    "infer_output_defs",
    "type_hints",
]


def _positional_params(fn: Callable[..., Any]) -> list[inspect.Parameter]:
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [p for p in inspect.signature(fn).parameters.values() if p.kind in kinds]


def _is_context_annotation(annotation: Any) -> bool:
    """``SolidExecutionContext`` (or any class named ``...Context``), also as a string."""
    if annotation is inspect.Parameter.empty:
        return True
    name = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return isinstance(name, str) and name.endswith("Context")


_CONTEXT_NAMES = frozenset({"context", "_context", "ctx", "_ctx", "_"})


def first_param_is_context(
    fn: Callable[..., Any], explicit: Sequence[InputDefinition] | None
) -> bool:
    """Whether ``fn``'s first parameter receives the context (see the module docstring)."""
    params = _positional_params(fn)
    if not params:
        return False
    first = params[0]
    if explicit is not None:
        return first.name not in {i.name for i in explicit}
    if first.default is not first.empty:
        return False
    if first.name in _CONTEXT_NAMES and first.annotation in (Any, "Any", "typing.Any"):
        return True
    return _is_context_annotation(first.annotation)


def infer_input_defs(
    fn: Callable[..., Any],
    owner: str,
    explicit: Sequence[InputDefinition] | None,
    has_context: bool,
) -> list[InputDefinition]:
    """Inputs from the signature (annotations, defaults) or checked against ``explicit``."""
    params = list(inspect.signature(fn).parameters.values())
    if has_context:
        params = params[1:]
    var_kw = any(p.kind is p.VAR_KEYWORD for p in params)
    for p in params:
        if p.kind is p.VAR_POSITIONAL:
            raise DaskflowInvalidDefinitionError(
                f"{owner}: *{p.name} is not supported; declare each input as a parameter"
            )
    params = [p for p in params if p.kind is not p.VAR_KEYWORD]
    if explicit is None:
        hints = type_hints(fn)
        return [
            InputDefinition(
                p.name,
                daskflow_type=_annotation(hints.get(p.name, p.annotation)),
                default_value=NO_VALUE if p.default is p.empty else p.default,
            )
            for p in params
        ]
    _check_explicit_inputs(owner, explicit, params, var_kw)
    return list(explicit)


def _check_explicit_inputs(
    owner: str,
    explicit: Sequence[InputDefinition],
    params: list[inspect.Parameter],
    var_kw: bool,
) -> None:
    """Every parameter without a default is declared; every declared input (but Nothing
    ones, which get no parameter) is a parameter, or lands in ``**kwargs``."""
    declared = {i.name for i in explicit}
    missing = [p.name for p in params if p.name not in declared and p.default is p.empty]
    if missing:
        raise DaskflowInvalidDefinitionError(
            f"{owner}: parameter(s) {', '.join(missing)} have no InputDefinition; "
            f"declared inputs are: {', '.join(sorted(declared)) or 'none'}"
        )
    names = {p.name for p in params}
    nothing_params = [i.name for i in explicit if i.is_nothing and i.name in names]
    if nothing_params:
        raise DaskflowInvalidDefinitionError(
            f"{owner}: input(s) {', '.join(nothing_params)} are of type Nothing, which "
            "carries no value: remove the parameter(s) from the function signature"
        )
    extra = [i.name for i in explicit if i.name not in names and not i.is_nothing]
    if extra and not var_kw:
        raise DaskflowInvalidDefinitionError(
            f"{owner}: input_defs name {', '.join(extra)} but the function has no such "
            "parameter (add it, or accept **kwargs)"
        )


def type_hints(fn: Callable[..., Any]) -> dict[str, Any]:
    """Annotations with strings (``from __future__ import annotations``) evaluated."""
    try:
        return typing.get_type_hints(fn)
    except Exception:  # a name only defined locally: fall back to the raw annotations
        return {}


def _annotation(annotation: Any) -> Any:
    return None if annotation is inspect.Parameter.empty else annotation


def infer_output_defs(fn: Callable[..., Any]) -> list[OutputDefinition]:
    """One output ``result``, typed by the return annotation (untyped for generators)."""
    if inspect.isgeneratorfunction(fn):
        return [OutputDefinition()]
    ret = type_hints(fn).get("return", inspect.signature(fn).return_annotation)
    if ret is None or ret is type(None):
        return [OutputDefinition()]
    return [OutputDefinition(_annotation(ret))]
