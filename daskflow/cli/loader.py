"""Finding pipelines for the CLI: from a Python file (``-f``) or module (``-m``).

A target holds pipelines as module attributes, or ``@repository`` objects holding them.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import click

from daskflow.definitions.pipeline import PipelineDefinition
from daskflow.definitions.repository import RepositoryDefinition

__all__ = ["load_pipelines", "select_pipeline"]


def _load_module(python_file: str | None, module_name: str | None) -> ModuleType:
    if module_name and not python_file:
        return _import_module(module_name)
    if not python_file or module_name:
        raise click.UsageError("give exactly one of -f/--python-file or -m/--module-name")
    path = Path(python_file).resolve()
    if not path.is_file():
        raise click.UsageError(f"no such Python file: {python_file}")
    sys.path.insert(0, str(path.parent))
    name = f"daskflow_user_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise click.UsageError(f"cannot load {python_file} as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    # Workers cannot import a file loaded by path: ship its definitions by value instead.
    import cloudpickle

    cloudpickle.register_pickle_by_value(module)
    return module


def _import_module(module_name: str) -> ModuleType:
    """Import ``module_name`` with the working directory first on ``sys.path``.

    As ``python -m`` does: ``daskflow pipeline execute -m examples.tpch.pipelines.q1`` run
    from the repository's root finds ``examples/`` there.
    """
    cwd = os.getcwd()
    if not sys.path or sys.path[0] not in (cwd, ""):
        if cwd in sys.path:
            sys.path.remove(cwd)
        sys.path.insert(0, cwd)
        importlib.invalidate_caches()
    try:
        return importlib.import_module(module_name)
    except ImportError as exc:
        raise click.UsageError(
            f"could not import module {module_name!r} (looked in the "
            f"current directory {cwd} and on sys.path): "
            f"{type(exc).__name__}: {exc}"
        ) from exc


def load_pipelines(
    python_file: str | None, module_name: str | None
) -> dict[str, PipelineDefinition]:
    """Every pipeline the target defines, by name."""
    module = _load_module(python_file, module_name)
    found: dict[str, PipelineDefinition] = {}
    for value in vars(module).values():
        if isinstance(value, PipelineDefinition):
            found[value.name] = value
        elif isinstance(value, RepositoryDefinition):
            found.update({p.name: p for p in value.get_all_pipelines()})
    if not found:
        raise click.UsageError(f"{python_file or module_name} defines no pipeline")
    return found


def select_pipeline(
    pipelines: dict[str, PipelineDefinition], name: str | None
) -> PipelineDefinition:
    if name is None:
        if len(pipelines) == 1:
            return next(iter(pipelines.values()))
        raise click.UsageError(
            "several pipelines found; choose one with -p: " + ", ".join(sorted(pipelines))
        )
    if name not in pipelines:
        raise click.UsageError(f'no pipeline "{name}"; found: ' + ", ".join(sorted(pipelines)))
    return pipelines[name]
