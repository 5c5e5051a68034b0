"""The asset index: one row per ``ASSET_MATERIALIZATION`` event, keyed by dotted asset key.

Rows are written by ``EventStorage.store_events`` in the same transaction as the event;
wiping an asset removes its index rows and leaves the runs' event logs intact.

>>> asset_key_string(["warehouse", "cereal"]), asset_key_string("warehouse.cereal")
('warehouse.cereal', 'warehouse.cereal')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select

from daskflow.events import DaskflowEventType, EventRecord
from daskflow.instance._db import Database, from_json, to_json
from daskflow.instance._tables import asset_materializations as mats

__all__ = [
    "AssetIndex",
    "AssetSummary",
    "MaterializationRecord",
    "asset_key_string",
    "materialization_row",
]

AssetKeyLike = str | Sequence[str]


def asset_key_string(asset_key: Any) -> str:
    """The dotted form of an asset key given as a string, a list of parts or an ``AssetKey``."""
    if isinstance(asset_key, str):
        return asset_key
    path = getattr(asset_key, "path", asset_key)
    return ".".join(str(part) for part in path)


@dataclass(frozen=True)
class AssetSummary:
    """One asset key: its latest materialization and how many are indexed."""

    asset_key: str
    last_materialization_timestamp: float
    last_run_id: str
    count: int


@dataclass(frozen=True)
class MaterializationRecord:
    """One materialization of an asset, as indexed."""

    asset_key: str
    run_id: str
    solid_name: str | None
    step_key: str | None
    timestamp: float
    event_id: int
    metadata_entries: list[dict[str, Any]]
    description: str | None
    partition: str | None


def materialization_row(event_id: int, record: EventRecord) -> dict[str, Any] | None:
    """The index row of an ``ASSET_MATERIALIZATION`` event; ``None`` if it names no asset."""
    if record.event_type != DaskflowEventType.ASSET_MATERIALIZATION:
        return None
    data = record.data
    if not data.get("asset_key"):
        return None
    partition = data.get("partition")
    return dict(
        asset_key=asset_key_string(data["asset_key"]),
        run_id=record.run_id,
        solid_name=record.solid_name,
        step_key=record.step_key,
        timestamp=record.timestamp,
        event_id=event_id,
        metadata=to_json(list(data.get("metadata_entries") or [])),
        description=data.get("description"),
        partition=None if partition is None else str(partition),
    )


class AssetIndex:
    """Queries of the asset index (``EventStorage`` is one)."""

    _db: Database

    def get_asset_keys(self) -> list[AssetSummary]:
        """Every indexed asset key, sorted, with its latest materialization and count."""
        latest = (
            select(
                mats.c.asset_key,
                func.max(mats.c.id).label("last_id"),
                func.count().label("materializations"),
            )
            .group_by(mats.c.asset_key)
            .subquery()
        )
        query = (
            select(latest.c.asset_key, mats.c.timestamp, mats.c.run_id, latest.c.materializations)
            .join(mats, mats.c.id == latest.c.last_id)
            .order_by(latest.c.asset_key)
        )
        with self._db.read() as conn:
            return [
                AssetSummary(row.asset_key, row.timestamp, row.run_id, row.materializations)
                for row in conn.execute(query)
            ]

    def get_materializations(
        self, asset_key: AssetKeyLike, limit: int | None = None
    ) -> list[MaterializationRecord]:
        """Materializations of ``asset_key`` (dotted string or parts), newest first."""
        key = asset_key_string(asset_key)
        query = select(mats).where(mats.c.asset_key == key).order_by(mats.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with self._db.read() as conn:
            return [
                MaterializationRecord(
                    asset_key=row.asset_key,
                    run_id=row.run_id,
                    solid_name=row.solid_name,
                    step_key=row.step_key,
                    timestamp=row.timestamp,
                    event_id=row.event_id,
                    metadata_entries=from_json(row.metadata, []),
                    description=row.description,
                    partition=row.partition,
                )
                for row in conn.execute(query)
            ]

    def wipe_asset(self, asset_key: AssetKeyLike) -> int:
        """Remove ``asset_key`` from the index (events stay); returns the rows removed."""
        key = asset_key_string(asset_key)
        with self._db.write() as conn:
            return conn.execute(delete(mats).where(mats.c.asset_key == key)).rowcount
