"""Export a config type as JSON Schema (draft 2020-12), for editors and external validators.

>>> from daskflow.config import Field
>>> schema = config_to_json_schema({"delay": Field(float, default_value=1.0), "name": str})
>>> schema["properties"]["delay"], schema["required"], schema["additionalProperties"]
({'type': 'number', 'default': 1.0}, ['name'], False)
"""

from __future__ import annotations

import json
import typing

from daskflow.config._describe import describe_config_type
from daskflow.config._types import (
    AnyType,
    Array,
    BoolType,
    ConfigType,
    Enum,
    FieldsType,
    FloatType,
    IntType,
    Map,
    Noneable,
    Permissive,
    ScalarType,
    ScalarUnion,
    Selector,
    SourceType,
    StringType,
    resolve_config_type,
)

__all__ = ["config_to_json_schema"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"

_SCALAR_TYPES: dict[type, str] = {
    IntType: "integer",
    FloatType: "number",
    StringType: "string",
    BoolType: "boolean",
}
_ENV_REFERENCE = {
    "type": "object",
    "properties": {"env": {"type": "string", "description": "environment variable name"}},
    "required": ["env"],
    "additionalProperties": False,
}


def config_to_json_schema(config_type: object) -> dict[str, typing.Any]:
    """The JSON Schema of ``config_type`` (anything ``resolve_config_type`` accepts).

    ``None`` (no config) gives the schema of ``null``.
    """
    resolved = resolve_config_type(config_type)
    schema = {"type": "null"} if resolved is None else _schema(resolved)
    return {"$schema": DRAFT, **schema}


def _schema(config_type: ConfigType) -> dict[str, typing.Any]:
    schema = _schema_without_description(config_type)
    if config_type.description:
        schema["description"] = config_type.description
    return schema


def _schema_without_description(config_type: ConfigType) -> dict[str, typing.Any]:
    if isinstance(config_type, ScalarType):
        return {"type": _SCALAR_TYPES[type(config_type)]}
    if isinstance(config_type, AnyType):
        return {}
    if isinstance(config_type, SourceType):
        return {"anyOf": [_schema(config_type.scalar), dict(_ENV_REFERENCE)]}
    if isinstance(config_type, FieldsType):
        return _object_schema(config_type)
    if isinstance(config_type, Noneable):
        return _nullable(_schema(config_type.inner))
    if isinstance(config_type, Array):
        return {"type": "array", "items": _schema(config_type.inner)}
    if isinstance(config_type, Map):
        return {"type": "object", "additionalProperties": _schema(config_type.inner_type)}
    if isinstance(config_type, Enum):
        return {"title": config_type.name, "enum": list(config_type.config_values)}
    if isinstance(config_type, ScalarUnion):
        return {"anyOf": [_schema(config_type.scalar_type), _schema(config_type.non_scalar_schema)]}
    return {"description": describe_config_type(config_type)}


def _object_schema(config_type: FieldsType) -> dict[str, typing.Any]:
    properties = {}
    for name, field in config_type.fields.items():
        prop = _schema(field.config_type)
        if field.description:
            prop["description"] = field.description
        if field.has_default and _is_json(field.default_value):
            prop["default"] = field.default_value
        properties[name] = prop
    schema: dict[str, typing.Any] = {"type": "object", "properties": properties}
    if isinstance(config_type, Selector):
        schema.update(minProperties=1, maxProperties=1, additionalProperties=False)
        return schema
    schema["required"] = [name for name, field in config_type.fields.items() if field.is_required]
    schema["additionalProperties"] = isinstance(config_type, Permissive)
    return schema


def _nullable(inner: dict[str, typing.Any]) -> dict[str, typing.Any]:
    """``inner`` or null: a type list for plain typed schemas, ``anyOf`` otherwise."""
    if not inner:  # Any already allows null
        return inner
    if set(inner) == {"type"} and isinstance(inner["type"], str):
        return {"type": [inner["type"], "null"]}
    return {"anyOf": [inner, {"type": "null"}]}


def _is_json(value: typing.Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True
