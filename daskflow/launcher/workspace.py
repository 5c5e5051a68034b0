"""A workspace: the code locations a UI (or daemon) serves, loaded once, with each
pipeline's origin. From ``-f FILE``, ``-m MODULE`` or a ``workspace.yaml``::

    load_from:
      - python_file: cereal.py              # relative to the workspace file
      - python_module: examples.tpch.pipelines.q1
        working_directory: ../..            # default: the workspace file's directory

A file's working directory defaults to the file's own directory (so relative paths in its
run configs resolve as they do next to it), a module's to the current directory. A location
that fails to load is kept with its error, so the others still work.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from daskflow.definitions.pipeline import PipelineDefinition
from daskflow.launcher.loading import DaskflowLoadError, load_location
from daskflow.launcher.origin import CodeLocation, PipelineOrigin

__all__ = ["LoadedLocation", "Workspace", "file_location", "module_location"]


def file_location(path: str, working_directory: str | None = None) -> CodeLocation:
    resolved = Path(path).resolve()
    return CodeLocation("python_file", str(resolved), working_directory or str(resolved.parent))


def module_location(name: str, working_directory: str | None = None) -> CodeLocation:
    return CodeLocation("python_module", name, working_directory or os.getcwd())


@dataclass
class LoadedLocation:
    """A code location and its pipelines, or the error that kept it from loading."""

    location: CodeLocation
    pipelines: dict[str, PipelineDefinition] = field(default_factory=dict)
    error: str | None = None


class Workspace:
    """Pipelines by name across code locations (names must be unique across them)."""

    def __init__(self, locations: list[CodeLocation]) -> None:
        self.locations: list[LoadedLocation] = []
        self._by_name: dict[str, tuple[PipelineDefinition, CodeLocation]] = {}
        for location in locations:
            self.locations.append(self._load(location))

    def _load(self, location: CodeLocation) -> LoadedLocation:
        try:
            pipelines = load_location(location)
        except DaskflowLoadError as exc:
            return LoadedLocation(location, error=str(exc))
        for name, definition in pipelines.items():
            if name in self._by_name:
                other = self._by_name[name][1].target
                return LoadedLocation(
                    location,
                    error=f'pipeline "{name}" is defined by both {other} and {location.target}',
                )
            self._by_name[name] = (definition, location)
        return LoadedLocation(location, pipelines)

    @staticmethod
    def from_yaml(path: str) -> Workspace:
        """The workspace a ``workspace.yaml`` describes (see the module docstring)."""
        return Workspace(read_workspace_file(path))

    @property
    def pipeline_names(self) -> list[str]:
        return sorted(self._by_name)

    def has_pipeline(self, name: str) -> bool:
        return name in self._by_name

    def get_pipeline(self, name: str) -> PipelineDefinition:
        if name not in self._by_name:
            raise KeyError(name)
        return self._by_name[name][0]

    def origin(self, name: str) -> PipelineOrigin:
        location = self._by_name[name][1]
        return PipelineOrigin(location.kind, location.target, location.working_directory, name)


def read_workspace_file(path: str) -> list[CodeLocation]:
    """The code locations listed by a workspace file; errors name the file and entry."""
    workspace = Path(path).resolve()
    try:
        document = yaml.safe_load(workspace.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise DaskflowLoadError(f"cannot read workspace {path}: {exc}") from exc
    entries = document.get("load_from") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise DaskflowLoadError(f"{path}: expected a non-empty list under load_from:")
    return [_entry(workspace, index, entry) for index, entry in enumerate(entries)]


def _entry(workspace: Path, index: int, entry: Any) -> CodeLocation:
    where = f"{workspace}: load_from[{index}]"
    if not isinstance(entry, dict):
        raise DaskflowLoadError(f"{where}: expected python_file: or python_module:")
    base = workspace.parent
    directory = entry.get("working_directory")
    working = str((base / directory).resolve()) if directory else None
    unknown = set(entry) - {"python_file", "python_module", "working_directory"}
    if unknown or ("python_file" in entry) == ("python_module" in entry):
        raise DaskflowLoadError(
            f"{where}: give exactly one of python_file/python_module "
            f"(and optionally working_directory); got {', '.join(sorted(entry))}"
        )
    if "python_file" in entry:
        return file_location(str(base / str(entry["python_file"])), working)
    return module_location(str(entry["python_module"]), working or str(base))
