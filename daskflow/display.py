"""How times and durations are shown to people (the CLI and the web UI alike).

>>> format_duration(0.0123), format_duration(3.4), format_duration(125), format_duration(3720)
('12ms', '3.40s', '2m 05s', '1h 02m')
>>> format_duration(None), format_time(None)
('-', '-')
"""

from __future__ import annotations

import datetime

__all__ = ["format_duration", "format_time"]


def format_time(timestamp: float | None, with_date: bool = True) -> str:
    """Local time, ``2026-11-30 08:30:01`` (or ``08:30:01.368`` without the date)."""
    if timestamp is None:
        return "-"
    moment = datetime.datetime.fromtimestamp(timestamp)
    if with_date:
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.strftime("%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def format_duration(seconds: float | None) -> str:
    """``12ms``, ``3.40s``, ``2m 05s``, ``1h 02m``; ``-`` when unknown."""
    if seconds is None:
        return "-"
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    if seconds < 60:
        return f"{seconds:.2f}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"
