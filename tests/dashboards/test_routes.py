"""Route tests of the web UI with Starlette's TestClient: pages render what the
instance holds, the launchpad validates and scaffolds, launches go through the launcher,
runs filter and page, the event log filters and streams without duplicates."""

import json
import logging
import re
import socket
import subprocess
import sys

import yaml

from daskflow.events import DaskflowEventType as T
from daskflow.events import EventRecord
from daskflow.launcher import PipelineOrigin, progress_path, task_stream_path

from .conftest import CEREAL

BAD_CONFIG = """solids:
  add_sugar_per_cup:
    config:
      dely: 0.1
    inputs:
      cereals:
        csv: {path: data/cereal.csv}
"""


def test_pipelines_list_and_page_show_the_dag_data_and_solid_panels(client, instance):
    run = instance.run_storage.create_run(CEREAL, {}, "test")
    listing = client.get("/pipelines").text
    assert f'href="/pipelines/{CEREAL}"' in listing and f'href="/runs/{run.run_id}"' in listing
    page = client.get(f"/pipelines/{CEREAL}").text
    for solid in ("add_sugar_per_cup", "compute_cutoff", "filter_below_cutoff", "save_to_datalake"):
        assert f'data-solid="{solid}"' in page
    assert "Number of seconds of computation to simulate" in page  # config description
    assert "datalake" in page and "root_dir" in page  # resources and their config
    assert '"source": "compute_cutoff", "target": "filter_below_cutoff"' in page


def test_selection_endpoint(client):
    answer = client.get(f"/pipelines/{CEREAL}/selection", params={"q": "*compute_cutoff"}).json()
    assert answer == {"solids": ["add_sugar_per_cup", "compute_cutoff"]}
    bad = client.get(f"/pipelines/{CEREAL}/selection", params={"q": "nope"})
    assert bad.status_code == 422 and "nope" in bad.json()["error"]


def test_validation_puts_each_error_at_its_line(client):
    answer = client.post(f"/pipelines/{CEREAL}/validate", json={"yaml": BAD_CONFIG, "mode": "test"})
    errors = answer.json()["errors"]
    assert answer.json()["valid"] is False
    assert errors[0]["path"] == "solids.add_sugar_per_cup.config.dely"
    assert errors[0]["line"] == 4 and 'Did you mean "delay"' in errors[0]["message"]
    syntax = client.post(f"/pipelines/{CEREAL}/validate", json={"yaml": "a: [1,\nb: 2\n"}).json()
    assert syntax["errors"][0]["message"].startswith("YAML syntax error")


def test_scaffold_adds_missing_required_config_and_keeps_what_is_there(client):
    answer = client.post(
        f"/pipelines/{CEREAL}/scaffold",
        json={"yaml": "solids:\n  add_sugar_per_cup:\n    config: {delay: 0.5}\n", "mode": "local"},
    ).json()
    scaffolded = yaml.safe_load(answer["yaml"])
    block = scaffolded["solids"]["add_sugar_per_cup"]
    assert block["config"] == {"delay": 0.5}
    assert block["inputs"]["cereals"] == {"csv": {"path": "<string>"}}
    assert scaffolded["resources"]["datalake"]["config"]["root_dir"] == "<string>"


def test_launch_stores_the_run_with_its_origin_and_hands_it_to_the_launcher(
    client, instance, launcher
):
    good = BAD_CONFIG.replace("dely", "delay")
    form = {"yaml": good, "mode": "test", "selection": "", "tags": "team=cereal\n"}
    response = client.post(f"/pipelines/{CEREAL}/launch", data=form)
    assert response.status_code == 204
    run_id = response.headers["HX-Redirect"].rsplit("/", 1)[1]
    run = instance.run_storage.get_run(run_id)
    assert run.tags == {"team": "cereal"} and run.mode == "test"
    assert run.run_config["solids"]["add_sugar_per_cup"]["config"] == {"delay": 0.1}
    origin = PipelineOrigin.from_dict(instance.run_storage.get_origin(run_id))
    assert origin.pipeline_name == CEREAL and origin.target.endswith("cereal.py")
    assert origin.working_directory.endswith("examples/cereal")
    assert launcher.launched == [(run_id, origin)]
    refused = client.post(f"/pipelines/{CEREAL}/launch", data={**form, "yaml": BAD_CONFIG})
    assert refused.status_code == 422 and len(launcher.launched) == 1


