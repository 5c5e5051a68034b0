"""Modes (which resources a run gets) and presets (named run configs for a mode).

>>> ModeDefinition().name
'default'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from daskflow.definitions.names import check_valid_name
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.io_managers import fs_io_manager
from daskflow.resources import ResourceDefinition

__all__ = ["ModeDefinition", "PresetDefinition", "deep_merge"]

DEFAULT_MODE = "default"


class ModeDefinition:
    """A named set of resources: swap a fake datalake for a real one by choosing the mode."""

    def __init__(
        self,
        name: str = DEFAULT_MODE,
        resource_defs: Mapping[str, ResourceDefinition] | None = None,
        description: str | None = None,
    ):
        self.name = check_valid_name(name, "mode")
        self.description = description
        self.resource_defs = dict(resource_defs or {})
        # Every mode stores outputs somewhere: the filesystem IO manager unless overridden.
        self.uses_default_io_manager = "io_manager" not in self.resource_defs
        if self.uses_default_io_manager:
            self.resource_defs["io_manager"] = fs_io_manager
        for key, definition in self.resource_defs.items():
            check_valid_name(key, f"resource key of mode {name!r}")
            if not isinstance(definition, ResourceDefinition):
                raise DaskflowInvalidDefinitionError(
                    f'mode "{name}": resource "{key}" must be a ResourceDefinition (use '
                    f"@resource), got {type(definition).__name__}"
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
    """A named run config (and mode, and optional solid selection) ready to launch."""

    def __init__(
        self,
        name: str,
        run_config: Mapping[str, Any] | None = None,
        mode: str = DEFAULT_MODE,
        solid_selection: Sequence[str] | None = None,
        tags: Mapping[str, str] | None = None,
    ):
        self.name = check_valid_name(name, "preset")
        self.run_config = dict(run_config or {})
        self.mode = mode
        self.solid_selection = list(solid_selection) if solid_selection else None
        self.tags = dict(tags or {})

    @staticmethod
    def from_files(
        name: str,
        config_files: Sequence[str | Path],
        mode: str = DEFAULT_MODE,
        solid_selection: Sequence[str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> PresetDefinition:
        """A preset whose run config is the deep merge of YAML files (later files win)."""
        return PresetDefinition(name, load_yaml_files(config_files), mode, solid_selection, tags)

    def __repr__(self) -> str:
        return f"<PresetDefinition {self.name} mode={self.mode}>"
