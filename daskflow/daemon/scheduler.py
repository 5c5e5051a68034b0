"""Schedule ticks, exactly once: per due tick, create the tick → evaluate → find-or-create
its run by the key ``schedule:<name>:<epoch>`` → queue it → record the tick → move the clock.

Every step is repeatable: the tick is unique per (schedule, instant), the key per run, the
queue entry per run. A tick left ``STARTED`` by a crash is finished first on the next pass,
so exactly one run exists per tick whatever step the crash interrupted. Once its daemon is
known dead the tick is ended ``SKIPPED`` as interrupted (``mark_interrupted_ticks``); its
instant is then a missed one like any other: if catch-up runs it, the tick is reopened and
evaluated again (the run key still gives one run), otherwise it stays interrupted.

Due ticks are the cron instants after the schedule's clock (its last handled tick, else
when it was started or its cron string changed) up to now. After downtime a plain schedule
runs only the latest missed tick; a partitioned one up to ``max_catchup_runs`` (oldest
first). Stopping and starting restarts the clock, so the time off is never backfilled.
"""

from __future__ import annotations

from collections.abc import Callable

from daskflow.daemon.submit import RunSpec, find_or_create_run
from daskflow.definitions.operate import ScheduleDefinition
from daskflow.definitions.operate.time_partitions import PartitionScheduleDefinition
from daskflow.errors import DaskflowError
from daskflow.instance import DaskflowInstance, TickRecord, TickStatus
from daskflow.launcher.operate_workspace import OperateWorkspace

__all__ = ["SCHEDULE", "SchedulerDaemon", "schedule_spec"]

SCHEDULE = "schedule"
SCHEDULE_TAG = "daskflow/schedule"
TICK_STEPS = ("tick_created", "run_created", "run_queued", "tick_recorded")
StepHook = Callable[[str], None]


def schedule_spec(schedule: ScheduleDefinition) -> str:
    """What identifies a schedule's clock: a change of cron string or zone restarts it."""
    return schedule.clock_spec


def _no_hook(_step: str) -> None:
    return None


class SchedulerDaemon:
    """One pass over the running schedules per ``tick(now)``."""

    def __init__(
        self,
        instance: DaskflowInstance,
        workspace: OperateWorkspace,
        max_catchup_runs: int = 5,
        on_step: StepHook = _no_hook,
        owner: str | None = None,
    ) -> None:
        self.instance = instance
        self.workspace = workspace
        self.max_catchup_runs = max_catchup_runs
        self.on_step = on_step  # tests inject crashes after each step
        self.owner = owner  # the daemon id its ticks record

    def tick(self, now: float) -> list[TickRecord]:
        """Handle every due tick of every running schedule; returns the ticks handled."""
        handled: list[TickRecord] = []
        for schedule in self.workspace.schedules.values():
            handled.extend(self.tick_schedule(schedule, now))
        return handled

    def tick_schedule(self, schedule: ScheduleDefinition, now: float) -> list[TickRecord]:
        storage = self.instance.schedule_storage
        state = storage.get_state(SCHEDULE, schedule.name)
        if state is None or not state.is_running:
            return []
        if state.spec != schedule_spec(schedule):
            storage.restart_clock(SCHEDULE, schedule.name, schedule_spec(schedule), now)
            return []
        handled = [
            self._run_tick(schedule, tick.tick_time)
            for tick in storage.get_ticks(SCHEDULE, schedule.name, status=TickStatus.STARTED)
            if tick.tick_time <= now
        ]
        clock = state.clock if state.clock is not None else now
        for tick_time in self._due(schedule, clock, now):
            handled.append(self._run_tick(schedule, tick_time))
        return handled

    def _due(self, schedule: ScheduleDefinition, clock: float, now: float) -> list[float]:
        due: list[float] = []
        for tick_time in schedule.iter_tick_times(clock):
            if tick_time > now:
                break
            due.append(tick_time)
        keep = self.max_catchup_runs if isinstance(schedule, PartitionScheduleDefinition) else 1
        return due[-keep:] if due else []

    def _run_tick(self, schedule: ScheduleDefinition, tick_time: float) -> TickRecord:
        storage = self.instance.schedule_storage
        tick, _ = storage.create_tick(SCHEDULE, schedule.name, tick_time, owner=self.owner)
        self.on_step("tick_created")
        if tick.ended_by_interruption:  # a missed instant catch-up runs: evaluate it again
            tick = storage.reopen_tick(tick.id, self.owner) or tick
        if tick.status == TickStatus.STARTED:
            self._evaluate(schedule, tick)
        storage.advance(SCHEDULE, schedule.name, tick_time)
        return storage.get_tick(tick.id) or tick

    def _evaluate(self, schedule: ScheduleDefinition, tick: TickRecord) -> None:
        storage = self.instance.schedule_storage
        try:
            evaluation = schedule.evaluate(tick.tick_time)
            if evaluation.skip_reason is not None:
                storage.finish_tick(tick.id, TickStatus.SKIPPED, skip_reason=evaluation.skip_reason)
                self.on_step("tick_recorded")
                return
            tags = {**evaluation.tags, SCHEDULE_TAG: schedule.name}
            spec = RunSpec(
                schedule.pipeline_name,
                evaluation.run_config,
                schedule.mode,
                schedule.solid_selection,
                tags,
            )
            key = f"schedule:{schedule.name}:{int(tick.tick_time)}"
            queued = find_or_create_run(
                self.instance, self.workspace, key, spec, tick.tick_time, self.on_step
            )
            self.on_step("run_queued")
        except DaskflowError as exc:
            storage.finish_tick(tick.id, TickStatus.FAILURE, error=str(exc))
            self.on_step("tick_recorded")
            return
        storage.finish_tick(tick.id, TickStatus.SUCCESS, run_ids=[queued.run_id])
        self.on_step("tick_recorded")
