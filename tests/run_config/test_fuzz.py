"""Property: whatever YAML can hold (or Python passes) as a run config, the outcome is a
valid config or a ``DaskflowConfigError`` with paths; never another exception. Roots that
are not mappings, keys that are not strings (dates, ints, booleans, null, lists) and deep
nesting included; the CLI exits 2 on all of those."""

from __future__ import annotations

import datetime
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daskflow import (
    DaskflowConfigError,
    Field,
    ModeDefinition,
    Permissive,
    execute_pipeline,
    pipeline,
    resource,
    solid,
)
from daskflow.cli import cli
from daskflow.errors import ConfigError
from daskflow.run_config import resolve_run_config


@resource(config_schema={"url": Field(str, is_required=False)})
def store(_init_context: Any) -> str:
    return "store"


@solid(
    config_schema={
        "p": Field(Permissive(), is_required=False),
        "n": Field(int, is_required=False),
        "anything": Field(Any, is_required=False),
    }
)
def configured(context: Any) -> int:
    return 1


@pipeline(mode_defs=[ModeDefinition(resource_defs={"store": store})])
def fuzzed():
    configured()


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.dates()
    | st.datetimes()
)
_KEYS = (
    st.text(max_size=6)
    | st.sampled_from(["solids", "configured", "config", "p", "n", "execution", "in_process"])
    | st.integers()
    | st.booleans()
    | st.none()
    | st.dates()
    | st.tuples(st.integers(), st.integers())
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=12,
)


def _nest(value: Any, depth: int, key: Any) -> Any:
    for _ in range(depth):
        value = {key: value} if key is not None else [value]
    return value


_DEEP = st.builds(_nest, _VALUES, st.integers(0, 400), st.sampled_from(["a", None, 3]))


def _run_config(solid_block: Any, execution: Any, resources: Any) -> dict[str, Any]:
    return {
        "solids": {"configured": {"config": solid_block}},
        "execution": execution,
        "resources": {"store": {"config": resources}},
    }


_SHAPED = st.builds(
    _run_config,
    st.fixed_dictionaries({}, optional={"p": _VALUES | _DEEP, "n": _VALUES, "anything": _DEEP}),
    st.sampled_from([{"in_process": {}}, {"threads": {}}]) | _VALUES,
    st.fixed_dictionaries({}, optional={"url": _VALUES}),
)
RUN_CONFIGS = _VALUES | _DEEP | _SHAPED


def _check_outcome(run_config: Any) -> None:
    try:
        resolved = resolve_run_config(fuzzed, run_config)
    except DaskflowConfigError as exc:
        assert exc.errors
        for error in exc.errors:
            assert isinstance(error, ConfigError)
            assert all(isinstance(part, str) for part in error.path)
            assert str(error)
        return
    json.dumps(resolved.raw, default=str)  # what the run record stores


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(RUN_CONFIGS)
def test_every_run_config_is_valid_or_a_config_error(run_config: Any) -> None:
    _check_outcome(run_config)


@pytest.mark.parametrize(
    ("run_config", "path"),
    [
        (["solids"], ""),
        ("solids", ""),
        (5, ""),
        (
            {"solids": {"configured": {"config": {"p": {datetime.date(2020, 1, 2): "x"}}}}},
            "solids.configured.config.p.2020-01-02",
        ),
        (
            {"solids": {"configured": {"config": {"p": {(1, 2): "x"}}}}},
            "solids.configured.config.p.(1, 2)",
        ),
        (
            {"solids": {"configured": {"config": {"p": _nest(1, 5000, "a")}}}},
            "solids.configured.config.p.a.a.a.a",
        ),
    ],
)
def test_the_reported_configs_fail_with_paths_before_anything_runs(
    run_config: Any, path: str
) -> None:
    with pytest.raises(DaskflowConfigError) as raised:
        execute_pipeline(fuzzed, run_config)
    assert raised.value.errors[0].path_str.startswith(path or "<root>")


@pytest.mark.parametrize(
    "text",
    [
        "- solids\n",
        "solids\n",
        "5\n",
        "solids: {configured: {config: {p: {2020-01-02: x}}}}\n",
        "solids: {configured: {config: {p: {? [1, 2] : x}}}}\n",
        "solids: {configured: {config: {p: " + "{a: " * 600 + "x" + "}" * 600 + "}}}\n",
        "solids: {configured: {config: {p: " + "[" * 600 + "x" + "]" * 600 + "}}}\n",
        "execution: {dask: {cluster: {class: no_such_module.Cluster}}}\n",
    ],
    ids=["list", "string", "int", "date-key", "list-key", "deep-map", "deep-list", "class"],
)
def test_the_cli_exits_2_on_bad_config(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASKFLOW_HOME", str(tmp_path / "home"))
    config = tmp_path / "run.yaml"
    config.write_text(text)
    result = CliRunner().invoke(
        cli, ["pipeline", "execute", "-f", __file__, "-p", "fuzzed", "-c", str(config)]
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "Error" in result.output or "Invalid" in result.output


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(_VALUES | _SHAPED)
def test_yaml_round_trip_is_valid_or_a_config_error(run_config: Any) -> None:
    """What YAML reads back of a value (its own key and scalar types) behaves the same."""
    try:
        read_back = yaml.safe_load(yaml.safe_dump(run_config))
    except (yaml.YAMLError, RecursionError):  # a list key YAML cannot read back; depth
        return
    _check_outcome(read_back)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(_VALUES | _SHAPED)
def test_the_cli_runs_a_config_or_exits_2(run_config: Any) -> None:
    """Any YAML run config: the CLI runs it (exit 0) or prints the problem and exits 2."""
    try:
        text = yaml.safe_dump(run_config)
    except (yaml.YAMLError, RecursionError):  # YAML cannot write it
        return
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "run.yaml"
        config.write_text(text)
        result = CliRunner(env={"DASKFLOW_HOME": str(Path(tmp) / "home")}).invoke(
            cli, ["pipeline", "execute", "-f", __file__, "-p", "fuzzed", "-c", str(config)]
        )
    assert result.exit_code in (0, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
