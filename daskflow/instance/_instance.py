"""``DaskflowInstance``: the home directory, its run and event storage, and where outputs go.

A thin facade: it opens the storages ``daskflow.yaml`` describes and hands them out;
callers use ``instance.run_storage`` and ``instance.event_storage`` directly. The step
outputs under ``storage_dir`` are measured and cleaned up through it: ``storage_used``,
``delete_run`` (record and outputs) and ``collect_garbage`` (old runs' outputs).

>>> with DaskflowInstance.ephemeral() as instance:
...     run = instance.run_storage.create_run("cereal", {}, "default")
...     instance.run_storage.get_run(run.run_id).status.value
'NOT_STARTED'
"""

from __future__ import annotations

import datetime
import os
import shutil
import tempfile
import time
from pathlib import Path
from types import TracebackType

from daskflow.instance._db import Database
from daskflow.instance._events import EventStorage
from daskflow.instance._heartbeat import HEARTBEAT_TIMEOUT_SECONDS
from daskflow.instance._home import (
    DASKFLOW_HOME_ENV,
    InstanceSettings,
    load_settings,
    resolve_home,
)
from daskflow.instance._outputs import GarbageReport, OutputStore
from daskflow.instance._queue_storage import QueueStorage
from daskflow.instance._runs import RunStorage
from daskflow.instance._schedule_storage import ScheduleStorage
from daskflow.instance._stale import mark_stale_runs
from daskflow.instance._stale_ticks import INTERRUPTED_TICK_TIMEOUT_SECONDS, mark_interrupted_ticks
from daskflow.instance._tick_purge import TickPurgeReport

__all__ = ["DaskflowInstance"]


class DaskflowInstance:
    """Storage of one ``DASKFLOW_HOME``: ``run_storage``, ``event_storage`` (with the asset
    index) and ``storage_dir``, the fsspec URL or local path under which IO managers keep
    step outputs. Use it as a context manager, or call ``dispose()`` when done."""

    def __init__(
        self, settings: InstanceSettings, database: Database, temp_dir: Path | None = None
    ) -> None:
        self.home: Path = settings.home
        self.storage_dir: str = settings.storage_dir
        self.settings = settings
        self.run_storage = RunStorage(database)
        self.event_storage = EventStorage(database)
        self.schedule_storage = ScheduleStorage(database)
        self.queue_storage = QueueStorage(database)
        self._database = database
        self._temp_dir = temp_dir
        self._disposed = False

    @classmethod
    def get(cls) -> DaskflowInstance:
        """The instance of ``$DASKFLOW_HOME`` (default ``./.daskflow``), created if missing."""
        return cls.from_home(resolve_home())

    @classmethod
    def from_home(cls, home: str | os.PathLike[str], mark_stale: bool = True) -> DaskflowInstance:
        """The instance stored in ``home`` (created if missing), configured by its
        ``daskflow.yaml``. Stale runs are marked failed, and interrupted ticks ended,
        unless ``mark_stale`` is False."""
        path = resolve_home(home)
        path.mkdir(parents=True, exist_ok=True)
        settings = load_settings(path)
        instance = cls(settings, Database.open(settings))
        if mark_stale:
            try:
                instance.mark_stale_runs()
                instance.mark_interrupted_ticks()
            except BaseException:
                instance.dispose()
                raise
        return instance

    @classmethod
    def for_run(cls) -> DaskflowInstance:
        """What a run given no instance records to: ``$DASKFLOW_HOME`` when it is set,
        otherwise a new ephemeral instance (deleted when disposed)."""
        if os.environ.get(DASKFLOW_HOME_ENV):
            return cls.get()
        return cls.ephemeral()

    @classmethod
    def ephemeral(cls) -> DaskflowInstance:
        """An instance in a new temporary directory (SQLite), removed by ``dispose()``."""
        temp_dir = Path(tempfile.mkdtemp(prefix="daskflow-")).resolve()
        try:
            settings = load_settings(temp_dir)
            return cls(settings, Database.open(settings), temp_dir=temp_dir)
        except BaseException:
            shutil.rmtree(temp_dir, ignore_errors=True)
            raise

    @property
    def is_ephemeral(self) -> bool:
        return self._temp_dir is not None

    @property
    def database_url(self) -> str:
        """The database URL with any password hidden."""
        return self._database.display_url

    @property
    def outputs(self) -> OutputStore:
        """The run directories of step outputs under ``storage_dir``."""
        return OutputStore(self.storage_dir)

    def storage_used(self) -> int:
        """Bytes of step outputs stored under ``storage_dir``."""
        return self.outputs.used_bytes()

    def delete_run(self, run_id: str, keep_outputs: bool = False) -> int:
        """Delete a run's record, events and (unless ``keep_outputs``) its stored outputs;
        returns the bytes of outputs freed. Runs re-executed from it lose what they reused."""
        freed = 0 if keep_outputs else self.outputs.delete_run(run_id)
        self.run_storage.delete_run(run_id)
        return freed

    def collect_garbage(
        self, older_than: datetime.timedelta | float, dry_run: bool = False
    ) -> GarbageReport:
        """Remove the stored outputs of finished runs that ended longer than ``older_than``
        (a timedelta, or seconds) ago. Outputs a newer run may reuse when it is re-executed
        (those of its ancestors) are kept; run records and events stay."""
        runs = self.run_storage.get_runs()
        return self.outputs.collect_garbage(runs, _seconds(older_than), dry_run)

    def purge_ticks(
        self,
        older_than: datetime.timedelta | float,
        kind: str | None = None,
        name: str | None = None,
        dry_run: bool = False,
    ) -> TickPurgeReport:
        """Delete the schedule and sensor ticks older than ``older_than`` (a timedelta, or
        seconds) of ``kind`` (``"schedule"``/``"sensor"``) and ``name`` (default: all),
        keeping the latest finished tick of each and any tick in progress. Clocks and
        cursors stay, so nothing relaunches."""
        before = time.time() - _seconds(older_than)
        return self.schedule_storage.purge_ticks(before, kind, name, dry_run)

    def mark_interrupted_ticks(
        self, timeout: float = INTERRUPTED_TICK_TIMEOUT_SECONDS
    ) -> list[int]:
        """End ``SKIPPED``, with the reason, the ``STARTED`` ticks whose daemon is gone: its
        process on this host exited, or it and its heartbeat (any host) are older than
        ``timeout`` seconds. Returns their ids. Called on open and by every daemon pass."""
        return mark_interrupted_ticks(self._database, timeout=timeout)

    def mark_stale_runs(self, heartbeat_timeout: float = HEARTBEAT_TIMEOUT_SECONDS) -> list[str]:
        """Mark ``STARTED``/``CANCELING`` runs whose coordinator is gone as failed (with an
        event saying why): its process on this host exited, or its heartbeat (from any
        host) is older than ``heartbeat_timeout`` seconds. Returns their run ids. Called on
        open."""
        return mark_stale_runs(self._database, heartbeat_timeout=heartbeat_timeout)

    def dispose(self) -> None:
        """Close database connections; an ephemeral instance also deletes its directory."""
        if self._disposed:
            return
        self._disposed = True
        self._database.dispose()
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)

    def __enter__(self) -> DaskflowInstance:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.dispose()

    def __repr__(self) -> str:
        kind = "ephemeral " if self.is_ephemeral else ""
        return f"<{kind}DaskflowInstance home={str(self.home)!r} db={self.database_url!r}>"


def _seconds(age: datetime.timedelta | float) -> float:
    return age.total_seconds() if isinstance(age, datetime.timedelta) else float(age)
