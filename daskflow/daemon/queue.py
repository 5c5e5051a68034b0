"""The run queue: launch queued runs oldest first while ``max_concurrent_runs`` and the tag
limits of ``daskflow.yaml`` (``run_queue:``) allow, and watch the launched ones.

A run is launched only by the daemon that *claims* its queue entry (an UPDATE that only one
claimer can win), so two daemons never launch a run twice. A claimed run whose process never
started it (a daemon killed between claim and launch, a process that died at once) is
recorded failed after ``launch_timeout`` seconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from daskflow.events import RunStatus
from daskflow.instance import DaskflowInstance, QueueEntry
from daskflow.launcher import PipelineOrigin, RunLauncher
from daskflow.launcher.failures import record_failure_before_start

__all__ = ["QueueCoordinator", "QueueLimits", "TagLimit"]


@dataclass(frozen=True)
class TagLimit:
    key: str
    value: str | None
    limit: int

    def matches(self, tags: Mapping[str, str]) -> bool:
        return self.key in tags and (self.value is None or tags[self.key] == self.value)


@dataclass(frozen=True)
class QueueLimits:
    max_concurrent_runs: int = 10
    tag_limits: Sequence[TagLimit] = field(default_factory=tuple)

    @staticmethod
    def from_settings(settings: Mapping[str, Any]) -> QueueLimits:
        limits = [
            TagLimit(str(item["key"]), item.get("value"), int(item["limit"]))
            for item in settings.get("tag_concurrency_limits") or []
        ]
        return QueueLimits(int(settings.get("max_concurrent_runs", 10)), tuple(limits))

    def allows(self, tags: Mapping[str, str], running: Sequence[Mapping[str, str]]) -> bool:
        if len(running) >= self.max_concurrent_runs:
            return False
        for limit in self.tag_limits:
            if limit.matches(tags) and sum(limit.matches(t) for t in running) >= limit.limit:
                return False
        return True


class QueueCoordinator:
    """Launches queued runs through a ``RunLauncher`` within the limits."""

    def __init__(
        self,
        instance: DaskflowInstance,
        launcher: RunLauncher,
        daemon_id: str,
        limits: QueueLimits,
        launch_timeout: float = 120.0,
    ) -> None:
        self.instance = instance
        self.launcher = launcher
        self.daemon_id = daemon_id
        self.limits = limits
        self.launch_timeout = launch_timeout

    def tick(self, now: float) -> list[str]:
        """Launch what the limits allow; returns the launched run ids."""
        self.launcher.reap()
        running = [entry.tags for entry in self.instance.queue_storage.in_flight()]
        launched: list[str] = []
        for entry in self.instance.queue_storage.queued():
            if not self.limits.allows(entry.tags, running):
                continue
            if self._launch(entry, now):
                running.append(entry.tags)
                launched.append(entry.run_id)
        self._fail_lost_launches(now)
        return launched

    def _launch(self, entry: QueueEntry, now: float) -> bool:
        storage = self.instance.queue_storage
        if not storage.claim(entry.run_id, self.daemon_id, now):
            return False
        run = self.instance.run_storage.get_run(entry.run_id)
        origin = self.instance.run_storage.get_origin(entry.run_id)
        if run is None or origin is None:
            return False
        try:
            self.launcher.launch(self.instance, run, PipelineOrigin.from_dict(origin))
        except Exception as exc:  # a launcher failing must not stop the queue
            record_failure_before_start(
                self.instance, run, f"the daemon could not launch it: {exc}", {}
            )
            return False
        return True

    def _fail_lost_launches(self, now: float) -> None:
        for entry in self.instance.queue_storage.in_flight():
            claimed_at = entry.claimed_at or now
            if now - claimed_at < self.launch_timeout:
                continue
            run = self.instance.run_storage.get_run(entry.run_id)
            if run is not None and run.status == RunStatus.NOT_STARTED:
                reason = f"no process started it within {self.launch_timeout:.0f}s of its launch"
                record_failure_before_start(self.instance, run, reason, {})
