"""The operate layer's definitions: schedules, partition sets and sensors (Dagster 0.9/0.10
shaped). They know nothing of the instance or the daemon: each answers "when" (tick times
in UTC epoch seconds, computed in its own time zone) and "what" (run config and tags)."""

from daskflow.definitions.operate.partitions import (
    Partition,
    PartitionSetDefinition,
    date_partition_range,
)
from daskflow.definitions.operate.schedules import (
    ScheduleDefinition,
    ScheduleEvaluationContext,
    TickEvaluation,
    schedule,
)
from daskflow.definitions.operate.sensors import (
    RunRequest,
    SensorDefinition,
    SensorEvaluation,
    SensorEvaluationContext,
    SkipReason,
    sensor,
)
from daskflow.definitions.operate.time_partitions import (
    daily_schedule,
    hourly_schedule,
    monthly_schedule,
    weekly_schedule,
)

__all__ = [
    "Partition",
    "PartitionSetDefinition",
    "RunRequest",
    "ScheduleDefinition",
    "ScheduleEvaluationContext",
    "SensorDefinition",
    "SensorEvaluation",
    "SensorEvaluationContext",
    "SkipReason",
    "TickEvaluation",
    "daily_schedule",
    "date_partition_range",
    "hourly_schedule",
    "monthly_schedule",
    "schedule",
    "sensor",
    "weekly_schedule",
]
