"""The examples in daskflow.types docstrings run and pass."""

import doctest
import importlib
import pkgutil

import pytest

import daskflow.types

MODULES = ["daskflow.types"] + [
    f"daskflow.types.{info.name}" for info in pkgutil.iter_modules(daskflow.types.__path__)
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