def test_launchpad_opens_a_run_and_a_preset(client, instance):
    run = instance.run_storage.create_run(
        CEREAL,
        {"solids": {"add_sugar_per_cup": {"config": {"delay": 7}}}},
        "test",
        tags={"team": "a", "daskflow/parent_run_id": "x"},
    )
    page = client.get(f"/pipelines/{CEREAL}/launchpad", params={"from_run": run.run_id}).text
    assert "delay: 7" in page and "team=a" in page and "daskflow/parent_run_id" not in page
    preset = client.get(f"/pipelines/{CEREAL}/launchpad", params={"preset": "test"}).text
    assert "data/cereal.csv" in preset and '<option value="test" selected>' in preset


def test_runs_list_counts_filters_and_pages(client, instance):
    storage = instance.run_storage
    ids = [storage.create_run(CEREAL, {}, "test", tags={"n": str(i)}).run_id for i in range(55)]
    storage.request_cancel(ids[0])
    page = client.get("/runs").text
    assert re.search(r'data-status="NOT_STARTED">NOT_STARTED <b>54</b>', page)
    assert page.count('<tr data-run="') == 50 and ids[0] not in page
    cursor = re.search(r"cursor=(\w+)", page).group(1)
    second = client.get("/runs", params={"cursor": cursor}).text
    assert second.count('<tr data-run="') == 5 and f'data-run="{ids[0]}"' in second
    tagged = client.get("/runs", params={"tag": "n=3"}).text
    assert tagged.count('<tr data-run="') == 1 and f'data-run="{ids[3]}"' in tagged
    canceling = client.get("/runs", params={"status": "CANCELING", "pipeline": CEREAL}).text
    assert canceling.count('<tr data-run="') == 1


def test_bulk_cancel(client, instance):
    runs = [instance.run_storage.create_run(CEREAL, {}, "test") for _ in range(3)]
    response = client.post("/runs/cancel", data={"run_id": [runs[0].run_id, runs[2].run_id]})
    assert response.status_code == 204
    statuses = [instance.run_storage.get_run(r.run_id).status.value for r in runs]
    assert statuses == ["CANCELING", "NOT_STARTED", "CANCELING"]


def _stored_run(instance):
    config = yaml.safe_load(BAD_CONFIG.replace("dely", "delay"))
    config["execution"] = {"in_process": {}}
    run = instance.run_storage.create_run(CEREAL, config, "test")
    events = [EventRecord.create(run.run_id, T.PIPELINE_START, CEREAL, "start")]
    for step in ("add_sugar_per_cup", "compute_cutoff"):
        events += [
            EventRecord.create(run.run_id, T.STEP_START, CEREAL, f"start {step}", step_key=step),
            EventRecord.create(run.run_id, T.LOG, CEREAL, f"log of {step}", step_key=step),
        ]
    events.append(
        EventRecord.create(
            run.run_id,
            T.STEP_FAILURE,
            CEREAL,
            "it broke",
            step_key="compute_cutoff",
            level=logging.ERROR,
            data={"error": {"message": "ZeroDivisionError"}},
        )
    )
    events.append(EventRecord.create(run.run_id, T.PIPELINE_FAILURE, CEREAL, "failed"))
    ids = instance.event_storage.store_events(events)
    return run, ids


def test_run_page_shows_steps_gantt_config_and_log(client, instance):
    run, _ = _stored_run(instance)
    page = client.get(f"/runs/{run.run_id}").text
    assert 'class="status status-FAILURE"' in page
    assert page.count('class="gantt-bar status-') == 2
    assert 'data-step="save_to_datalake"' in page  # planned, never started
    assert "in_process: {}" in page
    assert page.count('class="ev level-') == 7 and "ZeroDivisionError" in page
    assert 'id="reexecute-failure"' in page and 'id="cancel-run"' not in page


