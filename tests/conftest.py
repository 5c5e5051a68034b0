"""The suite's conftest: the shared fixtures live in ``tests/fixtures.py`` (a plugin).

``ROOT`` and ``CEREAL_DIR`` (from ``tests/paths.py``) stay importable from here.
"""

from tests.paths import CEREAL_DIR, ROOT

pytest_plugins = ["tests.fixtures"]

__all__ = ["CEREAL_DIR", "ROOT"]
