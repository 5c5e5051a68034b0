"""Failures that must name what failed: a step whose in-memory output cannot travel between
cluster processes, and an executor that cannot start (recorded as a failed run). Where a
run without an instance is recorded: ``DASKFLOW_HOME`` when set, else an ephemeral
instance, and a performance report saved into one is warned about."""

from __future__ import annotations

from typing import Any

import pytest

from daskflow import (
    DaskflowConfigError,
    DaskflowInstance,
    ModeDefinition,
    RunStatus,
    execute_pipeline,
    mem_io_manager,
    pipeline,
    solid,
)
from daskflow.events import DaskflowEventType


class Unpicklable:
    def __reduce__(self) -> Any:
        raise TypeError("Unpicklable cannot be pickled")


@solid
def make(context: Any) -> Any:
    return Unpicklable()


@solid
def use(context: Any, value: Any) -> int:
    return 1


@pipeline(mode_defs=[ModeDefinition(resource_defs={"io_manager": mem_io_manager})])
def in_memory():
    use(make())


@solid
def one(context: Any) -> int:
    return 1


@pipeline
def tiny():
    one()


def test_an_unserializable_in_memory_output_fails_its_step_by_name(
    instance: DaskflowInstance, cluster_execution: dict[str, Any]
) -> None:
    result = execute_pipeline(
        in_memory, {"execution": cluster_execution}, instance=instance, raise_on_error=False
    )
    assert not result.success
    assert result.result_for_solid("make").step_result is not None
    assert not result.result_for_solid("make").success
    failures = [e for e in result.events if e.event_type == DaskflowEventType.STEP_FAILURE]
    assert [e.step_key for e in failures] == ["make"]
    assert "could not be sent from the worker" in failures[0].message
    assert "mem_io_manager" in failures[0].message
    stats = instance.event_storage.get_step_stats(result.run_id)
    assert stats["make"].status.value == "FAILURE"


def test_a_cluster_class_that_cannot_be_imported_is_a_config_error_recorded_as_a_failed_run(
    instance: DaskflowInstance,
) -> None:
    config = {"execution": {"dask": {"cluster": {"class": "no_such_module.Cluster"}}}}
    with pytest.raises(DaskflowConfigError) as raised:
        execute_pipeline(tiny, config, instance=instance)
    assert raised.value.errors[0].path == ("execution", "dask", "cluster", "class")
    assert "no_such_module.Cluster" in str(raised.value)
    result = execute_pipeline(tiny, config, instance=instance, raise_on_error=False)
    assert not result.success
    last = result.events[-1]
    assert last.event_type == DaskflowEventType.PIPELINE_FAILURE
    assert "execution.dask.cluster.class" in last.message
    record = instance.run_storage.get_run(result.run_id)
    assert record is not None and record.status == RunStatus.FAILURE


def test_without_an_instance_a_run_is_recorded_in_daskflow_home(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("DASKFLOW_HOME", str(home))
    result = execute_pipeline(tiny, {"execution": {"in_process": {}}})
    with DaskflowInstance.get() as instance:
        record = instance.run_storage.get_run(result.run_id)
        assert record is not None and record.status == RunStatus.SUCCESS
        assert instance.outputs.run_ids() == [result.run_id]
    assert result.output_for_solid("one") == 1


def test_without_daskflow_home_the_run_is_ephemeral(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DASKFLOW_HOME", raising=False)
    result = execute_pipeline(tiny, {"execution": {"in_process": {}}})
    assert result.output_for_solid("one") == 1  # its instance lives as long as the result


def test_a_performance_report_in_an_ephemeral_instance_is_warned_about(
    monkeypatch: pytest.MonkeyPatch, cluster_execution: dict[str, Any]
) -> None:
    monkeypatch.delenv("DASKFLOW_HOME", raising=False)
    execution = {"dask": {**cluster_execution["dask"], "performance_report": True}}
    with pytest.warns(UserWarning, match="performance report .* ephemeral instance"):
        result = execute_pipeline(tiny, {"execution": execution})
    assert result.success
