"""Cron strings and time zones, checked at definition time and iterated with cronsim.

Tick arithmetic is done on UTC epoch seconds: a stored instant is turned into an aware
datetime of the zone (``fromtimestamp`` keeps the DST fold), cronsim finds the next match in
the zone (spring-forward gaps run at the first valid minute, fall-back repeats fire a daily
entry once and an hourly one in both hours, like Debian's cron), and the match goes back to
epoch seconds.

>>> zone = check_timezone("America/New_York", "schedule x")
>>> after = datetime(2026, 3, 7, 12, tzinfo=zone).timestamp()
>>> [datetime.fromtimestamp(t, zone).isoformat() for t in cron_times("30 2 * * *", zone, after, 2)]
['2026-03-08T03:00:00-04:00', '2026-03-09T02:30:00-04:00']
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from itertools import islice
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

from daskflow.errors import DaskflowInvalidDefinitionError

__all__ = ["check_cron", "check_timezone", "cron_times", "iter_cron_times"]


def check_timezone(name: str, where: str) -> ZoneInfo:
    """The zone called ``name``; an unknown one is an error naming ``where``."""
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise DaskflowInvalidDefinitionError(
            f'{where}: unknown execution_timezone "{name}" (expected an IANA name such as '
            '"UTC" or "Europe/Paris")'
        ) from None


def check_cron(expression: str, zone: ZoneInfo, where: str) -> str:
    """``expression`` if cronsim accepts it; otherwise an error naming ``where``."""
    try:
        CronSim(str(expression), datetime.now(zone))
    except (CronSimError, TypeError, ValueError) as exc:
        raise DaskflowInvalidDefinitionError(
            f'{where}: invalid cron_schedule "{expression}": {exc} (expected five fields: '
            "minute hour day-of-month month day-of-week)"
        ) from None
    return str(expression)


def iter_cron_times(expression: str, zone: ZoneInfo, after: float) -> Iterator[float]:
    """Tick instants (UTC epoch seconds) strictly after ``after``, in order, forever."""
    for moment in CronSim(expression, datetime.fromtimestamp(after, zone)):
        yield moment.timestamp()


def cron_times(expression: str, zone: ZoneInfo, after: float, count: int) -> list[float]:
    """The first ``count`` tick instants strictly after ``after``."""
    return list(islice(iter_cron_times(expression, zone, after), count))
