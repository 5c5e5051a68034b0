"""Validating a run config against a pipeline and resolving it per solid.

``validate_run_config`` returns every problem at once; ``resolve_run_config`` raises
``DaskflowConfigError`` with all of them. Config mapping of composite solids is applied
here, and its output is validated against the inner solids' schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from daskflow.config._errors import ConfigError, DaskflowConfigError
from daskflow.config._validate import validate_config
from daskflow.config.execution_schema import execution_problems
from daskflow.config.run_config_schema import (
    _solids_shape,
    build_run_config_schema,
    config_inputs,
)

__all__ = ["ResolvedRunConfig", "RunConfigValidation", "resolve_run_config", "validate_run_config"]


@dataclass
class ResolvedRunConfig:
    """A valid run config, defaults filled, split by consumer.

    ``solids`` is keyed by flat solid name (``comp.inner`` for composites); ``raw`` is what
    the user wrote (env references unresolved, safe to store); ``secrets`` are the values
    read from environment variables, to be redacted from logs and events.
    """

    raw: dict[str, Any]
    solids: dict[str, dict[str, Any]]
    resources: dict[str, Any]
    execution: dict[str, Any]
    loggers: dict[str, Any]
    mode: str
    secrets: frozenset[str] = field(default_factory=frozenset)

    def solid_config(self, solid_name: str) -> Any:
        return self.solids.get(solid_name, {}).get("config")

    def input_config(self, solid_name: str, input_name: str) -> Any:
        return self.solids.get(solid_name, {}).get("inputs", {}).get(input_name)


@dataclass
class RunConfigValidation:
    """The outcome of ``validate_run_config``: ``success``, every error, and the result."""

    success: bool
    errors: list[ConfigError]
    resolved: ResolvedRunConfig | None
    title: str

    def raise_if_invalid(self) -> ResolvedRunConfig:
        if not self.success or self.resolved is None:
            raise DaskflowConfigError(self.errors, title=self.title)
        return self.resolved


def validate_run_config(
    pipeline: Any,
    run_config: Mapping[str, Any] | None = None,
    mode: str | None = None,
    selected: set[str] | None = None,
    executed: set[str] | None = None,
) -> RunConfigValidation:
    """Check ``run_config`` against the pipeline's schema for ``mode``; collect all errors.

    ``selected`` is a solid selection: the config of a sub-pipeline. ``executed`` is set by
    re-execution: the steps that run; the config of the others is the parent run's, valid
    (see ``build_run_config_schema``) and optional.
    """
    mode_def = pipeline.get_mode(mode)
    title = f'Invalid run config for pipeline "{pipeline.name}" (mode "{mode_def.name}")'
    raw = dict(run_config or {})
    schema = build_run_config_schema(pipeline, mode_def, selected, executed)
    result = validate_config(schema, raw)
    errors = list(result.errors)
    if errors:
        return RunConfigValidation(False, errors, None, title)
    value = result.value
    errors += execution_problems(raw.get("execution"), value["execution"])
    solids: dict[str, dict[str, Any]] = {}
    secrets = set(result.secrets)
    secrets |= _flatten_solids(
        pipeline.invocations, value.get("solids", {}), (), pipeline, solids, errors
    )
    resolved = ResolvedRunConfig(
        raw,
        solids,
        value.get("resources", {}),
        value["execution"],
        value.get("loggers", {}),
        mode_def.name,
        frozenset(secrets),
    )
    return RunConfigValidation(not errors, errors, None if errors else resolved, title)


def resolve_run_config(
    pipeline: Any,
    run_config: Mapping[str, Any] | None = None,
    mode: str | None = None,
    selected: set[str] | None = None,
    executed: set[str] | None = None,
) -> ResolvedRunConfig:
    """Like ``validate_run_config`` but raises ``DaskflowConfigError`` listing every error."""
    return validate_run_config(pipeline, run_config, mode, selected, executed).raise_if_invalid()


def _flatten_solids(
    invocations: list[Any],
    block: Mapping[str, Any],
    prefix: tuple[str, ...],
    pipeline: Any,
    out: dict[str, dict[str, Any]],
    errors: list[ConfigError],
) -> set[str]:
    """Fill ``out`` with each flat solid's config; apply composites' config mapping."""
    secrets: set[str] = set()
    for inv in invocations:
        handle = (*prefix, inv.node_name)
        entry = block.get(inv.node_name) or {}
        definition = inv.definition
        if not hasattr(definition, "invocations"):
            out[".".join(handle)] = dict(entry)
            continue
        if definition.config_field is None:
            secrets |= _flatten_solids(
                definition.invocations, entry.get("solids", {}), handle, pipeline, out, errors
            )
            continue
        mapped = _apply_config_mapping(definition, entry.get("config"), handle, pipeline, errors)
        if mapped is not None:
            secrets |= mapped.secrets
            _flatten_solids(definition.invocations, mapped.value, handle, pipeline, out, errors)
    return secrets


def _apply_config_mapping(
    definition: Any, config: Any, handle: tuple[str, ...], pipeline: Any, errors: list[ConfigError]
) -> Any:
    path = ("solids", *_config_path(handle), "config")
    try:
        mapped = definition.config_fn(config)
    except Exception as exc:  # the user's mapping function failed: report where
        errors.append(
            ConfigError(
                path,
                f'the config_fn of composite solid "{definition.name}" '
                f"raised {type(exc).__name__}: {exc}",
                expected="a mapping",
            )
        )
        return None
    schema = _solids_shape(definition.invocations, handle, config_inputs(pipeline))
    result = validate_config(schema, mapped, path=(*path, "<mapped>"))
    for err in result.errors:
        errors.append(
            ConfigError(
                err.path,
                f'(produced by the config_fn of composite solid "{definition.name}") {err.message}',
                err.expected,
                err.received,
                err.hint,
            )
        )
    return result if result.success else None


def _config_path(handle: tuple[str, ...]) -> tuple[str, ...]:
    """``("comp", "inner")`` -> ``("comp", "solids", "inner")``, the path in run config."""
    path: list[str] = []
    for i, part in enumerate(handle):
        if i:
            path.append("solids")
        path.append(part)
    return tuple(path)
