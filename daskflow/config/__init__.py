"""daskflow's config system: schemas for solid/resource config, validation and export.

>>> from daskflow.config import Field, validate_config
>>> schema = {"delay": Field(float, default_value=0.5), "files": [str]}
>>> validate_config(schema, {"files": ["a.csv"]}).value
{'files': ['a.csv'], 'delay': 0.5}
>>> print(validate_config(schema, {"files": ["a.csv", 3]}).errors[0])
files.1: expected a string, got the integer 3.
  Put quotes around the value to pass it as a string.
"""

from daskflow.config._describe import describe_config_type as describe_config_type
from daskflow.config._describe import describe_value as describe_value
from daskflow.config._example import example_config as example_config
from daskflow.config._example import format_yaml_example as format_yaml_example
from daskflow.config._field import Field
from daskflow.config._field import config_field_from_schema as config_field_from_schema
from daskflow.config._json_schema import config_to_json_schema
from daskflow.config._mapping import ConfigMapping
from daskflow.config._mapping import ConfiguredMapping as ConfiguredMapping
from daskflow.config._mapping import call_config_fn as call_config_fn
from daskflow.config._mapping import configured_copy as configured_copy
from daskflow.config._mapping import configured_mapping as configured_mapping
from daskflow.config._structure import MAX_DEPTH as MAX_DEPTH
from daskflow.config._types import (
    Any,
    Array,
    Bool,
    BoolSource,
    ConfigSchemaSource,
    ConfigType,
    Enum,
    EnumValue,
    Float,
    Int,
    IntSource,
    Map,
    Noneable,
    Permissive,
    ScalarUnion,
    Selector,
    Shape,
    String,
    StringSource,
    resolve_config_type,
)
from daskflow.config._validate import ValidationResult, validate_config
from daskflow.errors import (
    ConfigError,
    DaskflowConfigError,
    DaskflowConfigMappingFunctionError,
    DaskflowInvalidDefinitionError,
)

# Also importable from here, outside ``__all__``, for daskflow's own tools (definitions,
# CLI): ``config_field_from_schema``, ``describe_config_type``, ``describe_value``,
# ``example_config``, ``format_yaml_example``, ``call_config_fn``, ``configured_mapping``,
# ``configured_copy``, ``ConfiguredMapping``, ``MAX_DEPTH`` (of a config value).
__all__ = [
    "Any",
    "Array",
    "Bool",
    "BoolSource",
    "ConfigError",
    "ConfigSchemaSource",
    "ConfigMapping",
    "ConfigType",
    "DaskflowConfigError",
    "DaskflowConfigMappingFunctionError",
    "DaskflowInvalidDefinitionError",
    "Enum",
    "EnumValue",
    "Field",
    "Float",
    "Int",
    "IntSource",
    "Map",
    "Noneable",
    "Permissive",
    "ScalarUnion",
    "Selector",
    "Shape",
    "String",
    "StringSource",
    "ValidationResult",
    "config_to_json_schema",
    "resolve_config_type",
    "validate_config",
]
