"""Config mapping: config given in one shape, mapped by a function onto another.

``ConfigMapping(config_fn, config_schema)`` is Dagster's: a composite solid's config
schema and the function mapping its config onto the inner solids' config.

``configured`` (on solids, composites, resources and loggers) makes a copy
(``configured_copy``) whose config is validated against its own schema (or none, for fixed
config), then mapped by a function to the config of the definition it was made from,
validated against that one's schema in turn (defaults filled), and so on down a chain of
``configured`` calls (``ConfiguredMapping``).

>>> from daskflow.config import Field
>>> inner = Field({"bucket": str, "region": Field(str, default_value="eu")})
>>> mapping = ConfiguredMapping(lambda cfg: {"bucket": cfg["env"] + "-data"}, inner, None, "s3")
>>> mapping.apply({"env": "dev"}, ("resources", "s3", "config")).value
{'bucket': 'dev-data', 'region': 'eu'}
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from daskflow.config._field import Field, config_field_from_schema
from daskflow.config._types import Any as AnyConfig
from daskflow.config._validate import ValidationResult, validate_config
from daskflow.errors import (
    ConfigError,
    DaskflowConfigMappingFunctionError,
    DaskflowInvalidDefinitionError,
)

__all__ = [
    "ConfigMapping",
    "ConfiguredMapping",
    "call_config_fn",
    "configured_copy",
    "configured_mapping",
]

_ANY = Field(AnyConfig, is_required=False)
_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def call_config_fn(fn: Callable[..., Any], config: Any, owner: str) -> Any:
    """Call a user's config mapping function; its errors become
    ``DaskflowConfigMappingFunctionError`` naming ``owner``.

    Dagster 0.8 mapping functions took ``(context, config)``; those still work.
    """
    try:
        params = inspect.signature(fn).parameters.values()
        required = [p for p in params if p.default is p.empty and p.kind in _POSITIONAL]
        takes_two = len(required) >= 2  # noqa: PLR2004
    except (TypeError, ValueError):  # a builtin without a signature
        takes_two = False
    try:
        return fn(None, config) if takes_two else fn(config)
    except Exception as exc:
        raise DaskflowConfigMappingFunctionError(
            f"the config mapping function of {owner} raised {type(exc).__name__}: {exc}",
            owner,
        ) from exc


@dataclass(frozen=True)
class ConfigMapping:
    """A composite solid's own config (``config_schema``, None: any config) and
    ``config_fn``, which maps it to the config of the composite's inner solids
    (``{"inner": {"config": ...}}``), as in Dagster 0.9.

    >>> mapping = ConfigMapping(lambda cfg: {"scale": {"config": cfg}}, {"factor": int})
    >>> sorted(mapping.config_field.config_type.fields)
    ['factor']
    """

    config_fn: Callable[..., Any]
    config_schema: Any = None

    def __post_init__(self) -> None:
        if not callable(self.config_fn):
            raise DaskflowInvalidDefinitionError(
                f"ConfigMapping: config_fn must be a function, got {self.config_fn!r:.60}"
            )

    @property
    def config_field(self) -> Field | None:
        return config_field_from_schema(self.config_schema)


class ConfiguredMapping:
    """``fn`` maps validated outer config to the config of the definition below, whose
    config field is ``inner_field`` (None: any config) and whose own mapping is ``inner``."""

    def __init__(
        self,
        fn: Callable[..., Any],
        inner_field: Field | None,
        inner: ConfiguredMapping | None,
        owner: str,
    ) -> None:
        self.fn = fn
        self.inner_field = inner_field
        self.inner = inner
        self.owner = owner

    @classmethod
    def fixed(
        cls, config: Any, inner_field: Field | None, inner: ConfiguredMapping | None, owner: str
    ) -> ConfiguredMapping:
        """A mapping that always gives ``config`` (``configured`` with a config value)."""
        return cls(lambda _outer: config, inner_field, inner, owner)

    def apply(self, value: Any, path: tuple[str, ...]) -> ValidationResult:
        """Map ``value`` down the whole chain; errors are reported at ``path``."""
        mapped = call_config_fn(self.fn, {} if value is None else value, self.owner)
        result = validate_config(self.inner_field or _ANY, mapped, path)
        if not result.success:
            errors = [
                ConfigError(
                    e.path,
                    f"(config given by configured {self.owner}) {e.message}",
                    e.expected,
                    e.received,
                    e.hint,
                )
                for e in result.errors
            ]
            return ValidationResult(None, errors, result.secrets)
        if self.inner is None:
            return result
        below = self.inner.apply(result.value, path)
        return ValidationResult(below.value, below.errors, result.secrets | below.secrets)


def configured_mapping(
    owner: str,
    inner_field: Field | None,
    inner: ConfiguredMapping | None,
    config_or_config_fn: Any,
    config_schema: Any,
) -> ConfiguredMapping:
    """The mapping of a ``configured`` copy of a definition (``owner``, e.g. ``solid "s"``)
    whose own config field is ``inner_field`` and whose own mapping is ``inner``."""
    if callable(config_or_config_fn):
        return ConfiguredMapping(config_or_config_fn, inner_field, inner, owner)
    if config_schema is not None:
        raise DaskflowInvalidDefinitionError(
            f"configured {owner}: a config_schema goes with a config function, not with a "
            "fixed config value"
        )
    return ConfiguredMapping.fixed(config_or_config_fn, inner_field, inner, owner)


class Configurable(Protocol):
    """What ``configured`` copies: a definition with a config field and a description."""

    description: str | None
    config_field: Field | None
    config_mapping: ConfiguredMapping | None


C = TypeVar("C", bound=Configurable)


def configured_copy(
    definition: C, owner: str, config_or_config_fn: Any, config_schema: Any, description: str | None
) -> C:
    """A copy of ``definition`` (``owner``, e.g. ``solid "s"``) whose config is given, or
    computed by a function from config validated against ``config_schema``."""
    clone = copy.copy(definition)
    clone.description = description or definition.description
    clone.config_mapping = configured_mapping(
        owner,
        definition.config_field,
        definition.config_mapping,
        config_or_config_fn,
        config_schema,
    )
    clone.config_field = config_field_from_schema(config_schema)
    return clone
