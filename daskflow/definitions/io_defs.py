"""Declarations of a solid's inputs and outputs: names, types, defaults and IO manager keys;
``mapping_to``/``mapping_from`` map them into an explicitly built composite (``mappings.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from daskflow.definitions.mappings import InputMapping, OutputMapping
from daskflow.definitions.names import check_valid_name
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.types import (
    DaskflowType,
    DaskflowTypeCheckError,
    TypeCheckContext,
    TypeLoader,
    resolve_daskflow_type,
)

__all__ = ["InputDefinition", "OutputDefinition", "NO_VALUE"]


class _NoValue:
    """Marks 'no default value' (``None`` is a valid default)."""

    def __repr__(self) -> str:
        return "NO_VALUE"

    def __bool__(self) -> bool:
        return False


NO_VALUE: Any = _NoValue()


@dataclass(frozen=True, init=False)
class InputDefinition:
    """One input of a solid.

    >>> InputDefinition("cereals", description="rows to filter").daskflow_type.name
    'Any'
    """

    name: str
    daskflow_type: DaskflowType
    description: str | None
    default_value: Any

    def __init__(
        self,
        name: str,
        daskflow_type: object = None,
        description: str | None = None,
        default_value: Any = NO_VALUE,
    ) -> None:
        check_valid_name(name, "input")
        resolved = resolve_daskflow_type(daskflow_type)
        if default_value is not NO_VALUE:
            _check_default(name, resolved, default_value)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "daskflow_type", resolved)
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "default_value", default_value)

    @property
    def has_default(self) -> bool:
        return self.default_value is not NO_VALUE

    @property
    def loader(self) -> TypeLoader | None:
        """The type's config loader, or None when the input cannot be filled from config."""
        return self.daskflow_type.loader

    @property
    def is_nothing(self) -> bool:
        return self.daskflow_type.is_nothing

    def mapping_to(
        self, solid_name: str, input_name: str, fan_in_index: int | None = None
    ) -> InputMapping:
        """This input, as an input of a composite, feeds ``solid_name``'s ``input_name``."""
        if fan_in_index is not None:
            raise DaskflowInvalidDefinitionError(
                f'input "{self.name}" mapping to {solid_name}.{input_name}: fan_in_index is not '
                "supported; map the composite input to a solid that builds the list instead"
            )
        return InputMapping(self, solid_name, input_name)


def _check_default(name: str, daskflow_type: DaskflowType, value: Any) -> None:
    """A default value must pass the input's type check (checks needing resources aside)."""
    where = f'the default_value of input "{name}"'
    if daskflow_type.is_nothing:
        raise DaskflowInvalidDefinitionError(
            f"{where}: an input of type Nothing carries no value and takes no default"
        )
    if daskflow_type.required_resource_keys:
        return
    try:
        check = daskflow_type.type_check(TypeCheckContext.empty(), value)
    except DaskflowTypeCheckError as exc:
        raise DaskflowInvalidDefinitionError(f"{where}: {exc}") from exc
    if not check.success:
        raise DaskflowInvalidDefinitionError(
            f'{where} ({value!r:.60}) fails the type check of "{daskflow_type.display_name}": '
            f"{check.description}"
        )


@dataclass(frozen=True, init=False)
class OutputDefinition:
    """One output of a solid; ``io_manager_key`` names the resource that stores it."""

    name: str
    daskflow_type: DaskflowType
    description: str | None
    is_required: bool
    io_manager_key: str

    def __init__(
        self,
        daskflow_type: object = None,
        name: str = "result",
        description: str | None = None,
        is_required: bool = True,
        io_manager_key: str = "io_manager",
    ) -> None:
        check_valid_name(name, "output")
        check_valid_name(io_manager_key, "io_manager_key")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "daskflow_type", resolve_daskflow_type(daskflow_type))
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "is_required", is_required)
        object.__setattr__(self, "io_manager_key", io_manager_key)

    def mapping_from(self, solid_name: str, output_name: str | None = None) -> OutputMapping:
        """This output, as an output of a composite, is ``solid_name``'s ``output_name``."""
        return OutputMapping(self, solid_name, output_name or "result")

    def mapping_from_input(self, input_name: str) -> OutputMapping:
        """This output, as an output of a composite, is the composite's input ``input_name``
        passed straight through (daskflow's; Dagster 0.9 maps only from inner solids)."""
        return OutputMapping(self, input_name=input_name)
