"""Shared test fixtures."""

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CEREAL_DIR = os.path.join(ROOT, "examples", "cereal")


@pytest.fixture
def cereal_module():
    """The cereal example module, imported from examples/cereal."""
    if CEREAL_DIR not in sys.path:
        sys.path.insert(0, CEREAL_DIR)
    import cereal

    return cereal


@pytest.fixture
def cereal_csv():
    return os.path.join(CEREAL_DIR, "data", "cereal.csv")
