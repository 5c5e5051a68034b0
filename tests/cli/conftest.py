"""Fixtures of the CLI tests: a temporary DASKFLOW_HOME, fast cereal config, a flaky pipeline."""

import os
import textwrap

import pytest

from ..conftest import CEREAL_DIR
from .helpers import CEREAL_FILE, CEREAL_YAML, FLAKY_PIPELINE


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    """Every CLI test gets its own DASKFLOW_HOME."""
    path = tmp_path / "home"
    monkeypatch.setenv("DASKFLOW_HOME", str(path))
    return path


@pytest.fixture
def fast_yaml(tmp_path):
    """In-process execution, and the CSV path made absolute (cereal.yaml's is relative)."""
    path = tmp_path / "fast.yaml"
    csv = os.path.join(CEREAL_DIR, "data", "cereal.csv")
    path.write_text(
        textwrap.dedent(f"""\
        execution: {{in_process: {{}}}}
        solids:
          add_sugar_per_cup:
            inputs:
              cereals:
                csv: {{path: "{csv}"}}
        """)
    )
    return path


@pytest.fixture
def cereal_args(fast_yaml):
    """Arguments of `pipeline execute` for the cereal example (mode test, in process)."""
    return ["-f", CEREAL_FILE, "-c", CEREAL_YAML, "-c", fast_yaml, "--mode", "test"]


@pytest.fixture
def flaky(tmp_path):
    """A three-solid pipeline file (first -> second -> third) and run configs for it."""
    path = tmp_path / "flaky.py"
    path.write_text(FLAKY_PIPELINE)
    configs = {}
    for name, fail in [("ok", "false"), ("fail", "true")]:
        configs[name] = tmp_path / f"{name}.yaml"
        configs[name].write_text(
            f"execution: {{in_process: {{}}}}\nsolids: {{second: {{config: {{fail: {fail}}}}}}}\n"
        )
    return path, configs
