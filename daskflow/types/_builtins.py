"""Builtin types: ``Any Int Float String Bool Nothing Dict``, Optional/List and python classes.

Scalars come with loaders so an unconnected input can be set from run config.

>>> ctx = TypeCheckContext.empty()
>>> Int.type_check(ctx, 3).success, Int.type_check(ctx, True).success
(True, False)
>>> optional_of(Int).display_name, list_of(String).display_name
('Optional[Int]', 'List[String]')
>>> list_of(Int).type_check(ctx, [1, "a", 2.5]).description  # doctest: +ELLIPSIS
'2 of 3 elements of List[Int] failed; first at index 1: Value of type "str" failed...'
"""

from __future__ import annotations

import numbers
import sys
import typing

import daskflow.config as _config
from daskflow.types._core import DaskflowType, TypeCheck, TypeCheckContext
from daskflow.types._loaders import TypeLoader, list_loader, raw_loader, scalar_loader

__all__ = [
    "Any",
    "Bool",
    "Dict",
    "Float",
    "Int",
    "ListType",
    "Nothing",
    "OptionalType",
    "PythonObjectDaskflowType",
    "String",
    "list_of",
    "optional_of",
]

_HERE = __name__


def _is_numpy_bool(value: typing.Any) -> bool:
    numpy = sys.modules.get("numpy")
    return numpy is not None and isinstance(value, numpy.bool_)


def _is_int(_context: TypeCheckContext, value: typing.Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_float(_context: TypeCheckContext, value: typing.Any) -> bool:
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and not _is_numpy_bool(value)
    )


def _is_bool(_context: TypeCheckContext, value: typing.Any) -> bool:
    return isinstance(value, bool) or _is_numpy_bool(value)


def _builtin(
    name: str,
    check: typing.Callable[[TypeCheckContext, typing.Any], bool],
    description: str,
    python_type: type | tuple[type, ...] | None = None,
    loader: TypeLoader | None = None,
) -> DaskflowType:
    daskflow_type = DaskflowType(
        name, check, loader=loader, description=description, python_type=python_type
    )
    daskflow_type._pickle_by_reference(_HERE, name)
    return daskflow_type


Any = _builtin(
    "Any", lambda _ctx, _value: True, "Any value at all.", loader=raw_loader(_config.Any)
)
Int = _builtin("Int", _is_int, "An integer (not a bool).", int, scalar_loader(_config.Int, int))
Float = _builtin(
    "Float",
    _is_float,
    "A real number: float or int (not a bool).",
    float,
    scalar_loader(_config.Float, float),
)
String = _builtin(
    "String",
    lambda _ctx, value: isinstance(value, str),
    "A string.",
    str,
    scalar_loader(_config.String, str),
)
Bool = _builtin("Bool", _is_bool, "A boolean.", bool, scalar_loader(_config.Bool, bool))
Dict = _builtin("Dict", lambda _ctx, value: isinstance(value, dict), "A python dict.", dict)


class _NothingType(DaskflowType):
    """Carries no data: an input of this type only orders solids."""

    is_nothing = True


Nothing = _NothingType(
    "Nothing",
    lambda _ctx, value: value is None,
    description="No value: the dependency only orders execution.",
)
Nothing._pickle_by_reference(_HERE, "Nothing")


def _unique(types: typing.Iterable[DaskflowType]) -> tuple[DaskflowType, ...]:
    return tuple(dict.fromkeys(types))


class OptionalType(DaskflowType):
    """``None`` or a value of ``inner_type``; build it with ``optional_of`` or ``Optional[T]``."""

    def __init__(self, inner_type: DaskflowType) -> None:
        self.inner_type = inner_type
        super().__init__(
            f"Optional[{inner_type.display_name}]",
            self._check,
            loader=_optional_loader(inner_type),
            description=f"None or {inner_type.display_name}.",
        )

    def _check(self, context: TypeCheckContext, value: typing.Any) -> TypeCheck:
        return TypeCheck(True) if value is None else self.inner_type.type_check(context, value)

    @property
    def inner_types(self) -> tuple[DaskflowType, ...]:
        return _unique((self.inner_type, *self.inner_type.inner_types))

    def __reduce_ex__(self, protocol: typing.Any) -> typing.Any:
        return (optional_of, (self.inner_type,))


