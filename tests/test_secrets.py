"""No value read through ``{env: ...}`` reaches the record: a distinctive secret is looked
for in every stored event, the database file, every file of the instance's home, the CLI's
output and the exceptions raised to the user, across retries, type checks, failures, logs,
metadata, resource initialisation and teardown errors and executor start-up errors."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dask
import dask.dataframe as dd
import distributed  # noqa: F401  (its config defaults, before dask.config.set below)
import pandas as pd
import pytest
from click.testing import CliRunner

from daskflow import (
    AssetMaterialization,
    DaskflowConfigError,
    DaskflowError,
    DaskflowInstance,
    DaskflowType,
    EventMetadataEntry,
    ExpectationResult,
    Failure,
    Field,
    InputDefinition,
    ModeDefinition,
    Output,
    OutputDefinition,
    RetryPolicy,
    StringSource,
    TypeCheck,
    execute_pipeline,
    pipeline,
    resource,
    solid,
)
from daskflow.cli import cli
from daskflow.types import DaskDataFrame

SECRET = "zq-S3CR3T-9f4e1b7a"
VAR = "DASKFLOW_TEST_SECRET"


def _leaky_check(_context: Any, value: Any) -> TypeCheck:
    return TypeCheck(False, description=f"not accepted: {value}")


Leaky = DaskflowType("Leaky", _leaky_check)


@resource(config_schema={"password": StringSource})
def fragile(init_context: Any) -> Iterator[str]:
    password = init_context.resource_config["password"]
    yield password
    raise RuntimeError(f"could not close the session of {password}")


@resource(config_schema={"password": StringSource})
def refusing(init_context: Any) -> str:
    raise ConnectionError(f"login refused for {init_context.resource_config['password']}")


@solid(config_schema={"token": Field(StringSource)}, retry_policy=RetryPolicy(max_retries=1))
def retried(context: Any) -> int:
    context.log.info(f"using token {context.solid_config['token']}")
    raise ValueError(f"the API rejected {context.solid_config['token']}")


@solid(config_schema={"token": Field(StringSource)}, output_defs=[OutputDefinition(Leaky)])
def checked(context: Any) -> Any:
    yield Output(f"value with {context.solid_config['token']}")


@solid(config_schema={"token": Field(StringSource)})
def failing(context: Any) -> int:
    token = context.solid_config["token"]
    raise Failure(
        description=f"gave up on {token}",
        metadata_entries=[EventMetadataEntry.text(token, "token")],
    )


@solid(required_resource_keys={"fragile"})
def uses_fragile(context: Any) -> int:
    context.log.warning(f"resource says {context.resources.fragile}")
    return 1


@solid(required_resource_keys={"refusing"})
def uses_refusing(context: Any) -> int:
    return 1


@solid(config_schema={"token": Field(StringSource)})
def reporting(context: Any) -> Any:
    token = context.solid_config["token"]
    yield AssetMaterialization(
        "reports.daily",
        description=f"written with {token}",
        metadata_entries=[EventMetadataEntry.json({"auth": token}, "request")],
    )
    yield ExpectationResult(False, label="auth", description=f"{token} is not rotated")
    yield Output("a plain value")  # outputs are the user's data: stored as they are


@solid(input_defs=[InputDefinition("value", Leaky)])
def consumes(context: Any, value: Any) -> int:
    return 1


def _fail_partition(frame: pd.DataFrame, token: str) -> pd.DataFrame:
    raise ValueError(f"partition refused {token}")


@solid(config_schema={"token": Field(StringSource)}, output_defs=[OutputDefinition(DaskDataFrame)])
def lazy(context: Any) -> Any:
    frame = dd.from_pandas(pd.DataFrame({"a": range(4)}), npartitions=2)
    return frame.map_partitions(_fail_partition, context.solid_config["token"], meta=frame._meta)


@pipeline(mode_defs=[ModeDefinition(resource_defs={"fragile": fragile, "refusing": refusing})])
def leaky():
    retried()
    checked()
    failing()
    uses_fragile()
    uses_refusing()
    consumes(reporting())
    lazy()


@solid
def uses_nothing(context: Any) -> int:
    return 1


@pipeline
def small():
    uses_nothing()


def _config(execution: dict[str, Any] | None = None) -> dict[str, Any]:
    token = {"config": {"token": {"env": VAR}}}
    password = {"config": {"password": {"env": VAR}}}
    return {
        "execution": execution or {"in_process": {}},
        "solids": {name: token for name in ("retried", "checked", "failing", "reporting", "lazy")},
        "resources": {"fragile": password, "refusing": password},
    }


def _exception_texts(exc: BaseException) -> Iterator[str]:
    """Everything a user could read of ``exc``: message, repr, traceback, the whole chain."""
    seen: set[int] = set()
    current: BaseException | None = exc
    yield "".join(traceback.format_exception(exc))
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield str(current)
        yield repr(current)
        yield repr(vars(current))
        yield from _exception_texts_of_context(current)
        current = current.__cause__ or current.__context__


def _exception_texts_of_context(exc: BaseException) -> Iterator[str]:
    if exc.__context__ is not None:
        yield "".join(traceback.format_exception(exc.__context__))


def _assert_no_secret_in_home(home: Path) -> int:
    """Every file of the home (database included) is free of the secret; returns how many."""
    files = [p for p in home.rglob("*") if p.is_file()]
    for path in files:
        assert SECRET.encode() not in path.read_bytes(), path
    return len(files)


@pytest.fixture(autouse=True)
def secret_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VAR, SECRET)


def test_no_secret_in_events_storage_or_raised_errors(tmp_path: Path) -> None:
    with DaskflowInstance.from_home(tmp_path / "home") as instance:
        # raise_on_error raises the first failure as the user sees it (Dagster's way): here
        # the failed type check, carrying its description; never with the secret in it
        with pytest.raises(DaskflowError) as raised:
            execute_pipeline(leaky, _config(), instance=instance)
        (run,) = instance.run_storage.get_runs()
        run_id = run.run_id
        for text in _exception_texts(raised.value):
            assert SECRET not in text
        stored = [s.record for s in instance.event_storage.get_events(run_id)]
    types = {e.event_type.value for e in stored}
    # every path of the test really ran, and said something (masked)
    assert {
        "STEP_UP_FOR_RETRY",
        "STEP_OUTPUT",
        "STEP_INPUT",
        "STEP_FAILURE",
        "LOG",
        "ENGINE_EVENT",
        "ASSET_MATERIALIZATION",
        "STEP_EXPECTATION_RESULT",
        "HANDLED_OUTPUT",
    } <= types
    text = repr([e.to_dict() for e in stored])
    assert SECRET not in text
    assert "the API rejected ***" in text  # retry and failure events, tracebacks included
    assert "not accepted: value with ***" in text  # the type check's description
    assert 'resource "fragile" failed to tear down' in text
    assert "login refused for ***" in text
    assert "partition refused ***" in text  # a Dask DataFrame partition's error
    assert "written with ***" in text and "*** is not rotated" in text
    assert _assert_no_secret_in_home(tmp_path / "home") > 0
    with DaskflowInstance.from_home(tmp_path / "home") as instance:
        assets = instance.event_storage.get_asset_keys()
        assert SECRET not in repr(assets)


def test_no_secret_from_cluster_workers(
    tmp_path: Path, cluster_execution: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same run on worker processes: their events and teardown errors are masked too."""
    with DaskflowInstance.from_home(tmp_path / "home") as instance:
        result = execute_pipeline(
            leaky, _config(cluster_execution), instance=instance, raise_on_error=False
        )
        stored = [s.record for s in instance.event_storage.get_events(result.run_id)]
    assert not result.success
    text = repr([e.to_dict() for e in stored])
    assert SECRET not in text
    assert "the API rejected ***" in text and "partition refused ***" in text
    assert any(e.data.get("worker") for e in stored)  # events did come from workers
    _assert_no_secret_in_home(tmp_path / "home")


