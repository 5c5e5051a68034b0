"""Tick retention: the daemon deletes old schedule and sensor ticks as ``daskflow.yaml`` says.

``retention: {sensor: {purge_after_days: 7}, schedule: {purge_after_days: 90}}`` (Dagster's
keys; -1 or absent keeps everything, the default). At most once an hour a pass deletes the
finished ticks older than that, keeping the latest finished tick of each schedule and
sensor and any tick in progress, exactly as ``daskflow sensor|schedule purge-ticks`` does.
"""

from __future__ import annotations

from collections.abc import Mapping

from daskflow.instance import DaskflowInstance

__all__ = ["TickRetention"]

DAY_SECONDS = 86400.0
PURGE_EVERY_SECONDS = 3600.0


class TickRetention:
    """Purges tick history by kind once ``PURGE_EVERY_SECONDS`` have passed since the last."""

    def __init__(self, instance: DaskflowInstance, days: Mapping[str, int]) -> None:
        self.instance = instance
        self.days = dict(days)
        self._last: float | None = None

    def tick(self, now: float) -> int:
        """Purge if due at ``now``; the number of ticks deleted."""
        if not self.days or (self._last is not None and now - self._last < PURGE_EVERY_SECONDS):
            return 0
        self._last = now
        storage = self.instance.schedule_storage
        return sum(
            storage.purge_ticks(now - days * DAY_SECONDS, kind=kind).total
            for kind, days in sorted(self.days.items())
        )