def _optional_loader(inner_type: DaskflowType) -> TypeLoader | None:
    inner = inner_type.loader
    if inner is None:
        return None

    def load(context: typing.Any, config_value: typing.Any) -> typing.Any:
        return None if config_value is None else inner.load(context, config_value)

    return TypeLoader(_config.Noneable(inner.config_schema), load)


class ListType(DaskflowType):
    """A python list whose every element passes ``inner_type``; see ``list_of``/``List[T]``."""

    def __init__(self, inner_type: DaskflowType) -> None:
        self.inner_type = inner_type
        loader = list_loader(inner_type.loader) if inner_type.loader else None
        super().__init__(
            f"List[{inner_type.display_name}]",
            self._check,
            loader=loader,
            description=f"A list of {inner_type.display_name}.",
            python_type=list,
        )

    def _check(self, context: TypeCheckContext, value: typing.Any) -> TypeCheck:
        if not isinstance(value, list):
            return TypeCheck(
                False, f'Value of type "{type(value).__name__}" is not a list ({self.name})'
            )
        first: tuple[int, TypeCheck] | None = None
        failed = 0
        for index, item in enumerate(value):
            result = self.inner_type.type_check(context, item)
            if not result.success:
                failed += 1
                first = first or (index, result)
        if first is None:
            return TypeCheck(True)
        return TypeCheck(
            False,
            f"{failed} of {len(value)} elements of {self.name} failed; "
            f"first at index {first[0]}: {first[1].description}",
            first[1].metadata_entries,
        )

    @property
    def inner_types(self) -> tuple[DaskflowType, ...]:
        return _unique((self.inner_type, *self.inner_type.inner_types))

    def __reduce_ex__(self, protocol: typing.Any) -> typing.Any:
        return (list_of, (self.inner_type,))


_OPTIONALS: dict[DaskflowType, OptionalType] = {}
_LISTS: dict[DaskflowType, ListType] = {}


def optional_of(inner_type: DaskflowType) -> OptionalType:
    """The (shared) ``Optional`` of a DaskflowType; ``Optional[Optional[T]]`` is ``Optional[T]``.

    >>> optional_of(Int) is optional_of(Int) is optional_of(optional_of(Int))
    True
    """
    if isinstance(inner_type, OptionalType):
        return inner_type
    if inner_type not in _OPTIONALS:
        _OPTIONALS[inner_type] = OptionalType(inner_type)
    return _OPTIONALS[inner_type]


def list_of(inner_type: DaskflowType) -> ListType:
    """The (shared) ``List`` of a DaskflowType.

    >>> list_of(Int) is list_of(Int)
    True
    """
    if inner_type not in _LISTS:
        _LISTS[inner_type] = ListType(inner_type)
    return _LISTS[inner_type]


class PythonObjectDaskflowType(DaskflowType):
    """Checks ``isinstance(value, python_type)``; the name defaults to the class name.

    >>> Number = PythonObjectDaskflowType((int, float))
    >>> Number.name, Number.type_check(None, 2.5).success
    ('Union[int, float]', True)
    """

    def __init__(
        self,
        python_type: type | tuple[type, ...],
        name: str | None = None,
        description: str | None = None,
    ) -> None:
        classes = python_type if isinstance(python_type, tuple) else (python_type,)
        if not classes or not all(isinstance(cls, type) for cls in classes):
            raise _config.DaskflowInvalidDefinitionError(
                f"PythonObjectDaskflowType needs a class or a tuple of classes, got {python_type!r}"
            )
        if name is None:
            names = [cls.__name__ for cls in classes]
            name = names[0] if len(names) == 1 else f"Union[{', '.join(names)}]"
        super().__init__(name, self._check, description=description, python_type=python_type)
        self._classes = classes

    def _check(self, _context: TypeCheckContext, value: typing.Any) -> bool:
        return isinstance(value, self._classes)
