"""``@logger`` and ``LoggerDefinition``: Python loggers a run's events are sent to.

A mode's ``logger_defs`` (by default the ``console`` logger) are the loggers run config
may turn on: ``loggers: {console: {config: {log_level: ERROR}}}``. Each turned-on logger
receives every event of the run (``context.log`` messages included) in the process that
launched it, at the event's level.

>>> @logger(config_schema={"name": str})
... def named(init_context):
...     return logging.getLogger(init_context.logger_config["name"])
>>> named.build({"name": "audit"}, run_id="r1").name
'audit'
"""

from __future__ import annotations

import inspect
import logging
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from daskflow.config import ConfiguredMapping, Field, config_field_from_schema, configured_copy
from daskflow.errors import DaskflowInvalidDefinitionError

__all__ = ["InitLoggerContext", "LoggerDefinition", "build_loggers", "console_logger", "logger"]


@dataclass(frozen=True)
class InitLoggerContext:
    """What a logger function receives: its validated ``logger_config``."""

    logger_config: Any
    logger_def: LoggerDefinition
    run_id: str | None = None
    pipeline_name: str | None = None


class LoggerDefinition:
    """A logger: ``logger_fn(init_context) -> logging.Logger`` and its config schema."""

    __name__: str  # the decorated function's, for loggers made by ``@logger``

    def __init__(
        self,
        logger_fn: Callable[[InitLoggerContext], logging.Logger],
        config_schema: Any = None,
        description: str | None = None,
    ) -> None:
        if not callable(logger_fn):
            raise DaskflowInvalidDefinitionError("a logger needs a callable logger_fn")
        self.logger_fn = logger_fn
        self.config_field: Field | None = config_field_from_schema(config_schema)
        self.config_mapping: ConfiguredMapping | None = None  # set by ``configured``
        self.description = description

    @property
    def config_schema(self) -> Field | None:
        return self.config_field

    def configured(
        self,
        config_or_config_fn: Any,
        config_schema: Any = None,
        description: str | None = None,
        **_ignored: Any,
    ) -> LoggerDefinition:
        return configured_copy(self, "a logger", config_or_config_fn, config_schema, description)

    def build(
        self, config: Any, run_id: str | None = None, pipeline_name: str | None = None
    ) -> logging.Logger:
        """The logger, from config already validated (and mapped) for it."""
        built = self.logger_fn(InitLoggerContext(config, self, run_id, pipeline_name))
        if not isinstance(built, logging.Logger):
            raise DaskflowInvalidDefinitionError(
                f"a logger function must return a logging.Logger, got {type(built).__name__}"
            )
        return built


def logger(config_schema: Any = None, description: str | None = None) -> Any:
    """Define a logger; usable as ``@logger`` or ``@logger(config_schema=...)``."""
    if callable(config_schema) and not isinstance(config_schema, type):
        return logger()(config_schema)

    def decorate(fn: Callable[[InitLoggerContext], logging.Logger]) -> LoggerDefinition:
        definition = LoggerDefinition(fn, config_schema, description or inspect.getdoc(fn))
        definition.__name__ = fn.__name__
        return definition

    return decorate


def _level(name: str) -> int:
    levels = logging.getLevelNamesMapping()
    if name.upper() not in levels:
        raise DaskflowInvalidDefinitionError(
            f'unknown log level "{name}"; use DEBUG, INFO, WARNING, ERROR or CRITICAL'
        )
    return levels[name.upper()]


def _console(init_context: InitLoggerContext) -> logging.Logger:
    config = init_context.logger_config
    named = logging.getLogger(f"{config['name']}.{init_context.run_id or 'run'}")
    named.setLevel(_level(config["log_level"]))
    named.propagate = False
    if not named.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s - %(levelname)s - %(message)s"))
        named.addHandler(handler)
    return named


console_logger = LoggerDefinition(
    _console,
    {
        "log_level": Field(
            str, default_value="INFO", description="Lowest level printed (DEBUG ... CRITICAL)."
        ),
        "name": Field(str, default_value="daskflow", description="The logger's name."),
    },
    "Prints the run's events to the terminal (stderr).",
)


def build_loggers(
    logger_defs: Mapping[str, LoggerDefinition],
    loggers_config: Mapping[str, Any],
    turned_on: Iterable[str],
    run_id: str | None = None,
    pipeline_name: str | None = None,
) -> list[logging.Logger]:
    """The loggers ``turned_on`` (those named in the run config), from the validated
    ``loggers`` block (defaults filled)."""
    built = []
    for key in sorted(set(turned_on)):
        block = loggers_config.get(key)
        definition = logger_defs[key]
        config = (block or {}).get("config")
        if definition.config_mapping is not None:
            path = ("loggers", key, "config")
            config = definition.config_mapping.apply(config, path).raise_on_error(
                f'Invalid config for logger "{key}"'
            )
        built.append(definition.build(config, run_id, pipeline_name))
    return built
