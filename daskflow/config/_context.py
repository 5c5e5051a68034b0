"""Validation plumbing shared by the validators: the error-collecting ``Context``,
the ``INVALID`` marker, scalar checks and the "expected X, got Y" error.

>>> from daskflow.config import Float, Int
>>> ctx = Context(resolve=True)
>>> check_scalar(Float, 2)
(True, 2.0, None)
>>> type_error(ctx, Int, "5", ("retries",)) is INVALID
True
>>> print(ctx.errors[0])
retries: expected an int, got the string "5".
  Write the number without quotes.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping

from daskflow.config._describe import describe_config_type, describe_value, expected_phrase
from daskflow.config._types import (
    BoolType,
    ConfigType,
    FloatType,
    IntType,
    ScalarType,
    ScalarUnion,
    SourceType,
    StringType,
)
from daskflow.errors import ConfigError

__all__ = ["INVALID", "Context", "check_scalar", "type_error"]


class _Invalid:
    def __repr__(self) -> str:
        return "<invalid>"


INVALID: typing.Any = _Invalid()  # returned by a validator that recorded an error


class Context:
    """State of one validation run: the errors found so far and the secrets read.

    ``resolve`` is False when checking defaults at definition time: then ``{env: VAR}``
    is kept as written and Enum values are not converted.
    """

    def __init__(self, resolve: bool) -> None:
        self.resolve = resolve
        self.errors: list[ConfigError] = []
        self.secrets: set[str] = set()

    def fail(
        self,
        path: tuple[str, ...],
        message: str,
        expected: str,
        received: str | None = None,
        hint: str | None = None,
    ) -> typing.Any:
        """Record an error and return ``INVALID``."""
        self.errors.append(ConfigError(path, message, expected, received, hint))
        return INVALID


def check_scalar(config_type: ScalarType, value: typing.Any) -> tuple[bool, typing.Any, str | None]:
    """``(ok, converted value, hint)`` for a scalar: ints become floats for Float."""
    if isinstance(value, bool):
        return isinstance(config_type, BoolType), value, None
    if isinstance(config_type, IntType):
        return isinstance(value, int), value, None
    if isinstance(config_type, FloatType) and isinstance(value, int | float):
        try:
            return True, float(value), None
        except OverflowError:
            return False, value, "This integer is too large to be stored as a float."
    return isinstance(config_type, StringType) and isinstance(value, str), value, None


def _number_like(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _coercion_hint(config_type: ConfigType, value: typing.Any) -> str | None:
    """Advice for the usual YAML slips: quoted numbers/booleans, unquoted strings."""
    target: ConfigType = config_type
    if isinstance(config_type, SourceType):
        target = config_type.scalar
    elif isinstance(config_type, ScalarUnion):
        target = config_type.scalar_type
    if isinstance(config_type, SourceType) and isinstance(value, Mapping):
        return "To read an environment variable write {env: VAR_NAME}."
    if isinstance(value, str):
        if isinstance(target, IntType | FloatType) and _number_like(value):
            return "Write the number without quotes."
        if isinstance(target, BoolType) and value.strip().lower() in {"true", "false"}:
            return "Write true or false without quotes."
    if isinstance(target, StringType) and isinstance(value, int | float):
        return "Put quotes around the value to pass it as a string."
    return None


def type_error(
    ctx: Context,
    config_type: ConfigType,
    value: typing.Any,
    path: tuple[str, ...],
    hint: str | None = None,
) -> typing.Any:
    """Record "expected <type>, got <value>" (with advice when we can guess the fix)."""
    expected = describe_config_type(config_type)
    received = describe_value(value)
    if value is None:
        return ctx.fail(
            path,
            f"expected {expected_phrase(config_type)}, got null (None).",
            expected,
            received,
            "Give a value here, or make the field Noneable if it may be empty.",
        )
    return ctx.fail(
        path,
        f"expected {expected_phrase(config_type)}, got {received}.",
        expected,
        received,
        hint or _coercion_hint(config_type, value),
    )
