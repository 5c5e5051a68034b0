"""Config types: the schema vocabulary (scalars, Shape, Selector...) and ``resolve_config_type``.

Types are plain data describing what a config value may look like; checking values
against them lives in ``_validate``.

>>> shape = resolve_config_type({"delay": float, "files": [str]})
>>> shape.fields["delay"].config_type is Float
True
>>> shape.fields["files"].config_type
Array(String)
>>> resolve_config_type(None) is None
True
"""

from __future__ import annotations

import enum as _enum
import typing
from collections.abc import Mapping

from daskflow.errors import DaskflowInvalidDefinitionError

if typing.TYPE_CHECKING:
    from daskflow.config._field import Field

__all__ = [
    "Any",
    "Array",
    "Bool",
    "BoolSource",
    "ConfigType",
    "Enum",
    "EnumValue",
    "Float",
    "Int",
    "IntSource",
    "Noneable",
    "Permissive",
    "ScalarUnion",
    "Selector",
    "Shape",
    "String",
    "StringSource",
    "resolve_config_type",
]


class ConfigType:
    """Base class of every config type. Instances are immutable descriptions of allowed values."""

    description: str | None = None


class ScalarType(ConfigType):
    """A single YAML scalar: int, float, string or bool (see the singletons ``Int`` etc.)."""

    name = "scalar"

    def __repr__(self) -> str:
        return self.name.capitalize()


class IntType(ScalarType):
    """Whole numbers; ``True``/``False`` are rejected even though Python treats them as ints."""

    name = "int"


class FloatType(ScalarType):
    """Numbers; ints are accepted and converted to float, bools are rejected."""

    name = "float"


class StringType(ScalarType):
    """Strings only (numbers are not converted)."""

    name = "string"


class BoolType(ScalarType):
    """``True``/``False`` only."""

    name = "bool"


class AnyType(ConfigType):
    """Any value at all, passed through unchanged."""

    def __repr__(self) -> str:
        return "Any"


Int, Float, String, Bool, Any = IntType(), FloatType(), StringType(), BoolType(), AnyType()


class SourceType(ConfigType):
    """A scalar given directly, or read from the environment at validation time: ``{env: VAR}``."""

    scalar: ScalarType = String

    def __repr__(self) -> str:
        return f"{self.scalar!r}Source"


class StringSourceType(SourceType):
    scalar = String


class IntSourceType(SourceType):
    scalar = Int


class BoolSourceType(SourceType):
    scalar = Bool


StringSource, IntSource, BoolSource = StringSourceType(), IntSourceType(), BoolSourceType()


def _as_field(name: object, value: object) -> Field:
    from daskflow.config._field import Field  # _field imports this module: import lazily

    if not isinstance(name, str) or not name:
        raise DaskflowInvalidDefinitionError(
            f"config field names must be non-empty strings, got {name!r}"
        )
    if isinstance(value, Field):
        return value
    try:
        return Field(value)
    except DaskflowInvalidDefinitionError as exc:
        raise DaskflowInvalidDefinitionError(f'config field "{name}": {exc}') from exc


class FieldsType(ConfigType):
    """Common base of dict-shaped types: ``fields`` maps each key to a ``Field``."""

    def __init__(self, fields: Mapping[str, object], description: str | None = None) -> None:
        if not isinstance(fields, Mapping):
            raise DaskflowInvalidDefinitionError(
                f"{type(self).__name__} needs a dict of field name -> type or Field, got {fields!r}"
            )
        self.fields: dict[str, Field] = {k: _as_field(k, v) for k, v in fields.items()}
        self.description = description

    @property
    def all_fields_optional(self) -> bool:
        """True when every field may be left out (so ``{}`` is a valid value)."""
        return not any(field.is_required for field in self.fields.values())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.fields!r})"


class Shape(FieldsType):
    """A dict with exactly the declared keys (unknown keys are errors)."""


class Permissive(FieldsType):
    """A dict with the declared keys checked, and any other keys allowed and kept as given."""

    def __init__(
        self, fields: Mapping[str, object] | None = None, description: str | None = None
    ) -> None:
        super().__init__({} if fields is None else fields, description)


class Selector(FieldsType):
    """A dict with exactly one of the declared keys, e.g. ``{csv: {path: a.csv}}``."""

    def __init__(self, fields: Mapping[str, object], description: str | None = None) -> None:
        super().__init__(fields, description)
        if not self.fields:
            raise DaskflowInvalidDefinitionError("a Selector needs at least one field")


def _resolve_required(obj: object, what: str) -> ConfigType:
    config_type = resolve_config_type(obj)
    if config_type is None:
        raise DaskflowInvalidDefinitionError(f"{what} needs a config type, got None")
    return config_type


class Noneable(ConfigType):
    """``inner`` or ``None``; fields of this type are optional and default to ``None``."""

    def __init__(self, inner: object, description: str | None = None) -> None:
        self.inner = _resolve_required(inner, "Noneable")
        self.description = description

    def __repr__(self) -> str:
        return f"Noneable({self.inner!r})"


