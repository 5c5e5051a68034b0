"""``Field``: a config type plus whether it is required, its default value and a description.

Defaults are checked against the type when the Field is defined, so a bad default fails
at import time, not in the middle of a run.

>>> Field(float, default_value=1.5).is_required
False
>>> Field({"retries": Field(int, default_value=3)}).default_value  # all fields optional
{'retries': 3}
>>> try:
...     Field(int, default_value="three")
... except DaskflowInvalidDefinitionError as exc:
...     print(exc)
invalid default value for a field of type int: <root>: expected an int, got the string "three".
"""

from __future__ import annotations

import typing

from daskflow.config._describe import describe_config_type
from daskflow.config._types import ConfigType, FieldsType, Noneable, Selector, resolve_config_type
from daskflow.errors import DaskflowInvalidDefinitionError

__all__ = ["NO_DEFAULT", "Field", "config_field_from_schema"]


class _NoDefault:
    """Marker for "no default value given" (``None`` is a legitimate default)."""

    def __repr__(self) -> str:
        return "<no default>"


NO_DEFAULT: typing.Any = _NoDefault()


class Field:
    """One entry of a Shape/Permissive/Selector (or a solid's whole config).

    ``is_required`` defaults to False when a default is given, when the type is
    ``Noneable`` (default ``None``), or when it is a Shape/Permissive whose fields are all
    optional (default ``{}`` filled with the inner defaults); otherwise to True.
    """

    def __init__(
        self,
        config: object,
        default_value: typing.Any = NO_DEFAULT,
        is_required: bool | None = None,
        description: str | None = None,
    ) -> None:
        config_type = resolve_config_type(config)
        if config_type is None:
            raise DaskflowInvalidDefinitionError(
                "a Field needs a config type (e.g. int, {'name': str}, Noneable(float)), got None"
            )
        if is_required is not None and not isinstance(is_required, bool):
            raise DaskflowInvalidDefinitionError(
                f"Field is_required must be True, False or None, got {is_required!r}"
            )
        has_default = default_value is not NO_DEFAULT
        if has_default and is_required:
            raise DaskflowInvalidDefinitionError(
                f"a Field cannot be required and have a default value "
                f"(default_value={default_value!r}); drop is_required=True or the default"
            )
        if has_default:
            _check_default(config_type, default_value)
        elif is_required is not True:
            default_value, has_default = _implied_default(config_type)
        if is_required is None:
            is_required = not has_default
        self.config_type: ConfigType = config_type
        self.default_value: typing.Any = default_value
        self.has_default: bool = has_default
        self.is_required: bool = is_required
        self.description: str | None = description

    def __repr__(self) -> str:
        parts = [repr(self.config_type)]
        if self.has_default:
            parts.append(f"default_value={self.default_value!r}")
        parts.append(f"is_required={self.is_required}")
        return f"Field({', '.join(parts)})"


def _check_default_value(config_type: ConfigType, value: typing.Any) -> typing.Any:
    from daskflow.config._validate import check_default_value  # _validate imports Field

    return check_default_value(config_type, value)


def _check_default(config_type: ConfigType, value: typing.Any) -> None:
    result = _check_default_value(config_type, value)
    if not result.success:
        details = "; ".join(str(error) for error in result.errors)
        raise DaskflowInvalidDefinitionError(
            f"invalid default value for a field of type {describe_config_type(config_type)}: "
            f"{details}"
        )


def _implied_default(config_type: ConfigType) -> tuple[typing.Any, bool]:
    """The default a Field gets without an explicit one: None, ``{}`` filled in, or none."""
    if isinstance(config_type, Noneable):
        return None, True
    if (
        isinstance(config_type, FieldsType)
        and not isinstance(config_type, Selector)
        and config_type.all_fields_optional
    ):
        return _check_default_value(config_type, {}).value, True
    return NO_DEFAULT, False


def config_field_from_schema(config_schema: typing.Any) -> Field | None:
    """Wrap a user's ``config_schema`` (dict, type, ConfigType or Field) in a ``Field``.

    >>> config_field_from_schema({"n": int})
    Field(Shape({'n': Field(Int, is_required=True)}), is_required=True)
    >>> config_field_from_schema(None) is None
    True
    """
    if config_schema is None:
        return None
    if isinstance(config_schema, Field):
        return config_schema
    return Field(resolve_config_type(config_schema))
