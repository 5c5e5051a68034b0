"""Run config of a pipeline: its schema, assembled from the definitions, and its validation.

This layer sits above ``definitions`` (it reads pipelines, modes and solids) and below the
engine, which resolves a run's config here before planning it. The config *language*
(``Field``, ``Shape``, ``validate_config``) is ``daskflow.config``, below the definitions.

>>> from daskflow.definitions.pipeline import pipeline
>>> from daskflow.definitions.solid import solid
>>> @solid(config_schema={"n": int})
... def count(context):
...     return context.solid_config["n"]
>>> @pipeline
... def counting():
...     count()
>>> resolve_run_config(counting, {"solids": {"count": {"config": {"n": 3}}}}).solids
{'count': {'config': {'n': 3}}}
>>> validate_run_config(counting, {}).errors[0].path_str
'solids'
"""

from daskflow.run_config.execution import DEFAULT_EXECUTION, EXECUTION_SCHEMA, LOGGERS_SCHEMA
from daskflow.run_config.resolve import (
    ResolvedRunConfig,
    RunConfigValidation,
    resolve_run_config,
    validate_run_config,
)
from daskflow.run_config.schema import (
    build_run_config_schema,
    config_inputs,
    run_config_json_schema,
    run_config_schema,
    used_resource_keys,
)

__all__ = [
    "DEFAULT_EXECUTION",
    "EXECUTION_SCHEMA",
    "LOGGERS_SCHEMA",
    "ResolvedRunConfig",
    "RunConfigValidation",
    "build_run_config_schema",
    "config_inputs",
    "resolve_run_config",
    "run_config_json_schema",
    "run_config_schema",
    "used_resource_keys",
    "validate_run_config",
]
