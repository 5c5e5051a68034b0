"""``Set[T]`` and ``Tuple[A, B, ...]``: collection types checking every element.

>>> from daskflow.types._builtins import Int, String
>>> ctx = TypeCheckContext.empty()
>>> set_of(Int).type_check(ctx, {1, 2}).success, set_of(Int).type_check(ctx, [1]).success
(True, False)
>>> tuple_of((Int, String)).display_name
'Tuple[Int, String]'
>>> tuple_of((Int, String)).type_check(ctx, (1, 2)).description
'element 1 of Tuple[Int, String]: Value of type "int" failed type check for type "String"'
"""

from __future__ import annotations

import typing

import daskflow.config as _config
from daskflow.types._core import DaskflowType, TypeCheck, TypeCheckContext
from daskflow.types._loaders import ScalarLoader, TypeLoader

__all__ = ["SetType", "TupleType", "set_of", "tuple_of"]


def _unique(types: typing.Iterable[DaskflowType]) -> tuple[DaskflowType, ...]:
    return tuple(dict.fromkeys(types))


class SetType(DaskflowType):
    """A python set whose every element passes ``inner_type``; see ``Set[T]``."""

    def __init__(self, inner_type: DaskflowType) -> None:
        self.inner_type = inner_type
        super().__init__(
            f"Set[{inner_type.display_name}]",
            self._check,
            loader=_elements_loader([inner_type], set, variadic=True),
            description=f"A set of {inner_type.display_name}.",
            python_type=(set, frozenset),
        )

    def _check(self, context: TypeCheckContext, value: typing.Any) -> TypeCheck:
        if not isinstance(value, set | frozenset):
            return TypeCheck(False, f'Value of type "{type(value).__name__}" is not a set')
        for item in value:
            result = self.inner_type.type_check(context, item)
            if not result.success:
                return TypeCheck(
                    False,
                    f"an element of {self.name}: {result.description}",
                    result.metadata_entries,
                )
        return TypeCheck(True)

    @property
    def inner_types(self) -> tuple[DaskflowType, ...]:
        return _unique((self.inner_type, *self.inner_type.inner_types))

    def __reduce_ex__(self, protocol: typing.Any) -> typing.Any:
        return (set_of, (self.inner_type,))


class TupleType(DaskflowType):
    """A python tuple with one element of each of ``element_types``; see ``Tuple[A, B]``."""

    def __init__(self, element_types: tuple[DaskflowType, ...]) -> None:
        self.element_types = element_types
        names = ", ".join(t.display_name for t in element_types)
        super().__init__(
            f"Tuple[{names}]",
            self._check,
            loader=_elements_loader(list(element_types), tuple, variadic=False),
            description=f"A tuple of {names}.",
            python_type=tuple,
        )

    def _check(self, context: TypeCheckContext, value: typing.Any) -> TypeCheck:
        if not isinstance(value, tuple):
            return TypeCheck(False, f'Value of type "{type(value).__name__}" is not a tuple')
        if len(value) != len(self.element_types):
            return TypeCheck(
                False, f"{self.name} has {len(self.element_types)} elements, got {len(value)}"
            )
        for index, (item, element_type) in enumerate(zip(value, self.element_types, strict=True)):
            result = element_type.type_check(context, item)
            if not result.success:
                return TypeCheck(
                    False,
                    f"element {index} of {self.name}: {result.description}",
                    result.metadata_entries,
                )
        return TypeCheck(True)

    @property
    def inner_types(self) -> tuple[DaskflowType, ...]:
        nested = [t for element in self.element_types for t in (element, *element.inner_types)]
        return _unique(nested)

    def __reduce_ex__(self, protocol: typing.Any) -> typing.Any:
        return (tuple_of, (self.element_types,))


def _elements_loader(
    element_types: list[DaskflowType], build: type, variadic: bool
) -> TypeLoader | None:
    """A list-of-scalars loader (``[1, 2]``) when every element type has a scalar loader."""
    loaders = [t.loader for t in element_types]
    if not all(isinstance(loader, ScalarLoader) for loader in loaders):
        return None
    scalar_loaders = typing.cast(list[ScalarLoader], loaders)
    if variadic:
        inner = scalar_loaders[0]

        def load_all(_context: typing.Any, config_value: typing.Any) -> typing.Any:
            return build(inner.convert(item) for item in config_value)

        return TypeLoader(_config.Array(inner.scalar_schema), load_all)

    def load_each(_context: typing.Any, config_value: typing.Any) -> typing.Any:
        return build(
            loader.convert(item) for loader, item in zip(scalar_loaders, config_value, strict=False)
        )

    return TypeLoader(_config.Array(_config.Any), load_each)


_SETS: dict[DaskflowType, SetType] = {}
_TUPLES: dict[tuple[DaskflowType, ...], TupleType] = {}


def set_of(inner_type: DaskflowType) -> SetType:
    """The (shared) ``Set`` of a DaskflowType."""
    if inner_type not in _SETS:
        _SETS[inner_type] = SetType(inner_type)
    return _SETS[inner_type]


def tuple_of(element_types: tuple[DaskflowType, ...]) -> TupleType:
    """The (shared) ``Tuple`` of DaskflowTypes."""
    if element_types not in _TUPLES:
        _TUPLES[element_types] = TupleType(element_types)
    return _TUPLES[element_types]
