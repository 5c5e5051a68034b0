"""Declarations of a solid's inputs and outputs: names, types, defaults and IO manager keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from daskflow.definitions.names import check_valid_name
from daskflow.types import DaskflowType, TypeLoader, resolve_daskflow_type

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
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "daskflow_type", resolve_daskflow_type(daskflow_type))
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
