"""Short human descriptions of config types ("list of int") and of received values.

Used in error messages and by ``daskflow pipeline print``.

>>> from daskflow.config import Array, Int, Selector
>>> describe_config_type(Array(Int))
'list of int'
>>> describe_config_type(Selector({"csv": str, "parquet": str}))
'one of: csv, parquet'
>>> describe_value("abc"), describe_value(None), describe_value([1, 2])
('the string "abc"', 'null (None)', 'a list of 2 items: [1, 2]')
"""

from __future__ import annotations

import json
import typing
from collections.abc import Iterable, Mapping

from daskflow.config._types import (
    AnyType,
    Array,
    ConfigType,
    Enum,
    FieldsType,
    Map,
    Noneable,
    Permissive,
    ScalarType,
    ScalarUnion,
    Selector,
    SourceType,
)

__all__ = ["describe_config_type", "describe_value", "expected_phrase", "join_names", "shorten"]

MAX_REPR = 60
_MAX_NAMES = 10


def shorten(text: str, limit: int = MAX_REPR) -> str:
    """``text`` cut to ``limit`` characters, ending in ``...`` when cut."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def join_names(names: Iterable[str], limit: int = _MAX_NAMES) -> str:
    """``a, b, c``; after ``limit`` names, the rest are summarised as ``... (N more)``."""
    names = [shorten(str(name), 40) for name in names]
    if len(names) > limit:
        return ", ".join(names[:limit]) + f", ... ({len(names) - limit} more)"
    return ", ".join(names)


def describe_config_type(config_type: ConfigType) -> str:
    """A short human name of ``config_type``: "float", "dict with keys a, b", "list of int"."""
    if isinstance(config_type, ScalarType):
        return config_type.name
    if isinstance(config_type, AnyType):
        return "any value"
    if isinstance(config_type, SourceType):
        return f"{config_type.scalar.name} or {{env: VAR}}"
    if isinstance(config_type, Selector):
        return f"one of: {join_names(config_type.fields)}"
    if isinstance(config_type, Permissive):
        if not config_type.fields:
            return "dict"
        return f"dict with keys {join_names(config_type.fields)} (other keys allowed)"
    if isinstance(config_type, FieldsType):
        if not config_type.fields:
            return "empty dict"
        return f"dict with keys {join_names(config_type.fields)}"
    if isinstance(config_type, Noneable):
        return f"{describe_config_type(config_type.inner)} or null"
    if isinstance(config_type, Array):
        return f"list of {describe_config_type(config_type.inner)}"
    if isinstance(config_type, Map):
        key_name = describe_config_type(config_type.key_type)
        return f"dict of {key_name} to {describe_config_type(config_type.inner_type)}"
    if isinstance(config_type, Enum):
        values = join_names(json.dumps(v) for v in config_type.config_values)
        return f"{config_type.name} (one of {values})"
    if isinstance(config_type, ScalarUnion):
        scalar = describe_config_type(config_type.scalar_type)
        return f"{scalar} or {describe_config_type(config_type.non_scalar_schema)}"
    return type(config_type).__name__


def expected_phrase(config_type: ConfigType) -> str:
    """``describe_config_type`` with an article, to follow "expected": "a float", "an int"."""
    if isinstance(config_type, Selector):
        return f"a dict with exactly one of the keys {join_names(config_type.fields)}"
    text = describe_config_type(config_type)
    if text.startswith(("any ", "one of")):
        return text
    return ("an " if text[0].lower() in "aeiou" else "a ") + text


def _quote(text: str) -> str:
    return json.dumps(shorten(text), ensure_ascii=False)


def _safe_repr(value: object) -> str:
    try:
        return repr(value)
    except Exception:  # a huge int (str conversion limit) or a broken __repr__
        return f"<{type(value).__name__}>"


def describe_value(value: typing.Any) -> str:
    """What a user wrote, by kind and a short repr (never more than ~60 characters of it)."""
    if value is None:
        return "null (None)"
    if isinstance(value, bool):
        return f"the boolean {value}"
    if isinstance(value, int):
        return f"the integer {shorten(_safe_repr(value))}"
    if isinstance(value, float):
        return f"the float {_safe_repr(value)}"
    if isinstance(value, str):
        return f"the string {_quote(value)}"
    if isinstance(value, Mapping):
        if not value:
            return "an empty dict"
        return f"a dict with keys {shorten(join_names(_quote(str(k)) for k in value))}"
    if isinstance(value, list | tuple):
        if not value:
            return "an empty list"
        count = f"{len(value)} item" + ("" if len(value) == 1 else "s")
        return f"a list of {count}: {shorten(_safe_repr(list(value)))}"
    return f"a {type(value).__name__} value {shorten(_safe_repr(value))}"
