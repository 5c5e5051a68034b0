"""Fixtures of the daemon tests: an instance, the test repository as a workspace, and a
launcher that records launches instead of starting processes (``finish`` ends runs)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from daskflow.daemon import OperateWorkspace
from daskflow.events import DaskflowEventType, EventRecord, RunStatus
from daskflow.instance import DaskflowInstance, RunRecord
from daskflow.launcher import PipelineOrigin, RunLauncher, file_location
from tests.daemon import operate_repo


class RecordingLauncher(RunLauncher):
    """Records launches; ``finish`` writes the events that end a run."""

    def __init__(self) -> None:
        self.launched: list[str] = []
        self.max_running = 0

    def launch(self, instance: DaskflowInstance, run: RunRecord, origin: PipelineOrigin) -> None:
        self.launched.append(run.run_id)
        instance.event_storage.store_events(
            [
                EventRecord.create(
                    run.run_id, DaskflowEventType.PIPELINE_START, run.pipeline_name, ""
                )
            ]
        )
        running = instance.run_storage.get_runs(status=RunStatus.STARTED)
        self.max_running = max(self.max_running, len(running))

    def finish(self, instance: DaskflowInstance, status: str = "success") -> int:
        """End every started run; returns how many."""
        kind = (
            DaskflowEventType.PIPELINE_SUCCESS
            if status == "success"
            else DaskflowEventType.PIPELINE_FAILURE
        )
        runs = instance.run_storage.get_runs(status=RunStatus.STARTED)
        for run in runs:
            instance.event_storage.store_events(
                [EventRecord.create(run.run_id, kind, run.pipeline_name, "")]
            )
        return len(runs)


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[DaskflowInstance]:
    with DaskflowInstance.from_home(tmp_path / "home") as inst:
        yield inst


@pytest.fixture
def workspace() -> OperateWorkspace:
    return OperateWorkspace.of(operate_repo.operate_repo, file_location(operate_repo.__file__))


@pytest.fixture
def launcher() -> RecordingLauncher:
    return RecordingLauncher()
