"""Validation of ``StringSource``/``IntSource``/``BoolSource``: a plain value or ``{env: VAR}``.

Values read from the environment are secrets: they are recorded in ``Context.secrets`` and
never shown in an error (errors say "the value of environment variable VAR" instead).

>>> import os
>>> from daskflow.config import IntSource, validate_config
>>> os.environ["DASKFLOW_DOC_WORKERS"] = "4"
>>> validate_config(IntSource, {"env": "DASKFLOW_DOC_WORKERS"}).value
4
>>> print(validate_config(IntSource, {"env": "DASKFLOW_DOC_UNSET"}).errors[0].message)
environment variable "DASKFLOW_DOC_UNSET" is not set.
"""

from __future__ import annotations

import os
import typing
from collections.abc import Mapping

from daskflow.config._context import Context, check_scalar, type_error
from daskflow.config._describe import (
    describe_config_type,
    describe_value,
    expected_phrase,
    shorten,
)
from daskflow.config._types import BoolType, IntType, SourceType

__all__ = ["validate_source"]

_TRUE = {"1", "true", "yes"}
_FALSE = {"0", "false", "no"}


def validate_source(
    ctx: Context, config_type: SourceType, value: typing.Any, path: tuple[str, ...]
) -> typing.Any:
    """Validate a plain scalar, or read and parse ``{env: VAR}`` (only when ``ctx.resolve``)."""
    if isinstance(value, Mapping) and "env" in value:
        return _from_env(ctx, config_type, value, path)
    ok, result, _hint = check_scalar(config_type.scalar, value)
    return result if ok else type_error(ctx, config_type, value, path)


def _from_env(
    ctx: Context, config_type: SourceType, value: Mapping[str, typing.Any], path: tuple[str, ...]
) -> typing.Any:
    name = value["env"]
    expected = describe_config_type(config_type)
    if len(value) != 1 or not isinstance(name, str) or not name:
        return ctx.fail(
            path,
            f"expected {expected_phrase(config_type)}, got {describe_value(value)}.",
            expected,
            describe_value(value),
            "To read an environment variable write exactly {env: VAR_NAME}, "
            "with the variable name as a string.",
        )
    if not ctx.resolve:
        return dict(value)
    shown = shorten(name, 60)
    raw = os.environ.get(name)
    if raw is None:
        return ctx.fail(
            path,
            f'environment variable "{shown}" is not set.',
            expected,
            f"unset environment variable {shown}",
            f"Set {shown} before running, or write the value in the config "
            f"instead of {{env: {shown}}}.",
        )
    if raw:
        ctx.secrets.add(raw)
    return _parse(ctx, config_type, raw, shown, path)


def _parse(
    ctx: Context, config_type: SourceType, raw: str, name: str, path: tuple[str, ...]
) -> typing.Any:
    """Convert the variable's text to the source's scalar; errors never include ``raw``."""
    received = f"the value of environment variable {name}"
    if isinstance(config_type.scalar, IntType):
        try:
            return int(raw.strip())
        except ValueError:
            return ctx.fail(
                path,
                f"expected an int, got {received}, which is not a whole number.",
                "int",
                received,
                f"Set {name} to a whole number such as 42.",
            )
    if isinstance(config_type.scalar, BoolType):
        lowered = raw.strip().lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
        return ctx.fail(
            path,
            f"expected a bool, got {received}, which is not one of 1, 0, true, false, yes, no.",
            "bool",
            received,
            f"Set {name} to true or false (or 1/0, yes/no).",
        )
    return raw
