"""``@solid``, ``@lambda_solid`` and ``SolidDefinition``: a typed, configurable pipeline step.

The first parameter of a ``@solid`` function is its context, whatever its name (see
``daskflow.definitions.signature`` for the solids without one); every other parameter is
an input. Types come from ``input_defs``/``output_defs`` or annotations.

>>> @solid
... def add_one(_context, num: int) -> int:
...     return num + 1
>>> [(i.name, i.daskflow_type.name) for i in add_one.input_defs]
[('num', 'Int')]
>>> add_one.output_defs[0].name, add_one.__name__
('result', 'add_one')
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from daskflow.config import ConfiguredMapping, Field, config_field_from_schema, configured_copy
from daskflow.definitions import composition
from daskflow.definitions.events import RetryPolicy
from daskflow.definitions.invocable import Invocable
from daskflow.definitions.io_defs import InputDefinition, OutputDefinition
from daskflow.definitions.names import check_valid_name
from daskflow.definitions.signature import (
    first_param_is_context,
    infer_input_defs,
    infer_output_defs,
)
from daskflow.errors import DaskflowInvalidDefinitionError

__all__ = ["SolidDefinition", "lambda_solid", "solid"]


class _InputsAsDict:
    """Calls a Dagster-style compute function ``fn(context, inputs)`` the way the engine
    calls solids: ``(context, **inputs)``."""

    def __init__(self, fn: Callable[[Any, dict[str, Any]], Any]) -> None:
        self.fn = fn

    def __call__(self, context: Any, **inputs: Any) -> Any:
        return self.fn(context, inputs)


class SolidDefinition(Invocable):
    """A solid: its compute function plus everything the engine and tools need to know.

    Built directly, as in Dagster, ``compute_fn(context, inputs)`` receives the inputs as
    one dict and returns or yields its outputs; ``@solid`` builds one from a function
    whose parameters are the inputs.
    """

    __name__: str  # the decorated function's, for solids made by a decorator

    def __init__(  # noqa: PLR0913 (Dagster's signature, positional order included)
        self,
        name: str,
        input_defs: Sequence[InputDefinition] | None = None,
        compute_fn: Callable[..., Any] | None = None,
        output_defs: Sequence[OutputDefinition] | None = None,
        config_schema: Any = None,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
        required_resource_keys: Sequence[str] | set[str] | None = None,
        positional_inputs: Sequence[str] | None = None,
        version: str | None = None,
        *,
        retry_policy: RetryPolicy | None = None,
    ):
        self.name = check_valid_name(name, "solid")
        if not callable(compute_fn):
            raise DaskflowInvalidDefinitionError(
                f"solid {name!r}: compute_fn must be a function (context, inputs), got "
                f"{compute_fn!r:.60}"
            )
        self.input_defs = tuple(input_defs or ())
        self.output_defs = tuple([OutputDefinition()] if output_defs is None else output_defs)
        self.compute_fn: Callable[..., Any] = _InputsAsDict(compute_fn)
        self.has_context_arg = True
        self.config_field: Field | None = config_field_from_schema(config_schema)
        self.config_mapping: ConfiguredMapping | None = None  # set by ``configured``
        self.required_resource_keys = frozenset(required_resource_keys or ()) | _type_resources(
            [*self.input_defs, *self.output_defs]
        )
        self.description = description
        self.tags = dict(tags or {})
        self.retry_policy = retry_policy
        self.version = version
        self.positional_inputs = list(positional_inputs or (i.name for i in self.input_defs))
        self._check()

    def _check(self) -> None:
        owner = f"solid {self.name!r}"
        for key in self.required_resource_keys:
            check_valid_name(key, f"resource key of {owner}")
        if self.retry_policy is not None and not isinstance(self.retry_policy, RetryPolicy):
            raise DaskflowInvalidDefinitionError(
                f"{owner}: retry_policy must be a RetryPolicy, got {self.retry_policy!r}"
            )
        for what, defs, cls in (
            ("input", self.input_defs, InputDefinition),
            ("output", self.output_defs, OutputDefinition),
        ):
            wrong = [d for d in defs if not isinstance(d, cls)]
            if wrong:
                raise DaskflowInvalidDefinitionError(
                    f"{owner}: {what}_defs must be {cls.__name__}s, got {wrong[0]!r:.60}"
                )
            _check_unique([d.name for d in defs], owner, what)

    @classmethod
    def from_function(  # noqa: PLR0913 (the decorators' options)
        cls,
        fn: Callable[..., Any],
        name: str,
        input_defs: Sequence[InputDefinition],
        output_defs: Sequence[OutputDefinition],
        has_context: bool,
        **options: Any,
    ) -> SolidDefinition:
        """A solid calling ``fn(context?, **inputs)`` (what ``@solid`` and ``@lambda_solid``
        build); it keeps the function's ``__name__`` and ``__doc__``."""
        definition = cls(name, input_defs, fn, output_defs, **options)
        definition.compute_fn = fn
        definition.has_context_arg = has_context
        params = list(inspect.signature(fn).parameters)
        names = [i.name for i in definition.input_defs]
        in_signature = [n for n in params if n in names]
        definition.positional_inputs = in_signature + [n for n in names if n not in params]
        definition.__name__ = fn.__name__
        definition.__doc__ = fn.__doc__
        return definition

    # -- lookups -----------------------------------------------------------------------
    def input_def_named(self, name: str) -> InputDefinition:
        return next(i for i in self.input_defs if i.name == name)

    def output_def_named(self, name: str) -> OutputDefinition:
        return next(o for o in self.output_defs if o.name == name)

    @property
    def input_dict(self) -> dict[str, InputDefinition]:
        return {i.name: i for i in self.input_defs}

    @property
    def output_dict(self) -> dict[str, OutputDefinition]:
        return {o.name: o for o in self.output_defs}

    def has_output(self, name: str) -> bool:
        return any(o.name == name for o in self.output_defs)

    def has_input(self, name: str) -> bool:
        return any(i.name == name for i in self.input_defs)

    @property
    def config_schema(self) -> Field | None:
        """The config field users write config for (Dagster's name for it)."""
        return self.config_field

    @property
    def is_generator(self) -> bool:
        fn = self.compute_fn.fn if isinstance(self.compute_fn, _InputsAsDict) else self.compute_fn
        return inspect.isgeneratorfunction(fn)

    # -- configured ----------------------------------------------------------------------
    def configured(
        self,
        config_or_config_fn: Any,
        config_schema: Any = None,
        name: str | None = None,
        description: str | None = None,
    ) -> SolidDefinition:
        """A copy of this solid whose config is given (a value), or computed by a function
        from config validated against ``config_schema``; see ``daskflow.configured``."""
        owner = f'solid "{self.name}"'
        clone = configured_copy(self, owner, config_or_config_fn, config_schema, description)
        clone.name = check_valid_name(name or self.name, "solid")
        return clone

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


