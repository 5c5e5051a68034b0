"""Instance storage: ``DASKFLOW_HOME``, runs, event logs, the asset index, and the operate
layer's state (schedules, sensors, ticks, idempotency keys, the run queue, backfills,
heartbeats), migrated in place by alembic.

>>> from daskflow.instance import DaskflowInstance
>>> with DaskflowInstance.ephemeral() as instance:
...     instance.run_storage.get_runs()
[]
"""

from daskflow.errors import (
    DaskflowAmbiguousRunIdError,
    DaskflowRunNotFoundError,
    DaskflowStorageError,
)
from daskflow.events import StepStatus
from daskflow.instance._assets import AssetSummary, MaterializationRecord
from daskflow.instance._event_queries import EventFilter
from daskflow.instance._events import EventStorage, StepStats, StoredEvent
from daskflow.instance._heartbeat import HEARTBEAT_SECONDS, HEARTBEAT_TIMEOUT_SECONDS
from daskflow.instance._home import CONFIG_FILE, DASKFLOW_HOME_ENV, DB_FILE, DEFAULT_HOME
from daskflow.instance._instance import DaskflowInstance
from daskflow.instance._outputs import GarbageReport, OutputStore
from daskflow.instance._process import coordinator_id, new_daemon_id
from daskflow.instance._queue_storage import (
    BACKFILL_TAG,
    BackfillRecord,
    QueueEntry,
    QueueStorage,
)
from daskflow.instance._run_index import RunFilter, RunPage
from daskflow.instance._runs import MIN_RUN_ID_PREFIX, RunRecord, RunStorage
from daskflow.instance._schedule_storage import (
    HEARTBEAT_STALE_SECONDS,
    DaemonHeartbeat,
    InstigatorState,
    ScheduleStorage,
    TickRecord,
    TickStatus,
)
from daskflow.instance._stale_ticks import INTERRUPTED_TICK_TIMEOUT_SECONDS
from daskflow.instance._tick_purge import TickPurgeReport

__all__ = [
    "HEARTBEAT_STALE_SECONDS",
    "INTERRUPTED_TICK_TIMEOUT_SECONDS",
    "BACKFILL_TAG",
    "BackfillRecord",
    "DaemonHeartbeat",
    "InstigatorState",
    "QueueEntry",
    "QueueStorage",
    "ScheduleStorage",
    "TickPurgeReport",
    "TickRecord",
    "TickStatus",
    "CONFIG_FILE",
    "DASKFLOW_HOME_ENV",
    "DB_FILE",
    "DEFAULT_HOME",
    "HEARTBEAT_SECONDS",
    "HEARTBEAT_TIMEOUT_SECONDS",
    "MIN_RUN_ID_PREFIX",
    "AssetSummary",
    "DaskflowAmbiguousRunIdError",
    "DaskflowInstance",
    "DaskflowRunNotFoundError",
    "DaskflowStorageError",
    "EventFilter",
    "EventStorage",
    "GarbageReport",
    "MaterializationRecord",
    "OutputStore",
    "RunFilter",
    "RunPage",
    "RunRecord",
    "RunStorage",
    "StepStats",
    "StepStatus",
    "StoredEvent",
    "coordinator_id",
    "new_daemon_id",
]