def test_event_filters(client, instance):
    run, _ = _stored_run(instance)
    url = f"/runs/{run.run_id}/events"
    by_step = client.get(url, params={"q": "step:compute_cutoff"}).text
    assert by_step.count('class="ev ') == 3
    by_type = client.get(url, params={"q": "type:LOG"}).text
    assert by_type.count('class="ev ') == 2
    by_level = client.get(url, params={"q": "level:error"}).text
    assert by_level.count('class="ev ') == 2 and "it broke" in by_level  # + PIPELINE_FAILURE
    by_text = client.get(url, params={"q": "log of add"}).text
    assert by_text.count('class="ev ') == 1


def _stream_ids(client, url, **headers):
    with client.stream("GET", url, headers=headers) as response:
        text = "".join(response.iter_text())
    return [int(i) for i in re.findall(r"^id: (\d+)$", text, re.M)], text


def test_event_stream_resumes_after_last_event_id_without_duplicates(client, instance):
    run, ids = _stored_run(instance)
    url = f"/runs/{run.run_id}/events/stream"
    streamed, text = _stream_ids(client, url)
    assert streamed == ids and text.rstrip().endswith("data: FAILURE")
    resumed, _ = _stream_ids(client, url, **{"Last-Event-ID": str(ids[3])})
    assert resumed == ids[4:]
    filtered, _ = _stream_ids(client, url + "?q=type:LOG&after=0")
    assert filtered == [ids[2], ids[4]]


def test_asset_pages(client, instance):
    run = instance.run_storage.create_run(CEREAL, {}, "test")
    for rows in (10, 30):
        instance.event_storage.store_events(
            [
                EventRecord.create(
                    run.run_id,
                    T.ASSET_MATERIALIZATION,
                    CEREAL,
                    solid_name="save_to_datalake",
                    data={
                        "asset_key": ["lake", "cereals"],
                        "metadata_entries": [{"label": "rows", "value": rows}],
                    },
                )
            ]
        )
    assert 'href="/assets/lake.cereals"' in client.get("/assets").text
    page = client.get("/assets/lake.cereals").text
    assert page.count("<tr><td>") == 2 and 'data-label="rows"' in page
    assert client.get("/assets/nothing.here").status_code == 404


def test_instance_page_and_unknown_things(client, instance):
    page = client.get("/instance").text
    assert str(instance.home) in page and "sqlite" in page
    assert client.get("/runs/doesnotexist").status_code == 404
    assert client.get("/pipelines/nope").status_code == 404


def test_a_saved_task_stream_draws_lanes_per_worker_thread(client, instance):
    run, _ = _stored_run(instance)
    stored = instance.run_storage.get_run(run.run_id)
    path = task_stream_path(instance, run.run_id)
    path.parent.mkdir(parents=True)
    start = stored.start_time
    tasks = [
        {
            "key": "add_sugar_per_cup-ab12",
            "worker": "tcp://w1",
            "thread": 1,
            "start": start,
            "stop": start + 0.001,
        },
        {
            "key": "('compute_cutoff-cd34', 0)",
            "worker": "tcp://w2",
            "thread": 5,
            "start": start,
            "stop": start + 0.002,
        },
    ]
    path.write_text(json.dumps(tasks))
    page = client.get(f"/runs/{run.run_id}").text
    assert page.count('class="gantt-row lane"') == 2
    assert 'data-solid="add_sugar_per_cup"' in page and 'data-solid="compute_cutoff"' in page


def test_dashboard_link_while_running_and_the_sandboxed_report(client, instance):
    local = {"execution": {"dask": {"cluster": {"local": {"processes": False}}}}}
    run = instance.run_storage.create_run(CEREAL, local, "test")
    instance.event_storage.store_events(
        [
            EventRecord.create(run.run_id, T.PIPELINE_START, CEREAL),
            EventRecord.create(
                run.run_id,
                T.ENGINE_EVENT,
                CEREAL,
                "Dask dashboard",
                data={"dashboard_link": "http://10.9.8.7:8787/status"},
            ),
        ]
    )
    page = client.get(f"/runs/{run.run_id}").text
    assert 'id="dask-dashboard" href="http://127.0.0.1:8787/status"' in page
    assert client.get(f"/runs/{run.run_id}/report").status_code == 404
    reports = instance.home / "reports"
    reports.mkdir()
    (reports / f"{run.run_id}.html").write_text("<html><script>1</script></html>")
    response = client.get(f"/runs/{run.run_id}/report")
    assert response.status_code == 200 and "<script>1</script>" in response.text
    policy = response.headers.get_list("content-security-policy")
    assert len(policy) == 1 and policy[0].startswith("sandbox allow-scripts")
    assert 'id="performance-report"' in client.get(f"/runs/{run.run_id}").text