def _type_resources(defs: Sequence[InputDefinition | OutputDefinition]) -> frozenset[str]:
    """Resources the type checks of the solid's inputs and outputs use."""
    keys: set[str] = set()
    for definition in defs:
        daskflow_type = definition.daskflow_type
        for each in (daskflow_type, *daskflow_type.inner_types):
            keys |= each.required_resource_keys
    return frozenset(keys)


def _check_unique(names: list[str], owner: str, what: str) -> None:
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise DaskflowInvalidDefinitionError(f"{owner} declares the {what} {dupes[0]!r} twice")


def solid(  # noqa: PLR0913 (Dagster's signature, positional order included)
    name: str | Callable[..., Any] | None = None,
    description: str | None = None,
    input_defs: Sequence[InputDefinition] | None = None,
    output_defs: Sequence[OutputDefinition] | None = None,
    config_schema: Any = None,
    required_resource_keys: Sequence[str] | set[str] | None = None,
    tags: Mapping[str, str] | None = None,
    version: str | None = None,
    *,
    retry_policy: RetryPolicy | None = None,
) -> Any:
    """Turn a function into a ``SolidDefinition``; usable as ``@solid`` or ``@solid(...)``."""
    if callable(name):
        return solid()(name)

    def decorate(fn: Callable[..., Any]) -> SolidDefinition:
        solid_name = fn.__name__ if name is None else name
        owner = f"solid {solid_name!r}"
        has_context = first_param_is_context(fn, input_defs)
        inputs = infer_input_defs(fn, owner, input_defs, has_context)
        return SolidDefinition.from_function(
            fn,
            solid_name,
            inputs,
            output_defs if output_defs is not None else infer_output_defs(fn),
            has_context,
            config_schema=config_schema,
            required_resource_keys=sorted(required_resource_keys or ()),
            description=description or inspect.getdoc(fn),
            tags=tags,
            version=version,
            retry_policy=retry_policy,
        )

    return decorate


def lambda_solid(
    name: str | Callable[..., Any] | None = None,
    description: str | None = None,
    input_defs: Sequence[InputDefinition] | None = None,
    output_def: OutputDefinition | None = None,
) -> Any:
    """A solid without context or config: every parameter is an input, the returned value
    its one output. Usable as ``@lambda_solid`` or ``@lambda_solid(...)``."""
    if callable(name):
        return lambda_solid()(name)

    def decorate(fn: Callable[..., Any]) -> SolidDefinition:
        solid_name = fn.__name__ if name is None else name
        owner = f"lambda solid {solid_name!r}"
        if inspect.isgeneratorfunction(fn):
            raise DaskflowInvalidDefinitionError(
                f"{owner}: a lambda solid returns its value; use @solid to yield outputs"
            )
        inputs = infer_input_defs(fn, owner, input_defs, has_context=False)
        output = output_def if output_def is not None else infer_output_defs(fn)[0]
        return SolidDefinition.from_function(
            fn,
            solid_name,
            inputs,
            [output],
            False,
            description=description or inspect.getdoc(fn),
        )

    return decorate