def test_no_secret_when_not_raising(tmp_path: Path) -> None:
    with DaskflowInstance.from_home(tmp_path / "home") as instance:
        result = execute_pipeline(leaky, _config(), instance=instance, raise_on_error=False)
    assert not result.success
    assert SECRET not in repr([e.to_dict() for e in result.events])
    failure = result.result_for_solid("failing").failure_data
    assert failure is not None and "gave up on ***" in failure["message"]
    _assert_no_secret_in_home(tmp_path / "home")


def test_no_secret_when_the_scheduler_is_unreachable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    address = "tcp://127.0.0.1:9"  # the discard port: nothing listens there
    monkeypatch.setenv(VAR, address)
    config = {"execution": {"dask": {"cluster": {"address": {"env": VAR}}}}}
    with (
        dask.config.set({"distributed.comm.timeouts.connect": "1s"}),
        DaskflowInstance.from_home(tmp_path / "home") as instance,
    ):
        with pytest.raises(DaskflowConfigError) as raised:
            execute_pipeline(small, config, instance=instance)
        assert raised.value.errors[0].path == ("execution", "dask", "cluster", "address")
        assert "cannot connect to the Dask scheduler at ***" in str(raised.value)
        for text in _exception_texts(raised.value):
            assert address not in text
        result = execute_pipeline(small, config, instance=instance, raise_on_error=False)
    assert not result.success
    assert result.events[-1].event_type.value == "PIPELINE_FAILURE"
    assert "execution.dask.cluster.address" in result.events[-1].message
    assert address not in repr([e.to_dict() for e in result.events])
    assert address.encode() not in (tmp_path / "home" / "daskflow.db").read_bytes()


