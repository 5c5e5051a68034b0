"""The asset index: built from materialization events, queried, wiped."""

from __future__ import annotations

from daskflow.instance import AssetSummary, MaterializationRecord
from tests.instance.conftest import T, event

ENTRIES = [{"label": "rows", "entry_data": {"type": "int", "value": 77}}]


def _materialize(instance, run_id, key, step="load", timestamp=None, **extra):
    return instance.event_storage.store_events(
        [
            event(
                run_id,
                T.ASSET_MATERIALIZATION,
                step,
                timestamp=timestamp,
                asset_key=key,
                metadata_entries=ENTRIES,
                description="cereal table",
                **extra,
            )
        ]
    )[0]


def test_materializations_are_indexed(instance):
    first, second = (
        instance.run_storage.create_run("cereal", {}, "default").run_id for _ in range(2)
    )
    event_id = _materialize(
        instance, first, "warehouse.cereal", timestamp=10.0, partition="2024-01-01"
    )
    _materialize(instance, second, ["warehouse", "cereal"], step="sort", timestamp=20.0)
    _materialize(instance, second, "warehouse.sugar", timestamp=21.0)
    instance.event_storage.store_events(
        [
            event(first, T.ASSET_MATERIALIZATION, "x"),  # no asset key: stored, not indexed
            event(first, T.LOG, "x", asset_key="not.a.materialization"),
        ]
    )

    assert instance.event_storage.get_asset_keys() == [
        AssetSummary("warehouse.cereal", 20.0, second, 2),
        AssetSummary("warehouse.sugar", 21.0, second, 1),
    ]
    newest, oldest = instance.event_storage.get_materializations("warehouse.cereal")
    assert isinstance(oldest, MaterializationRecord)
    assert (newest.run_id, newest.step_key, newest.timestamp) == (second, "sort", 20.0)
    assert (oldest.run_id, oldest.solid_name, oldest.event_id, oldest.partition) == (
        first,
        "load",
        event_id,
        "2024-01-01",
    )
    assert oldest.metadata_entries == ENTRIES and oldest.description == "cereal table"
    assert [
        m.run_id
        for m in instance.event_storage.get_materializations(["warehouse", "cereal"], limit=1)
    ] == [second]


def test_wipe_asset_keeps_run_events(instance):
    run_id = instance.run_storage.create_run("cereal", {}, "default").run_id
    _materialize(instance, run_id, "a.b")
    _materialize(instance, run_id, "a.b")
    _materialize(instance, run_id, "c")
    assert instance.event_storage.wipe_asset("a.b") == 2
    assert [s.asset_key for s in instance.event_storage.get_asset_keys()] == ["c"]
    assert instance.event_storage.get_materializations("a.b") == []
    assert len(instance.event_storage.get_events(run_id)) == 3
    assert instance.event_storage.wipe_asset("a.b") == 0
    _materialize(instance, run_id, "a.b")  # materialized again after the wipe
    assert [s.count for s in instance.event_storage.get_asset_keys()] == [1, 1]