class Array(ConfigType):
    """A list whose every element is of type ``inner``."""

    def __init__(self, inner: object, description: str | None = None) -> None:
        self.inner = _resolve_required(inner, "Array")
        self.description = description

    def __repr__(self) -> str:
        return f"Array({self.inner!r})"


_NO_PYTHON_VALUE = object()


class EnumValue:
    """One allowed string of an ``Enum``; validation turns it into ``python_value``."""

    def __init__(
        self,
        config_value: str,
        python_value: object = _NO_PYTHON_VALUE,
        description: str | None = None,
    ) -> None:
        if not isinstance(config_value, str) or not config_value:
            raise DaskflowInvalidDefinitionError(
                f"EnumValue config_value must be a non-empty string, got {config_value!r}"
            )
        self.config_value = config_value
        self.python_value = config_value if python_value is _NO_PYTHON_VALUE else python_value
        self.description = description

    def __repr__(self) -> str:
        return f"EnumValue({self.config_value!r}, python_value={self.python_value!r})"


class Enum(ConfigType):
    """One of a fixed set of strings, e.g. ``Enum("Color", [EnumValue("RED"), EnumValue("BLUE")])``.

    >>> import enum
    >>> class Color(enum.Enum):
    ...     RED = 1
    >>> Enum.from_python_enum(Color).values[0].python_value
    <Color.RED: 1>
    """

    def __init__(self, name: str, values: list[EnumValue], description: str | None = None):
        if not values or not all(isinstance(v, EnumValue) for v in values):
            raise DaskflowInvalidDefinitionError(
                f'Enum "{name}" needs a non-empty list of EnumValue, got {values!r}'
            )
        config_values = [v.config_value for v in values]
        if len(set(config_values)) != len(config_values):
            raise DaskflowInvalidDefinitionError(
                f'Enum "{name}" has duplicate values: {config_values}'
            )
        self.name = name
        self.values = list(values)
        self.description = description

    @property
    def config_values(self) -> list[str]:
        return [v.config_value for v in self.values]

    @classmethod
    def from_python_enum(cls, enum_cls: type[_enum.Enum], description: str | None = None) -> Enum:
        """An Enum whose config values are the member names and python values the members."""
        values = [EnumValue(member.name, python_value=member) for member in enum_cls]
        return cls(enum_cls.__name__, values, description or enum_cls.__doc__)

    def __repr__(self) -> str:
        return f"Enum({self.name!r}, {self.config_values!r})"


class ScalarUnion(ConfigType):
    """Either a scalar (validated by ``scalar_type``) or a dict/list (``non_scalar_schema``)."""

    def __init__(
        self, scalar_type: object, non_scalar_schema: object, description: str | None = None
    ) -> None:
        self.scalar_type = _resolve_required(scalar_type, "ScalarUnion")
        self.non_scalar_schema = _resolve_required(non_scalar_schema, "ScalarUnion")
        if not isinstance(self.scalar_type, ScalarType | Enum):
            raise DaskflowInvalidDefinitionError(
                f"ScalarUnion's scalar_type must be Int, Float, String, Bool or an Enum, "
                f"got {self.scalar_type!r}"
            )
        if not isinstance(self.non_scalar_schema, FieldsType | Array):
            raise DaskflowInvalidDefinitionError(
                f"ScalarUnion's non_scalar_schema must be a Shape, Permissive, Selector or "
                f"Array, got {self.non_scalar_schema!r}"
            )
        self.description = description

    def __repr__(self) -> str:
        return f"ScalarUnion({self.scalar_type!r}, {self.non_scalar_schema!r})"


_PYTHON_SCALARS: dict[type, ConfigType] = {int: Int, float: Float, str: String, bool: Bool}

_ACCEPTED = (
    "a ConfigType (Int, Shape({...}), Noneable(...), ...), one of the python types "
    "int, float, str, bool, typing.Any, a dict of field name -> type or Field, "
    "a one-element list like [int], or None for no config"
)


def resolve_config_type(obj: object) -> ConfigType | None:
    """Turn a config schema written by a user into a ``ConfigType`` (``None`` means no config).

    >>> resolve_config_type(int) is Int, resolve_config_type([str])
    (True, Array(String))
    """
    if obj is None or isinstance(obj, ConfigType):
        return obj
    if isinstance(obj, type) and issubclass(obj, ConfigType):
        try:
            return obj()
        except TypeError as exc:
            raise DaskflowInvalidDefinitionError(
                f"the config type class {obj.__name__} needs arguments; "
                f"write {obj.__name__}(...) instead of {obj.__name__}"
            ) from exc
    if obj is typing.Any:
        return Any
    if isinstance(obj, type) and obj in _PYTHON_SCALARS:
        return _PYTHON_SCALARS[obj]
    if isinstance(obj, Mapping):
        return Shape(obj)
    if isinstance(obj, list) and len(obj) == 1:
        return Array(obj[0])
    if isinstance(obj, list):
        raise DaskflowInvalidDefinitionError(
            f"a list config type must have exactly one element, the element type "
            f"(e.g. [int]); got {obj!r}"
        )
    raise DaskflowInvalidDefinitionError(
        f"cannot use {obj!r} as a config type; expected {_ACCEPTED}"
    )
