"""The run queue: limits from daskflow.yaml (total and per tag), one launch per claimed
run, and a claimed run whose launch was lost (a daemon killed between claim and launch)
recorded failed after the launch timeout."""

from __future__ import annotations

import pytest

from daskflow.daemon import QueueCoordinator, QueueLimits, RunSpec, find_or_create_run
from daskflow.events import RunStatus
from daskflow.instance import DaskflowInstance
from tests.daemon.conftest import RecordingLauncher
from tests.daemon.operate_repo import day_config

T0 = 1_780_000_000.0


@pytest.fixture
def team_limited(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "daskflow.yaml").write_text(
        "run_queue:\n  max_concurrent_runs: 3\n"
        "  tag_concurrency_limits:\n    - {key: team, value: a, limit: 1}\n"
    )
    with DaskflowInstance.from_home(home) as instance:
        yield instance


def queue_run(instance, workspace, key, tags):
    spec = RunSpec("etl", day_config(key), None, None, tags)
    return find_or_create_run(instance, workspace, key, spec, T0).run_id


def test_tag_and_total_limits_from_daskflow_yaml(team_limited, workspace):
    instance = team_limited
    limits = QueueLimits.from_settings(instance.settings.run_queue)
    assert limits.max_concurrent_runs == 3
    ids = [queue_run(instance, workspace, f"k{n}", {"team": "a"}) for n in range(2)]
    ids += [queue_run(instance, workspace, f"b{n}", {"team": "b"}) for n in range(3)]
    launcher = RecordingLauncher()
    queue = QueueCoordinator(instance, launcher, "d1", limits)
    assert queue.tick(T0) == [ids[0], ids[2], ids[3]]  # one of team a, then two of team b
    launcher.finish(instance)
    assert queue.tick(T0 + 1) == [ids[1], ids[4]]
    assert queue.tick(T0 + 2) == []


def test_a_second_queue_never_launches_a_claimed_run(instance, workspace):
    run_id = queue_run(instance, workspace, "only", {})
    first, second = RecordingLauncher(), RecordingLauncher()
    assert QueueCoordinator(instance, first, "d1", QueueLimits()).tick(T0) == [run_id]
    assert QueueCoordinator(instance, second, "d2", QueueLimits()).tick(T0) == []
    assert second.launched == []


def test_a_lost_launch_is_recorded_failed_after_the_timeout(instance, workspace):
    run_id = queue_run(instance, workspace, "lost", {})
    assert instance.queue_storage.claim(run_id, "killed-daemon", T0)  # then the daemon died
    queue = QueueCoordinator(instance, RecordingLauncher(), "d2", QueueLimits(), launch_timeout=60)
    queue.tick(T0 + 30)
    assert instance.run_storage.get_run(run_id).status == RunStatus.NOT_STARTED
    queue.tick(T0 + 61)
    assert instance.run_storage.get_run(run_id).status == RunStatus.FAILURE
