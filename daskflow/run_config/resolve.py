"""Validating a run config against a pipeline and resolving it per solid.

``validate_run_config`` returns every problem at once; ``resolve_run_config`` raises
``DaskflowConfigError`` with all of them. Config mapping of composite solids is applied
here, and its output is validated against the inner solids' schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from daskflow.config import ValidationResult, describe_value, validate_config
from daskflow.definitions.composite import CompositeSolidDefinition
from daskflow.definitions.composition import Invocation
from daskflow.definitions.pipeline import PipelineDefinition
from daskflow.errors import ConfigError, DaskflowConfigError
from daskflow.run_config.execution import execution_problems
from daskflow.run_config.schema import build_run_config_schema, config_inputs, solids_shape

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
    pipeline: PipelineDefinition,
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
    if run_config is not None and not isinstance(run_config, Mapping):
        return RunConfigValidation(False, [_not_a_mapping(run_config)], None, title)
    raw = dict(run_config or {})
    schema = build_run_config_schema(pipeline, mode_def, selected, executed)
    result = validate_config(schema, raw)
    errors = list(result.errors)
    if errors:
        return RunConfigValidation(False, errors, None, title)
    value = result.value
    errors += execution_problems(raw.get("execution"), value["execution"])
    flattener = _Flattener(pipeline, errors)
    secrets = set(result.secrets)
    secrets |= flattener.flatten(pipeline.invocations, value.get("solids", {}), ())
    resolved = ResolvedRunConfig(
        raw,
        flattener.solids,
        value.get("resources", {}),
        value["execution"],
        value.get("loggers", {}),
        mode_def.name,
        frozenset(secrets),
    )
    return RunConfigValidation(not errors, errors, None if errors else resolved, title)


def _not_a_mapping(run_config: object) -> ConfigError:
    received = describe_value(run_config)
    return ConfigError(
        (),
        f"a run config is a mapping, got {received}.",
        "a mapping",
        received,
        "Write its blocks as keys at the top: solids, resources, execution, loggers.",
    )


def resolve_run_config(
    pipeline: PipelineDefinition,
    run_config: Mapping[str, Any] | None = None,
    mode: str | None = None,
    selected: set[str] | None = None,
    executed: set[str] | None = None,
) -> ResolvedRunConfig:
    """Like ``validate_run_config`` but raises ``DaskflowConfigError`` listing every error."""
    return validate_run_config(pipeline, run_config, mode, selected, executed).raise_if_invalid()


@dataclass
class _Flattener:
    """Walks the composition tree: each flat solid's block into ``solids`` (keyed
    ``comp.inner``), composites' config mapping applied, problems into ``errors``."""

    pipeline: PipelineDefinition
    errors: list[ConfigError]
    solids: dict[str, dict[str, Any]] = field(default_factory=dict)

    def flatten(
        self, invocations: list[Invocation], block: Mapping[str, Any], prefix: tuple[str, ...]
    ) -> set[str]:
        """Fill ``solids`` from ``block``; returns the secrets config mappings read."""
        secrets: set[str] = set()
        for inv in invocations:
            handle = (*prefix, inv.node_name)
            entry = block.get(inv.node_name) or {}
            definition = inv.definition
            if not isinstance(definition, CompositeSolidDefinition):
                self.solids[".".join(handle)] = dict(entry)
            elif definition.config_field is None:
                secrets |= self.flatten(definition.invocations, entry.get("solids", {}), handle)
            else:
                mapped = self._apply_config_mapping(definition, entry.get("config"), handle)
                if mapped is not None:
                    secrets |= mapped.secrets
                    self.flatten(definition.invocations, mapped.value, handle)
        return secrets

    def _apply_config_mapping(
        self, definition: CompositeSolidDefinition, config: Any, handle: tuple[str, ...]
    ) -> ValidationResult | None:
        path = ("solids", *_config_path(handle), "config")
        owner = f'the config_fn of composite solid "{definition.name}"'
        try:
            mapped = definition.config_fn(config) if definition.config_fn else config
        except Exception as exc:  # the user's mapping function failed: report where
            message = f"{owner} raised {type(exc).__name__}: {exc}"
            self.errors.append(ConfigError(path, message, expected="a mapping"))
            return None
        schema = solids_shape(definition.invocations, handle, config_inputs(self.pipeline))
        result = validate_config(schema, mapped, path=(*path, "<mapped>"))
        for err in result.errors:
            message = f"(produced by {owner}) {err.message}"
            self.errors.append(ConfigError(err.path, message, err.expected, err.received, err.hint))
        return result if result.success else None


def _config_path(handle: tuple[str, ...]) -> tuple[str, ...]:
    """``("comp", "inner")`` -> ``("comp", "solids", "inner")``, the path in run config."""
    path: list[str] = []
    for i, part in enumerate(handle):
        if i:
            path.append("solids")
        path.append(part)
    return tuple(path)
