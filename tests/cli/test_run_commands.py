"""`daskflow run list | show | reexecute | cancel | delete` on a temporary DASKFLOW_HOME."""

import json

import pytest

from daskflow.instance import DaskflowInstance

from .helpers import CEREAL_FILE, invoke, run_ids


@pytest.fixture
def two_runs(flaky):
    """A failed and (newer) a successful run of the flaky pipeline: their short ids."""
    path, configs = flaky
    assert invoke("pipeline", "execute", "-f", path, "-c", configs["fail"]).exit_code == 1
    assert invoke("pipeline", "execute", "-f", path, "-c", configs["ok"]).exit_code == 0
    succeeded, failed = run_ids()
    return failed, succeeded


def test_list_filters_by_status_pipeline_and_limit(two_runs):
    failed, succeeded = two_runs
    listing = invoke("run", "list").output
    assert listing.splitlines()[0].split()[:3] == ["run", "id", "pipeline"]
    assert failed in listing and succeeded in listing
    assert run_ids("--status", "SUCCESS") == [succeeded]
    assert run_ids("--status", "failure") == [failed]
    assert run_ids("--limit", "1") == [succeeded]
    assert "No runs match." in invoke("run", "list", "--pipeline", "other").output
    assert invoke("run", "list", "--status", "bogus").exit_code == 2


def test_show_prints_header_steps_and_events(two_runs):
    failed, _ = two_runs
    out = invoke("run", "show", failed[:8]).output  # a prefix is enough
    assert "pipeline  flaky" in out
    assert "FAILURE" in out
    steps = out.split("Steps", 1)[1].split("Events", 1)[0]
    assert "first" in steps and "success" in steps
    assert "failed" in steps and "skipped" in steps
    for event_type in (
        "PIPELINE_START",
        "STEP_START",
        "LOG",
        "STEP_FAILURE",
        "STEP_SKIPPED",
        "PIPELINE_FAILURE",
    ):
        assert event_type in out
    assert "first says hello" in out
    only_logs = invoke("run", "show", failed, "--type", "log").output
    assert "first says hello" in only_logs and "STEP_START" not in only_logs


def test_show_json_gives_one_event_per_line(two_runs):
    _, succeeded = two_runs
    result = invoke("run", "show", succeeded, "--json", "--type", "STEP_SUCCESS")
    events = [json.loads(line) for line in result.output.splitlines()]
    assert [e["step_key"] for e in events] == ["first", "second", "third"]
    assert {e["event_type"] for e in events} == {"STEP_SUCCESS"}
    assert all(e["run_id"].startswith(succeeded) and e["id"] for e in events)


@pytest.mark.parametrize("command", ["show", "cancel", "delete"])
def test_unknown_run_id_exits_2(command):
    result = invoke("run", command, "0123456789abcdef")
    assert result.exit_code == 2
    assert 'no run "0123456789abcdef"' in result.output
    assert invoke("run", command, "abc").exit_code == 2  # too short for a prefix


def test_cancel_a_finished_run_says_it_is_not_running(two_runs):
    _, succeeded = two_runs
    result = invoke("run", "cancel", succeeded)
    assert result.exit_code == 0
    assert "is not running (status SUCCESS)" in result.output


def test_cancel_an_unfinished_run_requests_it(home):
    with DaskflowInstance.from_home(home) as instance:
        run_id = instance.run_storage.create_run("p", {}, "default").run_id
    result = invoke("run", "cancel", run_id)
    assert result.exit_code == 0
    assert "Requested cancel" in result.output
    with DaskflowInstance.from_home(home) as instance:
        assert instance.run_storage.get_run(run_id).status.value == "CANCELING"


def _output_dirs(home):
    storage = home / "storage"
    return sorted(p.name[:12] for p in storage.iterdir()) if storage.exists() else []


def test_delete_asks_for_confirmation_and_removes_stored_outputs(two_runs, home):
    failed, succeeded = two_runs
    assert _output_dirs(home) == sorted([failed, succeeded])
    declined = invoke("run", "delete", failed, input="n\n")
    assert declined.exit_code == 1  # aborted
    assert "stored outputs (" in declined.output  # the question says what goes, and its size
    assert failed in invoke("run", "list").output
    assert _output_dirs(home) == sorted([failed, succeeded])
    confirmed = invoke("run", "delete", failed, input="y\n")
    assert confirmed.exit_code == 0 and "Deleted run" in confirmed.output
    assert "freed" in confirmed.output
    assert _output_dirs(home) == [succeeded]
    kept = invoke("run", "delete", succeeded, "--yes", "--keep-outputs")
    assert kept.exit_code == 0 and "outputs kept" in kept.output
    assert _output_dirs(home) == [succeeded]
    assert "No runs yet." in invoke("run", "list").output
    assert invoke("run", "show", failed).exit_code == 2


def test_reexecute_steps_reuses_the_config_of_steps_it_does_not_run(cereal_args, tmp_path):
    """The parent's stored config has inputs for add_sugar_per_cup, which is not re-run."""
    assert invoke("pipeline", "execute", *cereal_args).exit_code == 0
    [parent] = run_ids()
    again = invoke("run", "reexecute", parent, "-s", "compute_cutoff*", "-f", CEREAL_FILE)
    assert again.exit_code == 0, again.output
    child = run_ids()[0]
    steps = invoke("run", "show", child).output.split("Steps", 1)[1].split("Events", 1)[0]
    assert "compute_cutoff" in steps and "save_to_datalake" in steps
    assert "add_sugar_per_cup" not in steps

    bad = tmp_path / "bad.yaml"  # merged over the parent's config: bad for a step that runs
    bad.write_text("solids: {add_sugar_per_cup: {inputs: {cereals: {csv: {path: 3}}}}}\n")
    rejected = invoke(
        "run", "reexecute", parent, "-s", "add_sugar_per_cup", "-f", CEREAL_FILE, "-c", bad
    )
    assert rejected.exit_code == 2
    assert "solids.add_sugar_per_cup.inputs.cereals.csv.path" in rejected.output
    assert len(run_ids()) == 2


def test_delete_warns_when_a_reexecution_reuses_the_outputs(flaky):
    path, configs = flaky
    assert invoke("pipeline", "execute", "-f", path, "-c", configs["fail"]).exit_code == 1
    (parent,) = run_ids()
    again = invoke("run", "reexecute", parent, "--from-failure", "-f", path, "-c", configs["ok"])
    assert again.exit_code == 0, again.output
    child = run_ids()[0]
    declined = invoke("run", "delete", parent, input="n\n")
    assert f"run(s) {child} were re-executed from it and reuse those outputs" in declined.output
