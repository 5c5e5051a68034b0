"""The daemon: schedules, sensors, backfills and a run queue over an instance, with runs
launched by the run launcher as processes of their own (``daskflow daemon run``).

All state lives in the instance (ticks, clocks, cursors, idempotency keys, the queue,
backfills, heartbeats), so a daemon can be killed and restarted, or run twice, without a
tick, partition or run key ever launching two runs.
"""

from daskflow.daemon.backfill import BackfillDaemon, cancel_backfill, partitions_to_backfill
from daskflow.daemon.clock import Clock, FixedClock, SystemClock
from daskflow.daemon.daemon import HEARTBEAT_STALE_SECONDS, DaemonPass, DaskflowDaemon
from daskflow.daemon.queue import QueueCoordinator, QueueLimits, TagLimit
from daskflow.daemon.scheduler import SCHEDULE, SchedulerDaemon, schedule_spec
from daskflow.daemon.sensors import SENSOR, SensorDaemon
from daskflow.daemon.submit import QueuedRun, RunSpec, find_or_create_run
from daskflow.launcher.operate_workspace import OperateWorkspace

__all__ = [
    "HEARTBEAT_STALE_SECONDS",
    "SCHEDULE",
    "SENSOR",
    "BackfillDaemon",
    "Clock",
    "DaemonPass",
    "DaskflowDaemon",
    "FixedClock",
    "OperateWorkspace",
    "QueueCoordinator",
    "QueueLimits",
    "QueuedRun",
    "RunSpec",
    "SchedulerDaemon",
    "SensorDaemon",
    "SystemClock",
    "TagLimit",
    "cancel_backfill",
    "find_or_create_run",
    "partitions_to_backfill",
    "schedule_spec",
]
