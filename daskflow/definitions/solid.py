"""``@solid`` and ``SolidDefinition``: a typed, configurable function that is one pipeline step.

The first parameter is the context when it is named ``context`` or ``_``; every other
parameter is an input. Types come from ``input_defs``/``output_defs`` or annotations.

>>> @solid
... def add_one(_, num: int) -> int:
...     return num + 1
>>> [(i.name, i.daskflow_type.name) for i in add_one.input_defs]
[('num', 'Int')]
>>> add_one.output_defs[0].name
'result'
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from daskflow.config import config_field_from_schema
from daskflow.definitions import composition
from daskflow.definitions.events import RetryPolicy
from daskflow.definitions.io_defs import NO_VALUE, InputDefinition, OutputDefinition
from daskflow.definitions.names import check_valid_name
from daskflow.errors import DaskflowInvalidDefinitionError

__all__ = ["SolidDefinition", "solid"]

CONTEXT_PARAM_NAMES = ("context", "_")


class SolidDefinition:
    """A solid: its compute function plus everything the engine and tools need to know."""

    def __init__(  # noqa: PLR0913 (public API: options are keyword-only)
        self,
        name: str,
        compute_fn: Callable[..., Any],
        input_defs: Sequence[InputDefinition] = (),
        output_defs: Sequence[OutputDefinition] | None = None,
        config_schema: Any = None,
        *,
        required_resource_keys: Sequence[str] | None = None,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
        retry_policy: RetryPolicy | None = None,
        has_context_arg: bool = True,
    ):
        self.name = check_valid_name(name, "solid")
        self.compute_fn = compute_fn
        self.input_defs = tuple(input_defs)
        self.output_defs = tuple([OutputDefinition()] if output_defs is None else output_defs)
        self.config_field = config_field_from_schema(config_schema)
        self.required_resource_keys = frozenset(required_resource_keys or ())
        self.description = description
        self.tags = dict(tags or {})
        self.retry_policy = retry_policy
        self.has_context_arg = has_context_arg
        for key in self.required_resource_keys:
            check_valid_name(key, f"resource key of solid {name!r}")
        if retry_policy is not None and not isinstance(retry_policy, RetryPolicy):
            raise DaskflowInvalidDefinitionError(
                f"solid {name!r}: retry_policy must be a RetryPolicy, got {retry_policy!r}"
            )
        _check_unique([i.name for i in self.input_defs], f"solid {name!r}", "input")
        _check_unique([o.name for o in self.output_defs], f"solid {name!r}", "output")

    # -- lookups -----------------------------------------------------------------------
    def input_def_named(self, name: str) -> InputDefinition:
        return next(i for i in self.input_defs if i.name == name)

    def output_def_named(self, name: str) -> OutputDefinition:
        return next(o for o in self.output_defs if o.name == name)

    @property
    def is_generator(self) -> bool:
        return inspect.isgeneratorfunction(self.compute_fn)

    # -- composition -------------------------------------------------------------------
    def alias(self, name: str) -> composition.PendingInvocation:
        """Use this solid under another name: ``add_one.alias("add_two")(x)``."""
        return composition.PendingInvocation(self, alias=check_valid_name(name, "alias"))

    def tag(self, tags: Mapping[str, str]) -> composition.PendingInvocation:
        return composition.PendingInvocation(self, tags=dict(tags))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Inside ``@pipeline``: record the call. Outside: call the function (unit tests)."""
        if composition.is_tracing():
            return composition.PendingInvocation(self)(*args, **kwargs)
        return self.compute_fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<SolidDefinition {self.name}>"


def _check_unique(names: list[str], owner: str, what: str) -> None:
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise DaskflowInvalidDefinitionError(f"{owner} declares the {what} {dupes[0]!r} twice")


