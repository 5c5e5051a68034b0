"""Stored outputs: storage used, deleting a run's outputs, and garbage collection that keeps
what a re-execution of a kept run needs (its ancestors' outputs)."""

from __future__ import annotations

import dataclasses
import datetime
import time
from typing import Any

import pytest

from daskflow import Field, RunStatus, execute_pipeline, pipeline, reexecute_pipeline, solid
from daskflow.instance import DaskflowInstance, OutputStore
from daskflow.instance._outputs import runs_to_collect


@solid
def first(context: Any) -> list[int]:
    return list(range(1000))


@solid(config_schema={"fail": Field(bool, default_value=False)})
def second(context: Any, numbers: list[int]) -> int:
    if context.solid_config["fail"]:
        raise RuntimeError("asked to fail")
    return sum(numbers)


@pipeline
def chain():
    second(first())


def _config(fail: bool) -> dict[str, Any]:
    return {"execution": {"in_process": {}}, "solids": {"second": {"config": {"fail": fail}}}}


def _stored(instance: DaskflowInstance) -> list[str]:
    return instance.outputs.run_ids()


def test_delete_run_removes_outputs_unless_kept(instance: DaskflowInstance) -> None:
    one = execute_pipeline(chain, _config(False), instance=instance).run_id
    two = execute_pipeline(chain, _config(False), instance=instance).run_id
    assert _stored(instance) == sorted([one, two])
    used = instance.storage_used()
    assert used >= instance.outputs.run_bytes(one) > 0
    assert instance.delete_run(one) == pytest.approx(used / 2, rel=0.2)
    assert _stored(instance) == [two]
    assert instance.delete_run(two, keep_outputs=True) == 0
    assert _stored(instance) == [two] and instance.run_storage.get_runs() == []


def test_gc_keeps_the_outputs_a_kept_reexecution_reuses(instance: DaskflowInstance) -> None:
    parent = execute_pipeline(chain, _config(True), instance=instance, raise_on_error=False)
    child = reexecute_pipeline(chain, parent.run_id, instance, run_config=_config(False))
    alone = execute_pipeline(chain, _config(False), instance=instance).run_id
    assert child.success
    records = {r.run_id: r for r in instance.run_storage.get_runs()}
    old = time.time() - 40 * 86400
    aged = {k: dataclasses.replace(r, end_time=old) for k, r in records.items()}
    aged[child.run_id] = records[child.run_id]  # the child is recent, its parent is old
    doomed, kept = runs_to_collect(aged, time.time() - 30 * 86400)
    assert doomed == {alone} and kept == {parent.run_id}
    report = instance.outputs.collect_garbage(aged.values(), 30 * 86400)
    assert report.run_ids == [alone] and report.kept_for_reexecution == [parent.run_id]
    assert report.bytes_freed > 0
    assert alone not in _stored(instance) and parent.run_id in _stored(instance)
    again = reexecute_pipeline(chain, child.run_id, instance, step_selection=["second"])
    assert again.success and again.output_for_solid("second") == sum(range(1000))


def test_collect_garbage_by_age_through_the_instance(instance: DaskflowInstance) -> None:
    run_id = execute_pipeline(chain, _config(False), instance=instance).run_id
    assert instance.collect_garbage(datetime.timedelta(days=30)).run_ids == []
    dry = instance.collect_garbage(0, dry_run=True)
    assert dry.run_ids == [run_id] and _stored(instance) == [run_id]
    assert instance.collect_garbage(0).run_ids == [run_id]
    assert _stored(instance) == [] and instance.storage_used() == 0
    assert instance.run_storage.get_run(run_id) is not None  # the record stays


def test_a_run_that_is_still_going_is_never_collected(instance: DaskflowInstance) -> None:
    record = instance.run_storage.create_run("chain", {}, "default")
    started = dataclasses.replace(record, status=RunStatus.STARTED, created_at=0.0)
    doomed, _ = runs_to_collect({record.run_id: started}, time.time())
    assert doomed == set()


def test_only_run_ids_name_directories(tmp_path: Any) -> None:
    with pytest.raises(ValueError, match="not a run id"):
        OutputStore(str(tmp_path)).delete_run("../etc")
