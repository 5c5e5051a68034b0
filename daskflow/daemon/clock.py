"""Where the daemon reads the time: the system clock, or a controllable one for tests.

>>> clock = FixedClock(100.0)
>>> clock.advance(60); clock.now()
160.0
"""

from __future__ import annotations

import time
from typing import Protocol

__all__ = ["Clock", "FixedClock", "SystemClock"]


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch (UTC)."""
        ...


class SystemClock:
    def now(self) -> float:
        return time.time()


class FixedClock:
    """A clock that moves only when told (``set``, ``advance``)."""

    def __init__(self, now: float) -> None:
        self._now = float(now)

    def now(self) -> float:
        return self._now

    def set(self, now: float) -> None:
        self._now = float(now)

    def advance(self, seconds: float) -> None:
        self._now += float(seconds)
