"""Validating a run config against a pipeline and resolving it per solid.

``validate_run_config`` returns every problem at once; ``resolve_run_config`` raises
``DaskflowConfigError`` with all of them. Config mapping of composite solids is applied
here, and its output is validated against the inner solids' schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from daskflow.config import ValidationResult, call_config_fn, describe_value, validate_config
from daskflow.definitions.composite import CompositeSolidDefinition
from daskflow.definitions.composition import Invocation
from daskflow.definitions.mode import ModeDefinition
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
    secrets |= flattener.run(value.get("solids", {}))
    errors += _configured_resource_problems(mode_def, value.get("resources", {}))
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
    ``comp.inner``), config mappings (``configured``, composites' ``config_fn``) applied,
    composites' inputs handed to the inner solids they feed, problems into ``errors``."""

    pipeline: PipelineDefinition
    errors: list[ConfigError]
    solids: dict[str, dict[str, Any]] = field(default_factory=dict)
    composite_inputs: dict[str, Mapping[str, Any]] = field(default_factory=dict)

    def run(self, block: Mapping[str, Any]) -> set[str]:
        """Flatten the pipeline's ``solids`` block; returns the secrets mappings read."""
        secrets = self.flatten(self.pipeline.invocations, block, ())
        for node in self.pipeline.solids:
            for input_name, (handle, outer_input) in node.config_inputs.items():
                value = self.composite_inputs.get(".".join(handle), {}).get(outer_input)
                if value is not None and node.name in self.solids:
                    entry = self.solids[node.name]
                    entry["inputs"] = {**entry.get("inputs", {}), input_name: value}
        return secrets

    def flatten(
        self, invocations: list[Invocation], block: Mapping[str, Any], prefix: tuple[str, ...]
    ) -> set[str]:
        """Fill ``solids`` from ``block``; returns the secrets config mappings read."""
        secrets: set[str] = set()
        for inv in invocations:
            handle = (*prefix, inv.node_name)
            entry = dict(block.get(inv.node_name) or {})
            definition = inv.definition
            if isinstance(definition, CompositeSolidDefinition):
                self.composite_inputs[".".join(handle)] = entry.get("inputs") or {}
                secrets |= self._flatten_composite(definition, entry, handle)
                continue
            if definition.config_mapping is not None:
                path = ("solids", *_config_path(handle), "config")
                mapped = definition.config_mapping.apply(entry.get("config"), path)
                self.errors.extend(mapped.errors)
                secrets |= mapped.secrets
                entry["config"] = mapped.value
            self.solids[".".join(handle)] = entry
        return secrets

    def _flatten_composite(
        self,
        definition: CompositeSolidDefinition,
        entry: Mapping[str, Any],
        handle: tuple[str, ...],
    ) -> set[str]:
        if not definition.has_config_mapping:
            return self.flatten(definition.invocations, entry.get("solids") or {}, handle)
        mapped = self._apply_config_mapping(definition, entry.get("config"), handle)
        if mapped is None:
            return set()
        return set(mapped.secrets) | self.flatten(
            definition.invocations, mapped.value or {}, handle
        )

    def _apply_config_mapping(
        self, definition: CompositeSolidDefinition, config: Any, handle: tuple[str, ...]
    ) -> ValidationResult | None:
        """The inner solids' block: ``configured`` mappings, then the ``config_fn``."""
        path = ("solids", *_config_path(handle), "config")
        secrets: frozenset[str] = frozenset()
        if definition.config_mapping is not None:
            configured = definition.config_mapping.apply(config, path)
            self.errors.extend(configured.errors)
            if not configured.success:
                return None
            config, secrets = configured.value, configured.secrets
        owner = f'composite solid "{definition.name}"'
        if definition.config_fn is not None:
            config = call_config_fn(definition.config_fn, {} if config is None else config, owner)
        schema = solids_shape(definition.invocations, handle, config_inputs(self.pipeline))
        result = validate_config(schema, config, path=(*path, "<mapped>"))
        for err in result.errors:
            message = f"(produced by the config_fn of {owner}) {err.message}"
            self.errors.append(ConfigError(err.path, message, err.expected, err.received, err.hint))
        if not result.success:
            return None
        return ValidationResult(result.value, [], result.secrets | secrets)


def _configured_resource_problems(
    mode: ModeDefinition, resources: Mapping[str, Any]
) -> list[ConfigError]:
    """Errors of the config that ``configured`` resources map to (found before the run)."""
    errors: list[ConfigError] = []
    for key, block in resources.items():
        definition = mode.resource_defs.get(key)
        if definition is not None and definition.config_mapping is not None:
            path = ("resources", key, "config")
            errors += definition.config_mapping.apply((block or {}).get("config"), path).errors
    return errors


def _config_path(handle: tuple[str, ...]) -> tuple[str, ...]:
    """``("comp", "inner")`` -> ``("comp", "solids", "inner")``, the path in run config."""
    path: list[str] = []
    for i, part in enumerate(handle):
        if i:
            path.append("solids")
        path.append(part)
    return tuple(path)