def test_no_secret_in_cli_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("DASKFLOW_HOME", str(home))
    config = tmp_path / "run.yaml"
    config.write_text(
        "execution: {in_process: {}}\n"
        "solids:\n"
        f"  retried: {{config: {{token: {{env: {VAR}}}}}}}\n"
        f"  checked: {{config: {{token: {{env: {VAR}}}}}}}\n"
        f"  failing: {{config: {{token: {{env: {VAR}}}}}}}\n"
        f"  reporting: {{config: {{token: {{env: {VAR}}}}}}}\n"
        f"  lazy: {{config: {{token: {{env: {VAR}}}}}}}\n"
        "resources:\n"
        f"  fragile: {{config: {{password: {{env: {VAR}}}}}}}\n"
        f"  refusing: {{config: {{password: {{env: {VAR}}}}}}}\n"
    )
    runner = CliRunner()
    args = ["pipeline", "execute", "-f", __file__, "-p", "leaky", "-c", str(config)]
    executed = runner.invoke(cli, args)
    assert executed.exit_code == 1, executed.output
    assert SECRET not in executed.output
    with DaskflowInstance.from_home(home) as instance:
        run_id = instance.run_storage.get_runs()[0].run_id
    for command in (["run", "show", run_id], ["run", "show", run_id, "--json"], ["run", "list"]):
        shown = runner.invoke(cli, command)
        assert shown.exit_code == 0, shown.output
        assert SECRET not in shown.output
    assert "***" in runner.invoke(cli, ["run", "show", run_id]).output
    _assert_no_secret_in_home(home)


def test_no_secret_when_the_cli_cannot_reach_the_scheduler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    address = "tcp://127.0.0.1:9"
    monkeypatch.setenv(VAR, address)
    monkeypatch.setenv("DASKFLOW_HOME", str(tmp_path / "home"))
    config = tmp_path / "run.yaml"
    config.write_text(f"execution: {{dask: {{cluster: {{address: {{env: {VAR}}}}}}}}}\n")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = CliRunner().invoke(
            cli, ["pipeline", "execute", "-f", __file__, "-p", "small", "-c", str(config)]
        )
    assert result.exit_code == 2, result.output
    assert "execution.dask.cluster.address" in result.output
    assert address not in result.output
    _assert_no_secret_in_home(tmp_path / "home")
    assert address.encode() not in (tmp_path / "home" / "daskflow.db").read_bytes()
