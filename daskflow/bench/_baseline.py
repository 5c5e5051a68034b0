"""Resolving ``--baseline`` into a zero-argument callable.

``module:function`` names a function taking no arguments (``module`` is imported like
``-m``, so it must be importable: e.g. ``PYTHONPATH=.``; ``path/to/file.py:function`` loads a
file). Arguments may be bound with Python literals, which saves writing a wrapper:
``examples.tpch.handwritten:q1("data/tpch-sf1")``.

>>> fn = load_baseline("math:factorial(5)")
>>> fn()
120
>>> load_baseline("math")
Traceback (most recent call last):
...
daskflow.bench._baseline.BaselineError: bad baseline "math": expected MODULE:FUNCTION, \
MODULE:FUNCTION(ARGS) with literal arguments, or FILE.py:FUNCTION
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from daskflow.errors import DaskflowError

__all__ = ["BaselineError", "load_baseline"]

_SPEC = re.compile(r"^(?P<module>[^:]+):(?P<call>[A-Za-z_][\w.]*\s*(\(.*\))?)\s*$", re.S)
_EXPECTED = (
    "expected MODULE:FUNCTION, MODULE:FUNCTION(ARGS) with literal arguments, or FILE.py:FUNCTION"
)


class BaselineError(DaskflowError, ValueError):
    """A baseline spec that cannot be resolved; the message says what is wrong."""


def _import(spec: str, module_name: str) -> Any:
    try:
        if module_name.endswith(".py"):
            path = Path(module_name).resolve()
            if not path.is_file():
                raise BaselineError(f'bad baseline "{spec}": no such file {module_name}')
            loader_spec = importlib.util.spec_from_file_location(
                f"daskflow_baseline_{path.stem}", path
            )
            if loader_spec is None or loader_spec.loader is None:
                raise BaselineError(f'bad baseline "{spec}": cannot load {module_name}')
            module = importlib.util.module_from_spec(loader_spec)
            loader_spec.loader.exec_module(module)
            return module
        return importlib.import_module(module_name)
    except BaselineError:
        raise
    except Exception as exc:
        hint = (
            " (is its directory on PYTHONPATH? e.g. PYTHONPATH=.)"
            if isinstance(exc, ModuleNotFoundError)
            else ""
        )
        raise BaselineError(
            f'bad baseline "{spec}": importing {module_name} failed: '
            f"{type(exc).__name__}: {exc}{hint}"
        ) from exc


def _arguments(spec: str, call: str) -> tuple[str, list[Any], dict[str, Any]]:
    try:
        node = ast.parse(call.strip(), mode="eval").body
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            args = [ast.literal_eval(a) for a in node.args]
            kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg}
            return name, args, kwargs
        return ast.unparse(node), [], {}
    except (SyntaxError, ValueError) as exc:
        raise BaselineError(
            f'bad baseline "{spec}": arguments must be Python literals ({exc})'
        ) from exc


def load_baseline(spec: str) -> Callable[[], Any]:
    """The callable ``spec`` names, with its literal arguments bound."""
    match = _SPEC.match(spec.strip())
    if match is None:
        raise BaselineError(f'bad baseline "{spec}": {_EXPECTED}')
    module = _import(spec, match["module"].strip())
    name, args, kwargs = _arguments(spec, match["call"])
    target: Any = module
    for part in name.split("."):
        if not hasattr(target, part):
            raise BaselineError(
                f'bad baseline "{spec}": {match["module"]} has no attribute "{name}"'
            )
        target = getattr(target, part)
    if not callable(target):
        raise BaselineError(f'bad baseline "{spec}": {name} is not callable')
    if not args and not kwargs:
        return target
    bound = functools.partial(target, *args, **kwargs)
    functools.update_wrapper(bound, target)
    return bound
