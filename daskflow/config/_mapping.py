"""Config mapping: how the config of a ``configured`` definition becomes its original's config.

``configured`` (on solids, composites and resources) makes a new definition whose config
is validated against its own schema (or none, for fixed config), then mapped by a function
to the config of the definition it was made from, validated against that one's schema in
turn (defaults filled), and so on down a chain of ``configured`` calls.

>>> from daskflow.config import Field
>>> inner = Field({"bucket": str, "region": Field(str, default_value="eu")})
>>> mapping = ConfigMapping(lambda cfg: {"bucket": cfg["env"] + "-data"}, inner, None, "s3")
>>> mapping.apply({"env": "dev"}, ("resources", "s3", "config")).value
{'bucket': 'dev-data', 'region': 'eu'}
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from daskflow.config._field import Field
from daskflow.config._types import Any as AnyConfig
from daskflow.config._validate import ValidationResult, validate_config
from daskflow.errors import (
    ConfigError,
    DaskflowConfigMappingFunctionError,
    DaskflowInvalidDefinitionError,
)

__all__ = ["ConfigMapping", "call_config_fn", "configured_mapping"]

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


class ConfigMapping:
    """``fn`` maps validated outer config to the config of the definition below, whose
    config field is ``inner_field`` (None: any config) and whose own mapping is ``inner``."""

    def __init__(
        self,
        fn: Callable[..., Any],
        inner_field: Field | None,
        inner: ConfigMapping | None,
        owner: str,
    ) -> None:
        self.fn = fn
        self.inner_field = inner_field
        self.inner = inner
        self.owner = owner

    @classmethod
    def fixed(
        cls, config: Any, inner_field: Field | None, inner: ConfigMapping | None, owner: str
    ) -> ConfigMapping:
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
    inner: ConfigMapping | None,
    config_or_config_fn: Any,
    config_schema: Any,
) -> ConfigMapping:
    """The mapping of a ``configured`` copy of a definition (``owner``, e.g. ``solid "s"``)
    whose own config field is ``inner_field`` and whose own mapping is ``inner``."""
    if callable(config_or_config_fn):
        return ConfigMapping(config_or_config_fn, inner_field, inner, owner)
    if config_schema is not None:
        raise DaskflowInvalidDefinitionError(
            f"configured {owner}: a config_schema goes with a config function, not with a "
            "fixed config value"
        )
    return ConfigMapping.fixed(config_or_config_fn, inner_field, inner, owner)
