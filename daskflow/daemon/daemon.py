"""``DaskflowDaemon``: one process running the scheduler, the sensors, the backfills and the
run queue in turn, and writing a heartbeat the UI shows (a banner when it goes stale).

``run_once(now)`` is one pass (tests drive it with a controllable clock); ``run`` loops
until told to stop, renewing the heartbeat from a thread meanwhile, so a long sensor
evaluation is not taken for a dead daemon. Each pass first ends the ticks other daemons
left interrupted (``DaskflowInstance.mark_interrupted_ticks``) and last purges old ticks
if ``daskflow.yaml`` sets a retention (``daemon.retention``). An error in one part is
logged and the others go on.
"""

from __future__ import annotations

import logging
import os
import threading
import traceback
from dataclasses import dataclass, field

from daskflow.daemon.backfill import BackfillDaemon
from daskflow.daemon.clock import Clock, SystemClock
from daskflow.daemon.queue import QueueCoordinator, QueueLimits
from daskflow.daemon.retention import TickRetention
from daskflow.daemon.scheduler import SchedulerDaemon
from daskflow.daemon.sensors import SensorDaemon
from daskflow.instance import HEARTBEAT_STALE_SECONDS, DaskflowInstance, new_daemon_id
from daskflow.launcher import RunLauncher
from daskflow.launcher.operate_workspace import OperateWorkspace

__all__ = ["HEARTBEAT_STALE_SECONDS", "DaemonPass", "DaskflowDaemon"]

_log = logging.getLogger("daskflow.daemon")

# How often ``run`` renews the heartbeat, also in the middle of a pass.
HEARTBEAT_EVERY_SECONDS = 10.0


@dataclass
class DaemonPass:
    """What one pass did."""

    interrupted_ticks: int = 0  # ticks of dead daemons this pass ended
    schedule_ticks: int = 0
    sensor_ticks: int = 0
    backfill_runs: int = 0
    purged_ticks: int = 0  # old ticks deleted by the retention settings
    launched: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class DaskflowDaemon:
    """Scheduler, sensors, backfills and queue over one instance and workspace."""

    def __init__(
        self,
        instance: DaskflowInstance,
        workspace: OperateWorkspace,
        launcher: RunLauncher,
        clock: Clock | None = None,
        max_catchup_runs: int = 5,
    ) -> None:
        self.instance = instance
        self.clock = clock or SystemClock()
        self.daemon_id = new_daemon_id()
        self.scheduler = SchedulerDaemon(
            instance, workspace, max_catchup_runs, owner=self.daemon_id
        )
        self.sensors = SensorDaemon(instance, workspace, owner=self.daemon_id)
        self.backfills = BackfillDaemon(instance, workspace)
        limits = QueueLimits.from_settings(instance.settings.run_queue)
        self.queue = QueueCoordinator(instance, launcher, self.daemon_id, limits)
        self.retention = TickRetention(instance, instance.settings.retention_days)
        self._last: DaemonPass | None = None

    def run_once(self, now: float | None = None) -> DaemonPass:
        """One pass of every part at ``now`` (default: the clock's)."""
        moment = self.clock.now() if now is None else now
        result = DaemonPass()
        parts = (
            (
                "interrupted ticks",
                lambda: setattr(
                    result, "interrupted_ticks", len(self.instance.mark_interrupted_ticks())
                ),
            ),
            (
                "scheduler",
                lambda: setattr(result, "schedule_ticks", len(self.scheduler.tick(moment))),
            ),
            ("sensors", lambda: setattr(result, "sensor_ticks", len(self.sensors.tick(moment)))),
            (
                "backfills",
                lambda: setattr(result, "backfill_runs", len(self.backfills.tick(moment))),
            ),
            ("queue", lambda: result.launched.extend(self.queue.tick(moment))),
            ("retention", lambda: setattr(result, "purged_ticks", self.retention.tick(moment))),
        )
        for name, part in parts:
            try:
                part()
            except Exception as exc:
                _log.error("daemon %s failed: %s", name, traceback.format_exc())
                result.errors.append(f"{name}: {type(exc).__name__}: {exc}")
        self._last = result
        self.heartbeat(moment, result)
        return result

    def heartbeat(self, now: float, last: DaemonPass | None = None) -> None:
        info = {"pid": os.getpid(), "errors": last.errors if last else []}
        self.instance.schedule_storage.heartbeat(self.daemon_id, "daemon", now, info)

    def is_idle(self) -> bool:
        """No backfill left to queue, no run queued or running from the queue."""
        queue = self.instance.queue_storage
        return not (
            queue.get_backfills(status="REQUESTED", limit=1) or queue.queued(1) or queue.in_flight()
        )

    def run(
        self, stop: threading.Event, interval: float = 5.0, exit_when_idle: bool = False
    ) -> None:
        """Pass after pass, ``interval`` seconds apart, until ``stop`` is set (or, with
        ``exit_when_idle``, until a pass leaves nothing queued, running or to backfill).
        The heartbeat is written at once and then every ``HEARTBEAT_EVERY_SECONDS``."""
        self.heartbeat(self.clock.now())
        done = threading.Event()
        beater = threading.Thread(
            target=self._beat, args=(done,), name="daskflow-daemon-heartbeat", daemon=True
        )
        beater.start()
        try:
            while not stop.is_set():
                self.run_once()
                if exit_when_idle and self.is_idle():
                    return
                stop.wait(interval)
        finally:
            done.set()
            beater.join()

    def _beat(self, done: threading.Event) -> None:
        while not done.wait(HEARTBEAT_EVERY_SECONDS):
            try:
                self.heartbeat(self.clock.now(), self._last)
            except Exception:  # storage down for a moment: the next beat may pass
                _log.warning("daemon heartbeat failed: %s", traceback.format_exc())
