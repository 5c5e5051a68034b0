"""Placeholder-filled example values of config types, and a tiny YAML renderer for them.

Used by ``daskflow scaffold-config`` and by the "missing required key" hint.

>>> from daskflow.config import Field, Selector
>>> example = example_config({"path": str, "sep": Field(str, default_value=","),
...                           "format": Selector({"csv": {"header": bool}, "json": {}})})
>>> example
{'path': '<string>', 'format': {'csv': {'header': '<bool>'}}}
>>> print(format_yaml_example(example, indent=2))
  path: <string>
  format:
    csv:
      header: <bool>
"""

from __future__ import annotations

import json
import math
import re
import typing
from collections.abc import Mapping

from daskflow.config._types import (
    AnyType,
    Array,
    ConfigType,
    Enum,
    FieldsType,
    Map,
    Noneable,
    ScalarType,
    ScalarUnion,
    Selector,
    SourceType,
    resolve_config_type,
)

__all__ = ["example_config", "format_yaml_example"]

_MAX_ENUM_VALUES = 5


def example_config(config_type: object, include_optional: bool = False) -> typing.Any:
    """A value shaped like ``config_type`` with placeholders such as ``<string>`` for scalars.

    Only required fields appear unless ``include_optional`` (then optional fields show
    their default, or a placeholder). Selectors show their first option.
    """
    resolved = resolve_config_type(config_type)
    if resolved is None:
        return None
    return _example(resolved, include_optional)


def _example(config_type: ConfigType, include_optional: bool) -> typing.Any:
    if isinstance(config_type, ScalarType):
        return f"<{config_type.name}>"
    if isinstance(config_type, SourceType):
        return f"<{config_type.scalar.name}>"
    if isinstance(config_type, AnyType):
        return "<any>"
    if isinstance(config_type, Enum):
        values = config_type.config_values
        more = "|..." if len(values) > _MAX_ENUM_VALUES else ""
        shown = "|".join(values[:_MAX_ENUM_VALUES]) + more
        return f"<{shown}>"
    if isinstance(config_type, Selector):
        name, field = next(iter(config_type.fields.items()))
        return {name: _example(field.config_type, include_optional)}
    if isinstance(config_type, FieldsType):
        out = {}
        for name, field in config_type.fields.items():
            if field.is_required:
                out[name] = _example(field.config_type, include_optional)
            elif include_optional:
                out[name] = (
                    field.default_value
                    if field.has_default
                    else _example(field.config_type, include_optional)
                )
        return out
    if isinstance(config_type, Noneable):
        return _example(config_type.inner, include_optional)
    if isinstance(config_type, Array):
        return [_example(config_type.inner, include_optional)]
    if isinstance(config_type, Map):
        key = config_type.key_label_name or f"<{config_type.key_type.name} key>"
        return {key: _example(config_type.inner_type, include_optional)}
    if isinstance(config_type, ScalarUnion):
        return _example(config_type.scalar_type, include_optional)
    return "<value>"


_PLAIN = re.compile(r"[A-Za-z_<][A-Za-z0-9_<>|./ -]*")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "~"}


def _scalar(value: typing.Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        return (".inf" if value > 0 else "-.inf") if math.isinf(value) else repr(value)
    if isinstance(value, Mapping):
        return "{}"
    if isinstance(value, list | tuple):
        return "[]"
    text = value if isinstance(value, str) else str(value)
    if _PLAIN.fullmatch(text) and not text.endswith(" ") and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def _is_block(value: typing.Any) -> bool:
    return isinstance(value, Mapping | list | tuple) and len(value) > 0


def _lines(value: typing.Any, level: int) -> list[str]:
    pad = "  " * level
    if isinstance(value, Mapping) and value:
        out = []
        for key, item in value.items():
            if _is_block(item):
                out.append(f"{pad}{_scalar(str(key))}:")
                out.extend(_lines(item, level + 1))
            else:
                out.append(f"{pad}{_scalar(str(key))}: {_scalar(item)}")
        return out
    if isinstance(value, list | tuple) and value:
        out = []
        for item in value:
            if _is_block(item):
                nested = _lines(item, level + 1)
                out.append(f"{pad}- {nested[0].lstrip()}")
                out.extend(nested[1:])
            else:
                out.append(f"{pad}- {_scalar(item)}")
        return out
    return [pad + _scalar(value)]


def format_yaml_example(value: typing.Any, indent: int = 0) -> str:
    """Render plain data (dicts, lists, scalars) as block YAML, every line indented by ``indent``.

    >>> print(format_yaml_example({"files": ["<string>"], "retries": 3}))
    files:
      - <string>
    retries: 3
    """
    prefix = " " * indent
    return "\n".join(prefix + line for line in _lines(value, 0))
