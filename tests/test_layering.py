"""Layers only point down: no daskflow package imports a package above it.

The layering (docs/DESIGN.md, "Data flow and packages"), bottom to top::

    errors, events, metadata      leaves: import nothing of daskflow
    config                        the config schema language
    types                         daskflow types, their checks and loaders
    resources                     @resource and its lifecycle
    io_managers                   the IO-manager contract and the built-in ones
    definitions                   solids, pipelines, modes, presets
    run_config                    a pipeline's run-config schema and its validation
    instance                      storage; imports only the leaves and config
    engine                        plan, compile, execute
    launcher                      code locations, run origins, runs in their own processes
    bench, dashboards, daemon     built on the engine and the instance
    cli                           the ``daskflow`` command

The static test reads every module's imports with ``ast`` (function-level and
``TYPE_CHECKING`` ones included); the runtime tests import one package in a fresh
interpreter, with ``daskflow/__init__`` (the facade, which imports everything) left out,
and look at which daskflow packages got loaded.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import daskflow

ROOT = Path(daskflow.__file__).parent

LAYERS: list[set[str]] = [
    {"errors", "events", "metadata", "display"},
    {"config"},
    {"types"},
    {"resources"},
    {"io_managers"},
    {"definitions"},
    {"run_config"},
    {"instance"},
    {"engine"},
    {"launcher"},
    {"bench", "dashboards", "daemon"},
    {"cli"},
]
RANK = {package: rank for rank, layer in enumerate(LAYERS) for package in layer}
# Storage is read by processes that never run a pipeline (the CLI's `run list`, a daemon,
# a web UI): it stays below everything that knows pipelines.
RESTRICTED = {"instance": {"errors", "events", "metadata", "config"}}


def allowed(importer: str, imported: str) -> bool:
    """May a module of package ``importer`` import package ``imported``?

    >>> allowed("engine", "instance"), allowed("instance", "engine")
    (True, False)
    >>> allowed("instance", "definitions"), allowed("definitions", "io_managers")
    (False, True)
    """
    if importer == imported:
        return True
    if imported not in RANK:  # the facade `daskflow` itself, or an undeclared package
        return False
    if importer in RESTRICTED:
        return imported in RESTRICTED[importer]
    return RANK[imported] < RANK[importer]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path) -> list[tuple[str, int]]:
    """Absolute names of every module ``path`` imports, with line numbers."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((name, node.lineno))
    return found


def _package_of(module: str) -> str | None:
    """``daskflow.engine.run.launch`` -> ``engine``; ``daskflow`` -> ``daskflow``."""
    parts = module.split(".")
    if parts[0] != "daskflow":
        return None
    return parts[1] if len(parts) > 1 else "daskflow"


def layering_violations() -> list[str]:
    violations = []
    for path in sorted(ROOT.rglob("*.py")):
        importer = _package_of(_module_name(path))
        if importer == "daskflow":  # the facade: it gathers the public API from every layer
            continue
        assert importer in RANK, f"{path}: package {importer!r} is not in the layering"
        for name, line in _imported_modules(path):
            imported = _package_of(name)
            if imported is not None and not allowed(importer, imported):
                violations.append(f"{path.relative_to(ROOT.parent)}:{line} imports {name}")
    return violations


def test_no_package_imports_a_package_above_it():
    assert layering_violations() == []


def test_the_check_sees_upward_imports_inside_functions(tmp_path, monkeypatch):
    """A function-level import still counts (it is how cycles used to be dodged)."""
    package = tmp_path / "daskflow"
    (package / "config").mkdir(parents=True)
    (package / "config" / "__init__.py").write_text(
        "def schema():\n    from daskflow.definitions.pipeline import pipeline\n"
    )
    (package / "instance").mkdir()
    (package / "instance" / "_x.py").write_text("from ..engine import api\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", package)
    assert layering_violations() == [
        "daskflow/config/__init__.py:2 imports daskflow.definitions.pipeline",
        "daskflow/instance/_x.py:1 imports daskflow.engine",
    ]


# Imports ``daskflow.<package>`` without running ``daskflow/__init__`` (a bare package
# module stands in for it) and prints the daskflow packages that got loaded.
_LOADED = """
import importlib, json, sys, types
facade = types.ModuleType("daskflow")
facade.__path__ = [{root!r}]
sys.modules["daskflow"] = facade
importlib.import_module("daskflow.{package}")
print(json.dumps(sorted({{m.split(".")[1] for m in sys.modules if m.startswith("daskflow.")}})))
"""


def loaded_packages(package: str) -> set[str]:
    code = _LOADED.format(root=str(ROOT), package=package)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_importing_the_instance_does_not_import_the_engine():
    loaded = loaded_packages("instance")
    assert "engine" not in loaded
    assert loaded <= {"instance", *RESTRICTED["instance"]}


@pytest.mark.parametrize("package", ["config", "types", "io_managers", "run_config"])
def test_importing_a_layer_loads_only_layers_below_it(package):
    assert all(allowed(package, other) for other in loaded_packages(package) - {package})


def test_the_facade_loads_the_engine_only_when_an_engine_name_is_used():
    code = (
        "import sys, daskflow.instance, daskflow\n"
        "before = any(m.startswith('daskflow.engine') for m in sys.modules)\n"
        "daskflow.execute_pipeline\n"
        "after = any(m.startswith('daskflow.engine') for m in sys.modules)\n"
        "print(before, after)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.split() == ["False", "True"]
