"""``@composite_solid``: a reusable sub-graph of solids that flattens into the pipeline.

Its body is traced like a pipeline's; its parameters are its inputs and what it returns
are its outputs. With ``config_fn`` (and usually ``config_schema``) it exposes one config
block that is mapped onto its inner solids' config (config mapping). An input that
nothing connects is set from run config (``solids.<composite>.inputs``) or its default.

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

from daskflow.config import ConfiguredMapping, Field, config_field_from_schema, configured_copy
from daskflow.definitions import composition
from daskflow.definitions.composition import InputMappingHandle, OutputHandle
from daskflow.definitions.io_defs import InputDefinition, OutputDefinition
from daskflow.definitions.names import check_valid_name
from daskflow.definitions.signature import infer_input_defs
from daskflow.errors import DaskflowInvalidDefinitionError

__all__ = ["CompositeSolidDefinition", "composite_solid"]


class CompositeSolidDefinition:
    """A traced sub-graph with input and output mappings and optional config mapping."""

    def __init__(  # noqa: PLR0913 (the decorator's options, positional as in Dagster)
        self,
        name: str,
        body: Callable[..., Any],
        input_defs: Sequence[InputDefinition] | None = None,
        output_defs: Sequence[OutputDefinition] | None = None,
        description: str | None = None,
        config_schema: Any = None,
        config_fn: Callable[..., Any] | None = None,
        *,
        tags: Mapping[str, str] | None = None,
    ):
        self.name = check_valid_name(name, "composite solid")
        owner = f'composite solid "{name}"'
        self.input_defs = tuple(infer_input_defs(body, owner, input_defs, has_context=False))
        self.positional_inputs = [i.name for i in self.input_defs]
        self.config_field: Field | None = config_field_from_schema(config_schema)
        self.config_fn = config_fn
        self.config_mapping: ConfiguredMapping | None = None  # set by ``configured``
        if config_fn is None and self.config_field is not None:
            raise DaskflowInvalidDefinitionError(
                f"{owner}: a config_schema needs a config_fn mapping it onto the inner solids"
            )
        self.description = description or inspect.getdoc(body)
        self.tags = dict(tags or {})
        self.__name__ = name
        self.__doc__ = body.__doc__
        handles = tuple(InputMappingHandle(i.name) for i in self.input_defs)
        self.invocations, returned = composition.trace(body, name, "composite solid", handles)
        self.output_mapping = _output_mapping(owner, returned, output_defs)
        self.output_defs = tuple(
            output_defs or [OutputDefinition(name=n) for n in self.output_mapping]
        )
        _check_inputs_used(owner, self)

    @property
    def has_config_mapping(self) -> bool:
        """Config goes to ``config`` (mapped onto the inner solids), not ``solids``."""
        return self.config_fn is not None or self.config_mapping is not None

    @property
    def config_schema(self) -> Field | None:
        return self.config_field

    @property
    def required_resource_keys(self) -> frozenset[str]:
        keys: set[str] = set()
        for inv in self.invocations:
            keys |= inv.definition.required_resource_keys
        return frozenset(keys)

    def input_def_named(self, name: str) -> InputDefinition:
        return next(i for i in self.input_defs if i.name == name)

    def output_def_named(self, name: str) -> OutputDefinition:
        return next(o for o in self.output_defs if o.name == name)

    def configured(
        self,
        config_or_config_fn: Any,
        config_schema: Any = None,
        name: str | None = None,
        description: str | None = None,
    ) -> CompositeSolidDefinition:
        """A copy whose config is given, or computed from config validated against
        ``config_schema``, before this composite's own config mapping applies."""
        owner = f'composite solid "{self.name}"'
        clone = configured_copy(self, owner, config_or_config_fn, config_schema, description)
        clone.name = check_valid_name(name or self.name, "composite solid")
        return clone

    def alias(self, name: str) -> composition.PendingInvocation:
        return composition.PendingInvocation(self, alias=check_valid_name(name, "alias"))

    def tag(self, tags: Mapping[str, str]) -> composition.PendingInvocation:
        return composition.PendingInvocation(self, tags=dict(tags))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not composition.is_tracing():
            raise DaskflowInvalidDefinitionError(
                f"composite solid {self.name!r} can only be called inside a @pipeline or "
                "@composite_solid body"
            )
        return composition.PendingInvocation(self)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<CompositeSolidDefinition {self.name}>"


def _check_inputs_used(owner: str, definition: CompositeSolidDefinition) -> None:
    """Every input of the composite feeds an inner solid or one of its outputs."""
    used = {h.input_name for h in definition.output_mapping.values() if _is_input(h)}
    for inv in definition.invocations:
        for source in inv.inputs.values():
            sources = source if isinstance(source, list) else [source]
            used |= {h.input_name for h in sources if _is_input(h)}
    unused = [i.name for i in definition.input_defs if i.name not in used]
    if unused:
        raise DaskflowInvalidDefinitionError(
            f"{owner} has unmapped input(s) {', '.join(unused)}: pass each to a solid "
            "invocation in the body, or remove it"
        )


def _is_input(handle: Any) -> bool:
    return isinstance(handle, InputMappingHandle)


def _output_mapping(
    owner: str, returned: Any, output_defs: Sequence[OutputDefinition] | None
) -> dict[str, Any]:
    handles = (OutputHandle, InputMappingHandle)
    if returned is None:
        mapping: dict[str, Any] = {}
    elif isinstance(returned, handles):
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
        if not isinstance(handle, handles):
            raise DaskflowInvalidDefinitionError(
                f"{owner}: output {name!r} must map to a solid's output, got {handle!r:.60}"
            )
    return mapping


def composite_solid(  # noqa: PLR0913 (Dagster's signature, positional order included)
    name: str | Callable[..., Any] | None = None,
    input_defs: Sequence[InputDefinition] | None = None,
    output_defs: Sequence[OutputDefinition] | None = None,
    description: str | None = None,
    config_schema: Any = None,
    config_fn: Callable[..., Any] | None = None,
    *,
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
            description,
            config_schema,
            config_fn,
            tags=tags,
        )

    return decorate
