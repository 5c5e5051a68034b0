"""Partition sets: a pipeline's partitions (by name) and the run config and tags of each.

>>> from datetime import datetime
>>> days = date_partition_range(datetime(2026, 1, 1), datetime(2026, 1, 4))
>>> [p.name for p in days()]
['2026-01-01', '2026-01-02', '2026-01-03']
>>> ps = PartitionSetDefinition("days", "etl", days, lambda p: {"day": p.name})
>>> ps.run_config_for_partition(ps.get_partition("2026-01-02"))
{'day': '2026-01-02'}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from daskflow.definitions.names import check_valid_name
from daskflow.definitions.operate.cron import check_timezone
from daskflow.errors import DaskflowInvalidDefinitionError

__all__ = [
    "PARTITION_SET_TAG",
    "PARTITION_TAG",
    "DatePartitionRange",
    "Partition",
    "PartitionSetDefinition",
    "date_partition_range",
]

PARTITION_TAG = "daskflow/partition"
PARTITION_SET_TAG = "daskflow/partition_set"


@dataclass(frozen=True)
class Partition:
    """One partition: its name (a key in URLs, tags and the CLI) and its value."""

    value: Any
    name: str


_STEPS = {"days": timedelta(days=1), "hours": timedelta(hours=1), "weeks": timedelta(weeks=1)}
_FORMATS = {"days": "%Y-%m-%d", "hours": "%Y-%m-%d-%H:%M", "weeks": "%Y-%m-%d", "months": "%Y-%m"}


class DatePartitionRange:
    """Partitions from ``start`` every ``delta_range`` up to ``end`` (default: now), each
    named by ``fmt``; ``inclusive`` keeps a partition starting exactly at ``end``.

    With a ``timezone``, hours are counted in real time (UTC), so the hour a clock repeats
    when it falls back is two partitions, named apart by their UTC offset
    (``2026-11-01-01:00-0400`` and ``2026-11-01-01:00-0500``), and the hour it skips
    springing forward is none. Days, weeks and months follow the local calendar.
    """

    def __init__(  # noqa: PLR0913 (Dagster's arguments)
        self,
        start: datetime,
        end: datetime | None = None,
        delta_range: str = "days",
        fmt: str | None = None,
        inclusive: bool = False,
        timezone: str | None = None,
    ) -> None:
        if delta_range not in _FORMATS:
            raise DaskflowInvalidDefinitionError(
                f"date_partition_range: delta_range must be one of {sorted(_FORMATS)}, "
                f'got "{delta_range}"'
            )
        zone = check_timezone(timezone, "date_partition_range") if timezone else None
        self.start = start if zone is None or start.tzinfo else start.replace(tzinfo=zone)
        self.end = end
        self.delta_range = delta_range
        aware_hours = delta_range == "hours" and self.start.tzinfo is not None
        self.fmt = fmt or (_FORMATS[delta_range] + ("%z" if aware_hours else ""))
        self.inclusive = inclusive
        self.zone = zone

    def __call__(self, current_time: datetime | None = None) -> list[Partition]:
        end = self.end or current_time or datetime.now(self.zone)
        if end.tzinfo is None and self.start.tzinfo is not None:
            end = end.replace(tzinfo=self.start.tzinfo)
        elif end.tzinfo is not None and self.start.tzinfo is None:
            end = end.astimezone(self.zone).replace(tzinfo=None)
        found: list[Partition] = []
        moment = self.start
        while _before(moment, end) or (self.inclusive and _instant(moment) == _instant(end)):
            found.append(Partition(moment, moment.strftime(self.fmt)))
            moment = self.step(moment)
        return found

    def step(self, moment: datetime) -> datetime:
        if self.delta_range == "months":
            year, month = divmod(moment.month, 12)
            return moment.replace(year=moment.year + year, month=month + 1)
        if self.delta_range == "hours" and moment.tzinfo is not None:  # real time
            return (moment.astimezone(UTC) + _STEPS["hours"]).astimezone(moment.tzinfo)
        return moment + _STEPS[self.delta_range]


def _instant(moment: datetime) -> datetime | float:
    """What orders moments: the instant of an aware one (two datetimes of one zone compare
    by wall clock, which is wrong in the repeated hour), a naive one as it is."""
    return moment.timestamp() if moment.tzinfo is not None else moment


def _before(moment: datetime, end: datetime) -> bool:
    return _instant(moment) < _instant(end)  # type: ignore[operator]


def date_partition_range(  # noqa: PLR0913 (Dagster's arguments)
    start: datetime,
    end: datetime | None = None,
    delta_range: str = "days",
    fmt: str | None = None,
    inclusive: bool = False,
    timezone: str | None = None,
) -> DatePartitionRange:
    """A partition function over dates (see ``DatePartitionRange``)."""
    return DatePartitionRange(start, end, delta_range, fmt, inclusive, timezone)


PartitionFn = Callable[[], Sequence[Partition]] | DatePartitionRange
ConfigForPartition = Callable[[Partition], Mapping[str, Any] | None]
TagsForPartition = Callable[[Partition], Mapping[str, Any] | None]


class PartitionSetDefinition:
    """Named partitions of one pipeline, each mapped to run config (and tags)."""

    def __init__(  # noqa: PLR0913 (Dagster's arguments)
        self,
        name: str,
        pipeline_name: str,
        partition_fn: PartitionFn,
        run_config_fn_for_partition: ConfigForPartition | None = None,
        mode: str = "default",
        solid_selection: Sequence[str] | None = None,
        tags_fn_for_partition: TagsForPartition | None = None,
    ) -> None:
        self.name = check_valid_name(name, "partition set")
        self.pipeline_name = check_valid_name(pipeline_name, f'partition set "{name}": pipeline')
        self.mode = mode
        self.solid_selection = list(solid_selection) if solid_selection else None
        self._partition_fn = partition_fn
        self._run_config_fn = run_config_fn_for_partition
        self._tags_fn = tags_fn_for_partition

    def get_partitions(self, current_time: datetime | None = None) -> list[Partition]:
        """The partitions, in order (a date range ends at ``current_time``, default now)."""
        if isinstance(self._partition_fn, DatePartitionRange):
            found = self._partition_fn(current_time)
        else:
            found = list(self._guard("partition_fn", self._partition_fn))
        names = [p.name for p in found]
        if len(set(names)) != len(names):
            raise DaskflowInvalidDefinitionError(
                f'partition set "{self.name}": partition names must be unique'
            )
        return found

    def get_partition(self, name: str, current_time: datetime | None = None) -> Partition:
        for partition in self.get_partitions(current_time):
            if partition.name == name:
                return partition
        raise DaskflowInvalidDefinitionError(
            f'partition set "{self.name}" has no partition "{name}"'
        )

    def run_config_for_partition(self, partition: Partition) -> dict[str, Any]:
        if self._run_config_fn is None:
            return {}
        return dict(
            self._guard("run_config_fn_for_partition", self._run_config_fn, partition) or {}
        )

    def tags_for_partition(self, partition: Partition) -> dict[str, str]:
        tags = (
            {}
            if self._tags_fn is None
            else self._guard("tags_fn_for_partition", self._tags_fn, partition)
        )
        return {
            **{str(k): str(v) for k, v in dict(tags or {}).items()},
            PARTITION_SET_TAG: self.name,
            PARTITION_TAG: partition.name,
        }

    def _guard(self, which: str, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except DaskflowInvalidDefinitionError:
            raise
        except Exception as exc:
            raise DaskflowInvalidDefinitionError(
                f'partition set "{self.name}": {which} raised {type(exc).__name__}: {exc}'
            ) from exc

    def __repr__(self) -> str:
        return f"<PartitionSetDefinition {self.name} of {self.pipeline_name}>"
