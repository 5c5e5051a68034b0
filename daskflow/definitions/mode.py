"""Modes (which resources a run gets) and presets (named run configs for a mode).

>>> ModeDefinition().name
'default'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from daskflow.definitions.logger import LoggerDefinition, console_logger
from daskflow.definitions.names import check_valid_name
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.io_managers import fs_io_manager
from daskflow.resources import ResourceDefinition

__all__ = ["ModeDefinition", "PresetDefinition", "deep_merge"]

DEFAULT_MODE = "default"


class ModeDefinition:
    """A named set of resources: swap a fake datalake for a real one by choosing the mode.

    ``logger_defs`` (default: ``console``) are the loggers run config may turn on.
    Dagster's storage and executor definitions have no counterpart: IO managers are
    resources, and the ``execution:`` block of run config picks the Dask scheduler.
    """

    def __init__(  # noqa: PLR0913 (Dagster's signature, positional order included)
        self,
        name: str | None = None,
        resource_defs: Mapping[str, ResourceDefinition] | None = None,
        logger_defs: Mapping[str, LoggerDefinition] | None = None,
        system_storage_defs: Sequence[Any] | None = None,
        executor_defs: Sequence[Any] | None = None,
        description: str | None = None,
        intermediate_storage_defs: Sequence[Any] | None = None,
    ):
        self.name = check_valid_name(DEFAULT_MODE if name is None else name, "mode")
        self.description = description
        unsupported = {
            "system_storage_defs": system_storage_defs,
            "executor_defs": executor_defs,
            "intermediate_storage_defs": intermediate_storage_defs,
        }
        for option, given in unsupported.items():
            if given:
                raise DaskflowInvalidDefinitionError(
                    f'mode "{self.name}": {option} are not supported; outputs are stored by '
                    "IO managers (resources) and the execution: block of run config picks "
                    "the Dask scheduler"
                )
        self.logger_defs = dict(logger_defs or {"console": console_logger})
        self.resource_defs = dict(resource_defs or {})
        # Every mode stores outputs somewhere: the filesystem IO manager unless overridden.
        self.uses_default_io_manager = "io_manager" not in self.resource_defs
        if self.uses_default_io_manager:
            self.resource_defs["io_manager"] = fs_io_manager
        self._check_definitions("logger", self.logger_defs, LoggerDefinition)
        self._check_definitions("resource", self.resource_defs, ResourceDefinition)

    def _check_definitions(self, what: str, definitions: Mapping[str, Any], cls: type) -> None:
        for key, definition in definitions.items():
            check_valid_name(key, f"{what} key of mode {self.name!r}")
            if not isinstance(definition, cls):
                raise DaskflowInvalidDefinitionError(
                    f'mode "{self.name}": {what} "{key}" must be a {cls.__name__} (use '
                    f"@{what}), got {type(definition).__name__}"
                )

    @property
    def loggers(self) -> dict[str, LoggerDefinition]:
        """Dagster's name of ``logger_defs``."""
        return self.logger_defs

    @staticmethod
    def from_resources(resources: Mapping[str, Any], name: str | None = None) -> ModeDefinition:
        """A mode whose resources are the given values (``ResourceDefinition``s are kept,
        anything else becomes a hardcoded resource)."""
        return ModeDefinition(
            name=name,
            resource_defs={
                key: value
                if isinstance(value, ResourceDefinition)
                else ResourceDefinition.hardcoded_resource(value)
                for key, value in resources.items()
            },
        )

    def __repr__(self) -> str:
        return f"<ModeDefinition {self.name} resources={sorted(self.resource_defs)}>"


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Merge nested dicts; values of ``override`` win.

    >>> deep_merge({"a": {"x": 1, "y": 2}}, {"a": {"y": 3}, "b": 4})
    {'a': {'x': 1, 'y': 3}, 'b': 4}
    """
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_yaml_files(paths: Sequence[str | Path]) -> dict[str, Any]:
    """Read and deep-merge YAML run-config files, later files winning."""
    merged: dict[str, Any] = {}
    for path in paths:
        try:
            data = yaml.safe_load(Path(path).read_text()) or {}
        except FileNotFoundError:
            raise DaskflowInvalidDefinitionError(f"config file not found: {path}") from None
        except yaml.YAMLError as exc:
            raise DaskflowInvalidDefinitionError(
                f"config file {path} is not valid YAML: {exc}"
            ) from exc
        if not isinstance(data, Mapping):
            raise DaskflowInvalidDefinitionError(
                f"config file {path} must hold a mapping at the top, got {type(data).__name__}"
            )
        merged = deep_merge(merged, data)
    return merged


class PresetDefinition:
    """A named run config (and mode, and optional solid selection) ready to launch.

    The arguments are in Dagster's order: ``(name, run_config, solid_selection, mode, tags)``.
    """

    def __init__(
        self,
        name: str,
        run_config: Mapping[str, Any] | None = None,
        solid_selection: Sequence[str] | None = None,
        mode: str | None = None,
        tags: Mapping[str, str] | None = None,
    ):
        self.name = check_valid_name(name, "preset")
        self.run_config = dict(run_config or {})
        self.mode = DEFAULT_MODE if mode is None else mode
        self.solid_selection = list(solid_selection) if solid_selection else None
        self.tags = dict(tags or {})

    @staticmethod
    def from_files(
        name: str,
        config_files: Sequence[str | Path] | None = None,
        solid_selection: Sequence[str] | None = None,
        mode: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> PresetDefinition:
        """A preset whose run config is the deep merge of YAML files (later files win)."""
        config = load_yaml_files(config_files or [])
        return PresetDefinition(name, config, solid_selection, mode, tags)

    @property
    def environment_dict(self) -> dict[str, Any]:
        """Dagster's older name of ``run_config``."""
        return self.run_config

    def __repr__(self) -> str:
        return f"<PresetDefinition {self.name} mode={self.mode}>"
