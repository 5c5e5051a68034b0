"""Run storage: create, get (also by prefix), list, delete."""

from __future__ import annotations

import pytest

from daskflow.events import RunStatus
from daskflow.instance import (
    DaskflowAmbiguousRunIdError,
    DaskflowRunNotFoundError,
    DaskflowStorageError,
    RunRecord,
)
from tests.instance.conftest import T, event


def test_create_run_defaults_and_round_trip(instance):
    config = {"solids": {"load": {"config": {"url": {"env": "CEREAL_URL"}}}}}
    run = instance.run_storage.create_run(
        "cereal", config, "default", tags={"team": "data"}, solid_selection=["load", "sort"]
    )
    assert isinstance(run, RunRecord)
    assert len(run.run_id) == 32 and int(run.run_id, 16) >= 0
    assert run.status is RunStatus.NOT_STARTED
    assert run.run_config == config  # raw: the env source is kept, not resolved
    assert run.tags == {"team": "data"}
    assert run.solid_selection == ["load", "sort"] and run.step_selection is None
    assert run.start_time is None and run.end_time is None and run.coordinator is None
    assert run.created_at == run.updated_at
    assert instance.run_storage.get_run(run.run_id) == run


def test_explicit_run_id_and_duplicates(instance):
    instance.run_storage.create_run("cereal", None, "default", run_id="my-run")
    assert instance.run_storage.get_run("my-run").run_config == {}
    with pytest.raises(DaskflowStorageError, match='"my-run" already exists'):
        instance.run_storage.create_run("cereal", None, "default", run_id="my-run")


def test_root_run_id_follows_the_parent(instance):
    storage = instance.run_storage
    first = storage.create_run("cereal", {}, "default", run_id="first")
    second = storage.create_run("cereal", {}, "default", parent_run_id=first.run_id)
    third = storage.create_run("cereal", {}, "default", parent_run_id=second.run_id)
    assert (second.parent_run_id, second.root_run_id) == ("first", "first")
    assert (third.parent_run_id, third.root_run_id) == (second.run_id, "first")


def test_get_run_by_prefix(instance):
    storage = instance.run_storage
    storage.create_run("cereal", {}, "default", run_id="abcdef111111")
    storage.create_run("cereal", {}, "default", run_id="abcdef222222")
    storage.create_run("cereal", {}, "default", run_id="abc_ef333333")
    assert storage.get_run("abcdef1").run_id == "abcdef111111"
    assert storage.get_run("abc_ef").run_id == "abc_ef333333"  # "_" is not a wildcard
    assert storage.get_run("abcde") is None  # too short for a prefix
    assert storage.get_run("zzzzzzz") is None
    with pytest.raises(DaskflowAmbiguousRunIdError) as info:
        storage.get_run("abcdef")
    assert info.value.matches == ["abcdef111111", "abcdef222222"]
    assert "ambiguous" in str(info.value) and "abcdef111111" in str(info.value)


def test_require_run_raises_run_not_found_for_an_unknown_id(instance):
    storage = instance.run_storage
    storage.create_run("cereal", {}, "default", run_id="abcdef111111")
    assert storage.require_run("abcdef1").run_id == "abcdef111111"
    for unknown in ("zzzzzzz", "abcde"):  # no such run; too short for a prefix
        with pytest.raises(DaskflowRunNotFoundError) as info:
            storage.require_run(unknown)
        assert info.value.run_id == unknown
        assert f'no run "{unknown}"' in str(info.value)
        assert isinstance(info.value, LookupError)


def test_get_runs_newest_first_with_filters(instance):
    storage = instance.run_storage
    ids = [
        storage.create_run(name, {}, "default").run_id
        for name in ("cereal", "other", "cereal", "cereal")
    ]
    instance.event_storage.store_events([event(ids[2], T.PIPELINE_START)])
    assert [r.run_id for r in storage.get_runs()] == ids[::-1]
    assert [r.run_id for r in storage.get_runs(pipeline_name="cereal")] == [ids[3], ids[2], ids[0]]
    assert [r.run_id for r in storage.get_runs(status=RunStatus.STARTED)] == [ids[2]]
    assert [r.run_id for r in storage.get_runs(status="NOT_STARTED", limit=2)] == [ids[3], ids[1]]
    assert len(storage.get_runs(status=[RunStatus.STARTED, RunStatus.NOT_STARTED])) == 4
    assert storage.get_runs(pipeline_name="missing") == []


def test_delete_run_removes_events_and_asset_rows(instance):
    keep = instance.run_storage.create_run("cereal", {}, "default").run_id
    gone = instance.run_storage.create_run("cereal", {}, "default").run_id
    instance.event_storage.store_events(
        [
            event(
                run_id,
                kind,
                "load",
                **({"asset_key": "cereal"} if kind.name.startswith("A") else {}),
            )
            for run_id in (keep, gone)
            for kind in (T.PIPELINE_START, T.ASSET_MATERIALIZATION)
        ]
    )
    assert instance.run_storage.delete_run(gone) is True
    assert instance.run_storage.get_run(gone) is None
    assert instance.event_storage.get_events(gone) == []
    assert [m.run_id for m in instance.event_storage.get_materializations("cereal")] == [keep]
    assert len(instance.event_storage.get_events(keep)) == 2
    assert instance.run_storage.delete_run(gone) is False


def test_request_cancel(instance):
    storage = instance.run_storage
    pending, running, done = (storage.create_run("cereal", {}, "default").run_id for _ in range(3))
    instance.event_storage.store_events(
        [
            event(running, T.PIPELINE_START),
            event(done, T.PIPELINE_START),
            event(done, T.PIPELINE_SUCCESS),
        ]
    )
    assert storage.request_cancel(pending) and storage.request_cancel(running)
    assert not storage.request_cancel(done) and not storage.request_cancel("no-such-run")
    assert storage.get_run(done).status is RunStatus.SUCCESS
    # the request survives the coordinator's late PIPELINE_START
    instance.event_storage.store_events([event(pending, T.PIPELINE_START)])
    for run_id in (pending, running):
        run = storage.get_run(run_id)
        assert run.status is RunStatus.CANCELING and run.start_time is not None
    instance.event_storage.store_events([event(running, T.PIPELINE_CANCELED)])
    assert storage.get_run(running).status is RunStatus.CANCELED