def infer_input_defs(
    fn: Callable[..., Any],
    owner: str,
    explicit: Sequence[InputDefinition] | None,
    skip_context: bool,
) -> tuple[list[InputDefinition], bool]:
    """Inputs from the signature (annotations, defaults) or checked against ``explicit``."""
    params = list(inspect.signature(fn).parameters.values())
    has_context = bool(skip_context and params and params[0].name in CONTEXT_PARAM_NAMES)
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
        hints = _type_hints(fn)
        defs = [
            InputDefinition(
                p.name,
                daskflow_type=_annotation(hints.get(p.name, p.annotation)),
                default_value=NO_VALUE if p.default is p.empty else p.default,
            )
            for p in params
        ]
        return defs, has_context
    _check_explicit_inputs(owner, explicit, params, var_kw)
    return list(explicit), has_context


def _check_explicit_inputs(
    owner: str,
    explicit: Sequence[InputDefinition],
    params: list[inspect.Parameter],
    var_kw: bool,
) -> None:
    """Every parameter without a default is declared; every declared input (but Nothing
    ones) is a parameter, or lands in ``**kwargs``."""
    declared = {i.name for i in explicit}
    missing = [p.name for p in params if p.name not in declared and p.default is p.empty]
    if missing:
        raise DaskflowInvalidDefinitionError(
            f"{owner}: parameter(s) {', '.join(missing)} have no InputDefinition; "
            f"declared inputs are: {', '.join(sorted(declared)) or 'none'}"
        )
    # Nothing-typed inputs only order execution: the function gets no parameter for them.
    extra = [
        i.name for i in explicit if i.name not in {p.name for p in params} and not i.is_nothing
    ]
    if extra and not var_kw:
        raise DaskflowInvalidDefinitionError(
            f"{owner}: input_defs name {', '.join(extra)} but the function has no such "
            "parameter (add it, or accept **kwargs)"
        )


def _type_hints(fn: Callable[..., Any]) -> dict[str, Any]:
    """Annotations with strings (``from __future__ import annotations``) evaluated."""
    try:
        return typing.get_type_hints(fn)
    except Exception:  # a name only defined locally: fall back to the raw annotations
        return {}


def _annotation(annotation: Any) -> Any:
    return None if annotation is inspect.Parameter.empty else annotation


def infer_output_defs(fn: Callable[..., Any]) -> list[OutputDefinition]:
    if inspect.isgeneratorfunction(fn):
        return [OutputDefinition()]
    ret = _type_hints(fn).get("return", inspect.signature(fn).return_annotation)
    if ret is None or ret is type(None):
        return [OutputDefinition()]
    return [OutputDefinition(_annotation(ret))]


def solid(  # noqa: PLR0913 (public API: options are keyword-only)
    name: str | Callable[..., Any] | None = None,
    *,
    description: str | None = None,
    input_defs: Sequence[InputDefinition] | None = None,
    output_defs: Sequence[OutputDefinition] | None = None,
    config_schema: Any = None,
    required_resource_keys: Sequence[str] | set[str] | None = None,
    tags: Mapping[str, str] | None = None,
    retry_policy: RetryPolicy | None = None,
) -> Any:
    """Turn a function into a ``SolidDefinition``; usable as ``@solid`` or ``@solid(...)``."""
    if callable(name):
        return solid()(name)

    def decorate(fn: Callable[..., Any]) -> SolidDefinition:
        solid_name = fn.__name__ if name is None else name
        owner = f"solid {solid_name!r}"
        inputs, has_context = infer_input_defs(fn, owner, input_defs, skip_context=True)
        return SolidDefinition(
            name=solid_name,
            compute_fn=fn,
            input_defs=inputs,
            output_defs=output_defs if output_defs is not None else infer_output_defs(fn),
            config_schema=config_schema,
            required_resource_keys=sorted(required_resource_keys or ()),
            description=description or inspect.getdoc(fn),
            tags=tags,
            retry_policy=retry_policy,
            has_context_arg=has_context,
        )

    return decorate
