"""Loading pipelines from a code location: import the file or module, collect every
``PipelineDefinition`` (and those of ``@repository`` objects) it defines at top level.

A file is imported under a private module name and its definitions are pickled by value
(``cloudpickle.register_pickle_by_value``), so Dask workers that cannot import the file by
path still receive them.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import cloudpickle

from daskflow.definitions.pipeline import PipelineDefinition
from daskflow.definitions.repository import RepositoryDefinition
from daskflow.launcher.origin import CodeLocation

__all__ = ["DaskflowLoadError", "import_location", "load_location"]


class DaskflowLoadError(Exception):
    """Code could not be loaded; the message names the file or module and why."""


def _import_file(path: Path) -> ModuleType:
    if not path.is_file():
        raise DaskflowLoadError(f"no such Python file: {path}")
    name = f"daskflow_user_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise DaskflowLoadError(f"cannot import {path}: not a Python source file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(name, None)
        message = f"error while importing {path}: {type(exc).__name__}: {exc}"
        raise DaskflowLoadError(message) from exc
    cloudpickle.register_pickle_by_value(module)
    return module


def _import_module(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except Exception as exc:
        raise DaskflowLoadError(
            f"could not import module {name!r}: {type(exc).__name__}: {exc}"
        ) from exc


def _on_sys_path(directory: str) -> None:
    if directory not in sys.path:
        sys.path.insert(0, directory)
        importlib.invalidate_caches()


def import_location(location: CodeLocation) -> ModuleType:
    """The module of ``location``, imported (its directory put on ``sys.path``)."""
    if location.kind == "python_file":
        path = Path(location.target)
        _on_sys_path(str(path.parent))
        _on_sys_path(location.working_directory)
        return _import_file(path)
    _on_sys_path(location.working_directory)
    return _import_module(location.target)


def load_location(location: CodeLocation) -> dict[str, PipelineDefinition]:
    """Every pipeline ``location`` defines, by name (its directory put on ``sys.path``)."""
    module = import_location(location)
    found: dict[str, PipelineDefinition] = {}
    for value in vars(module).values():
        if isinstance(value, PipelineDefinition):
            found[value.name] = value
        elif isinstance(value, RepositoryDefinition):
            found.update({p.name: p for p in value.get_all_pipelines()})
    if not found:
        raise DaskflowLoadError(f"{location.target} defines no pipeline")
    return found
