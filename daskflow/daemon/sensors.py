"""Sensor ticks: every ``minimum_interval_seconds``, evaluate the sensor with its cursor and
find-or-create one run per ``RunRequest`` by the key ``sensor:<name>:<run_key>`` (so a
``run_key`` launches one run, ever, across ticks and daemons), then store the cursor.

The cursor and the sensor's last tick time move only when a tick ends: a tick interrupted
by the daemon's death (ended later by ``mark_interrupted_ticks``) leaves both as they were,
so the next tick evaluates from the same cursor, at once.
"""

from __future__ import annotations

from daskflow.daemon.submit import RunSpec, find_or_create_run
from daskflow.definitions.operate import RunRequest, SensorDefinition, SensorEvaluationContext
from daskflow.errors import DaskflowError
from daskflow.instance import DaskflowInstance, TickRecord, TickStatus
from daskflow.launcher.operate_workspace import OperateWorkspace

__all__ = ["SENSOR", "SensorDaemon"]

SENSOR = "sensor"
SENSOR_TAG = "daskflow/sensor"


class SensorDaemon:
    """One pass over the running sensors per ``tick(now)``."""

    def __init__(
        self, instance: DaskflowInstance, workspace: OperateWorkspace, owner: str | None = None
    ) -> None:
        self.instance = instance
        self.workspace = workspace
        self.owner = owner  # the daemon id its ticks record

    def tick(self, now: float) -> list[TickRecord]:
        handled = []
        for sensor in self.workspace.sensors.values():
            tick = self.tick_sensor(sensor, now)
            if tick is not None:
                handled.append(tick)
        return handled

    def tick_sensor(self, sensor: SensorDefinition, now: float) -> TickRecord | None:
        storage = self.instance.schedule_storage
        state = storage.get_state(SENSOR, sensor.name)
        if state is None or not state.is_running:
            return None
        last = state.last_tick_at
        if last is not None and now - last < sensor.minimum_interval_seconds:
            return None
        tick, created = storage.create_tick(SENSOR, sensor.name, now, owner=self.owner)
        if not created:
            return None  # another daemon evaluates this instant
        context = SensorEvaluationContext(state.cursor, now, last)
        try:
            evaluation = sensor.evaluate(context)
            run_ids = self._submit(sensor, evaluation.run_requests, tick, now)
        except DaskflowError as exc:
            storage.finish_tick(tick.id, TickStatus.FAILURE, error=str(exc))
            storage.advance(SENSOR, sensor.name, now)
            return storage.get_tick(tick.id)
        if run_ids:
            storage.finish_tick(tick.id, TickStatus.SUCCESS, run_ids=run_ids)
        else:
            reason = evaluation.skip_reason or "every run request had launched its run before"
            storage.finish_tick(tick.id, TickStatus.SKIPPED, skip_reason=reason)
        storage.advance(SENSOR, sensor.name, now, cursor=evaluation.cursor)
        return storage.get_tick(tick.id)

    def _submit(
        self, sensor: SensorDefinition, requests: list[RunRequest], tick: TickRecord, now: float
    ) -> list[str]:
        run_ids: list[str] = []
        for index, request in enumerate(requests):
            suffix = request.run_key if request.run_key is not None else f"tick{tick.id}-{index}"
            spec = RunSpec(
                sensor.pipeline_name,
                request.run_config,
                sensor.mode,
                sensor.solid_selection,
                {**request.tags, SENSOR_TAG: sensor.name},
            )
            key = f"sensor:{sensor.name}:{suffix}"
            queued = find_or_create_run(self.instance, self.workspace, key, spec, now)
            if queued.created:
                run_ids.append(queued.run_id)
        return run_ids
