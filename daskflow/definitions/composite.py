"""Composite solids: a reusable sub-graph of solids that flattens into the pipeline.

Built by ``@composite_solid``, whose body is traced like a pipeline's (its parameters are
its inputs, what it returns its outputs), or as in Dagster 0.9 by
``CompositeSolidDefinition(name, solid_defs, input_mappings, output_mappings,
config_mapping, dependencies, ...)`` (``composite_wiring.py``). A ``ConfigMapping``
(``config_fn``, usually with a ``config_schema``) exposes one config block mapped onto the
inner solids' config. An input that nothing connects is set from run config
(``solids.<composite>.inputs``) or its default.

>>> from daskflow.definitions.solid import solid
>>> @solid
... def double(_, x: int) -> int:
...     return 2 * x
>>> @composite_solid
... def quadruple(x):
...     return double(double(x))
>>> [i.node_name for i in quadruple.invocations]
['double', 'double_2']
>>> from daskflow.definitions.dependencies import DependencyDefinition, SolidInvocation
>>> from daskflow.definitions.io_defs import InputDefinition, OutputDefinition
>>> explicit = CompositeSolidDefinition(
...     "quadruple", [double],
...     input_mappings=[InputDefinition("x").mapping_to("first", "x")],
...     output_mappings=[OutputDefinition().mapping_from("second")],
...     dependencies={SolidInvocation("double", "first"): {},
...                   SolidInvocation("double", "second"): {"x": DependencyDefinition("first")}})
>>> [i.node_name for i in explicit.invocations]
['first', 'second']
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from daskflow.config import ConfigMapping, ConfiguredMapping, Field, configured_copy
from daskflow.definitions import composition
from daskflow.definitions.composite_wiring import (
    Wiring,
    check_wiring,
    explicit_wiring,
    traced_wiring,
)
from daskflow.definitions.dependencies import SolidInvocation
from daskflow.definitions.invocable import Invocable
from daskflow.definitions.io_defs import InputDefinition, OutputDefinition
from daskflow.definitions.mappings import InputMapping, OutputMapping
from daskflow.definitions.names import check_valid_name
from daskflow.errors import DaskflowInvalidDefinitionError

if TYPE_CHECKING:
    from daskflow.definitions.solid import SolidDefinition

    NodeDefinition: TypeAlias = SolidDefinition | "CompositeSolidDefinition"

__all__ = ["CompositeSolidDefinition", "composite_solid"]


class CompositeSolidDefinition(Invocable):
    """A sub-graph with input and output mappings and optional config mapping.

    ``solid_defs`` is Dagster's: the inner solids, wired by ``dependencies`` as in
    ``PipelineDefinition`` and mapped by ``input_mappings``/``output_mappings``. It may
    instead be a body function, traced like ``@composite_solid``'s (which uses this form),
    whose inputs and outputs can be declared by ``input_defs`` and ``output_defs``.
    """

    def __init__(  # noqa: PLR0913 (Dagster's signature, positional order included)
        self,
        name: str,
        solid_defs: Sequence[NodeDefinition] | Callable[..., Any],
        input_mappings: Sequence[InputMapping] | None = None,
        output_mappings: Sequence[OutputMapping] | None = None,
        config_mapping: ConfigMapping | None = None,
        dependencies: Mapping[str | SolidInvocation, Mapping[str, Any]] | None = None,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
        positional_inputs: Sequence[str] | None = None,
        *,
        input_defs: Sequence[InputDefinition] | None = None,
        output_defs: Sequence[OutputDefinition] | None = None,
    ):
        self.name = check_valid_name(name, "composite solid")
        owner = f'composite solid "{name}"'
        if isinstance(solid_defs, Invocable):
            raise DaskflowInvalidDefinitionError(
                f'{owner}: solid_defs is a list of solids; got "{solid_defs.name}" alone, put it '
                "in a list"
            )
        self._set_config(owner, config_mapping)
        self.tags = dict(tags or {})
        self.__name__ = name
        if callable(solid_defs):
            explicit_only = (input_mappings, output_mappings, dependencies, positional_inputs)
            self._check_body_form(owner, *explicit_only)
            self.description = description or inspect.getdoc(solid_defs)
            self.__doc__ = solid_defs.__doc__
            wiring = traced_wiring(owner, name, solid_defs, input_defs, output_defs)
        else:
            self._check_explicit_form(owner, input_defs, output_defs)
            self.description = description
            wiring = explicit_wiring(
                owner, solid_defs, input_mappings, output_mappings, dependencies, positional_inputs
            )
        check_wiring(owner, wiring)
        self._set_wiring(wiring)

    def _set_config(self, owner: str, config_mapping: ConfigMapping | None) -> None:
        if config_mapping is not None and not isinstance(config_mapping, ConfigMapping):
            raise DaskflowInvalidDefinitionError(
                f"{owner}: config_mapping must be a ConfigMapping(config_fn, config_schema), "
                f"got {config_mapping!r:.60}"
            )
        self.config_field: Field | None = None
        self.config_fn: Callable[..., Any] | None = None
        if config_mapping is not None:
            self.config_field = config_mapping.config_field
            self.config_fn = config_mapping.config_fn
        # Set by ``configured`` (a chain applied before ``config_fn``), as on every definition.
        self.config_mapping: ConfiguredMapping | None = None

    def _set_wiring(self, wiring: Wiring) -> None:
        self.input_defs = wiring.input_defs
        self.output_defs = wiring.output_defs
        self.invocations = wiring.invocations
        self.output_mapping = wiring.output_mapping
        self.positional_inputs = wiring.positional_inputs

    @staticmethod
    def _check_body_form(owner: str, *explicit_only: Any) -> None:
        if any(arg is not None for arg in explicit_only):
            raise DaskflowInvalidDefinitionError(
                f"{owner}: input_mappings, output_mappings, dependencies and positional_inputs "
                "go with a list of solid_defs; a body function declares input_defs and "
                "output_defs instead (its parameters are its positional inputs)"
            )

    @staticmethod
    def _check_explicit_form(owner: str, *body_only: Any) -> None:
        if any(arg is not None for arg in body_only):
            raise DaskflowInvalidDefinitionError(
                f"{owner}: input_defs and output_defs go with a body function; with solid_defs, "
                "declare them by input_mappings (InputDefinition(...).mapping_to(solid, input)) "
                "and output_mappings (OutputDefinition(...).mapping_from(solid, output))"
            )

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
        composite_name = name or body.__name__
        if config_fn is None and config_schema is not None:
            raise DaskflowInvalidDefinitionError(
                f'composite solid "{composite_name}": a config_schema needs a config_fn mapping '
                "it onto the inner solids"
            )
        return CompositeSolidDefinition(
            composite_name,
            body,
            config_mapping=None if config_fn is None else ConfigMapping(config_fn, config_schema),
            description=description,
            tags=tags,
            input_defs=input_defs,
            output_defs=output_defs,
        )

    return decorate
