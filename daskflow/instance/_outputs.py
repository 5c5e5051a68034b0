"""The step outputs runs keep under the instance's storage directory: how much space they
use, deleting one run's, and collecting those of old runs.

IO managers that write to the instance (``fs_io_manager`` by default) keep a run's outputs
under ``<storage_dir>/<run_id>/``. ``collect_garbage`` removes the outputs of finished
runs older than a cutoff, except those a kept run may still read: re-executing a run
reuses the outputs of its parent and every ancestor, so the ancestors of a kept run keep
theirs. Run records and events stay (the history is small; outputs are not). Outputs an
IO manager stores elsewhere (another ``base_dir``, a bucket) are not touched.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import fsspec
from fsspec import AbstractFileSystem

from daskflow.events import RunStatus
from daskflow.instance._runs import RunRecord

__all__ = ["GarbageReport", "OutputStore", "runs_to_collect"]

_RUN_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class GarbageReport:
    """What ``collect_garbage`` removed (or would remove, for a dry run)."""

    run_ids: list[str] = field(default_factory=list)
    bytes_freed: int = 0
    kept_for_reexecution: list[str] = field(default_factory=list)  # old, but an ancestor


class OutputStore:
    """The run directories under ``storage_dir`` (a local path or an fsspec URL)."""

    def __init__(self, storage_dir: str) -> None:
        self.storage_dir = storage_dir.rstrip("/")
        fs, root = fsspec.core.url_to_fs(self.storage_dir)
        self._fs: AbstractFileSystem = fs
        self._root: str = root.rstrip("/")

    def _run_path(self, run_id: str) -> str:
        if not _RUN_ID.match(run_id):  # never a path of its own: ids are 32 hex digits
            raise ValueError(f"not a run id: {run_id!r}")
        return f"{self._root}/{run_id}"

    def _size(self, path: str) -> int:
        self._fs.invalidate_cache(path)
        if not self._fs.exists(path):
            return 0
        return int(self._fs.du(path, total=True))

    def run_bytes(self, run_id: str) -> int:
        """Bytes of the outputs run ``run_id`` stored here (0 if none)."""
        return self._size(self._run_path(run_id))

    def used_bytes(self) -> int:
        """Bytes of everything under the storage directory."""
        return self._size(self._root)

    def run_ids(self) -> list[str]:
        """Runs that have a directory of outputs here."""
        self._fs.invalidate_cache(self._root)
        if not self._fs.exists(self._root):
            return []
        names = (p.rstrip("/").rsplit("/", 1)[-1] for p in self._fs.ls(self._root, detail=False))
        return sorted(n for n in names if _RUN_ID.match(n))

    def delete_run(self, run_id: str) -> int:
        """Remove the outputs of run ``run_id``; returns the bytes freed."""
        path = self._run_path(run_id)
        size = self._size(path)
        if size or self._fs.exists(path):
            self._fs.rm(path, recursive=True)
        return size

    def collect_garbage(
        self, runs: Iterable[RunRecord], older_than_seconds: float, dry_run: bool = False
    ) -> GarbageReport:
        """Remove the outputs of finished runs that ended more than ``older_than_seconds``
        ago, keeping those of every ancestor of a run that is kept."""
        records = {r.run_id: r for r in runs}
        stored = set(self.run_ids())
        doomed, kept_old = runs_to_collect(records, time.time() - older_than_seconds)
        freed = 0
        removed: list[str] = []
        for run_id in sorted(doomed & stored):
            freed += self.run_bytes(run_id) if dry_run else self.delete_run(run_id)
            removed.append(run_id)
        return GarbageReport(removed, freed, sorted(kept_old & stored))


def _is_old(record: RunRecord, cutoff: float) -> bool:
    if not (record.status.is_finished or record.status == RunStatus.NOT_STARTED):
        return False  # running, or canceling: its coordinator may still write
    moment = record.end_time or record.start_time or record.created_at
    return moment < cutoff


def runs_to_collect(records: Mapping[str, RunRecord], cutoff: float) -> tuple[set[str], set[str]]:
    """``(runs whose outputs go, old runs kept because a kept run descends from them)``."""
    kept = {run_id for run_id, r in records.items() if not _is_old(r, cutoff)}
    needed: set[str] = set()
    for run_id in kept:
        parent = records[run_id].parent_run_id
        while parent is not None and parent not in needed:
            needed.add(parent)
            parent = records[parent].parent_run_id if parent in records else None
    old = set(records) - kept
    return old - needed, old & needed