def test_live_partition_progress_of_a_running_dask_step(client, instance):
    run = instance.run_storage.create_run(CEREAL, {}, "test")
    instance.event_storage.store_events(
        [
            EventRecord.create(run.run_id, T.PIPELINE_START, CEREAL),
            EventRecord.create(run.run_id, T.STEP_START, CEREAL, step_key="add_sugar_per_cup"),
        ]
    )
    path = progress_path(instance, run.run_id)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"add_sugar_per_cup_write": [3, 8], "add_sugar_per_cup": [8, 8]}))
    page = client.get(f"/runs/{run.run_id}/steps").text
    assert 'class="partitions" data-done="3" data-total="8"' in page and "3/8 partitions" in page


def test_run_page_lists_outputs_and_materializations(client, instance):
    run = instance.run_storage.create_run(CEREAL, {}, "test")
    instance.event_storage.store_events(
        [
            EventRecord.create(
                run.run_id,
                T.HANDLED_OUTPUT,
                CEREAL,
                step_key="compute_cutoff",
                data={
                    "output_name": "result",
                    "io_manager_key": "io_manager",
                    "metadata_entries": [{"label": "path", "value": "/x/y"}],
                },
            ),
            EventRecord.create(
                run.run_id,
                T.ASSET_MATERIALIZATION,
                CEREAL,
                step_key="save",
                data={"asset_key": ["lake", "cereals"], "metadata_entries": []},
            ),
        ]
    )
    page = client.get(f"/runs/{run.run_id}").text
    assert 'href="/assets/lake.cereals"' in page and "/x/y" in page
    assert page.count('<tr class="output">') == 1


def test_a_run_whose_process_died_shows_failed(client, instance):
    run = instance.run_storage.create_run(CEREAL, {}, "test")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    instance.event_storage.store_events(
        [
            EventRecord.create(
                run.run_id,
                T.PIPELINE_START,
                CEREAL,
                data={"coordinator": f"{socket.gethostname()}:{dead.pid}"},
            )
        ]
    )
    assert instance.run_storage.get_run(run.run_id).status.value == "STARTED"
    page = client.get(f"/runs/{run.run_id}/steps").text
    assert 'data-status="FAILURE"' in page


def test_reexecute_all_selected_or_from_failure(client, instance, launcher):
    run, _ = _stored_run(instance)
    url = f"/runs/{run.run_id}/reexecute"
    response = client.post(url, data={"strategy": "all"})
    assert response.status_code == 204
    child = instance.run_storage.get_run(response.headers["HX-Redirect"].rsplit("/", 1)[1])
    assert child.parent_run_id == run.run_id and len(child.step_selection) == 4
    assert launcher.launched[-1][0] == child.run_id
    assert client.post(url, data={"strategy": "selected"}).status_code == 422  # no step chosen
    # the parent stored no output to reuse: refused with the reason, nothing launched
    refused = client.post(url, data={"strategy": "selected", "step": "compute_cutoff"})
    assert refused.status_code == 422 and "was not stored by run" in refused.text
    assert len(launcher.launched) == 1
    # no step of the parent finished: from failure re-runs them all
    resumed = client.post(url, data={"strategy": "from_failure"})
    assert resumed.status_code == 204 and len(launcher.launched) == 2
    child = instance.run_storage.get_run(launcher.launched[-1][0])
    assert sorted(child.step_selection) == sorted(
        ["add_sugar_per_cup", "compute_cutoff", "filter_below_cutoff", "save_to_datalake"]
    )
