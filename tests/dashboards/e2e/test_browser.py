"""The web UI in a real headless Chromium: the cereal DAG, the launchpad's completion,
error marks and scaffold, launching, live events, log filters, the Gantt, re-execution
from failure, cancel, the asset page and read-only mode."""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from ..conftest import CEREAL

# A browser session, UI servers and launched run processes: the whole module is slow.
pytestmark = pytest.mark.slow

BAD_CONFIG = """solids:
  add_sugar_per_cup:
    config:
      dely: 0.1
    inputs:
      cereals:
        csv: {path: data/cereal.csv}
"""
IN_PROCESS = "execution:\n  in_process: {}\n"


def until(page: Page, expression: str, timeout: float = 20.0) -> None:
    """Poll ``expression`` from here: ``wait_for_function`` evaluates strings with eval,
    which the UI's Content-Security-Policy (rightly) refuses."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout}s: {expression}")
        time.sleep(0.05)


def set_doc(page: Page, text: str, cursor: int | None = None) -> None:
    """Replace the launchpad editor's text (cursor at the end unless given)."""
    until(page, "window.daskflowEditor !== undefined")
    page.evaluate(
        """([text, cursor]) => {
            const view = window.daskflowEditor;
            view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: text},
                           selection: {anchor: cursor ?? text.length}});
            view.focus();
        }""",
        [text, cursor],
    )


def doc(page: Page) -> str:
    return page.evaluate("window.daskflowEditor.state.doc.toString()")


def completions(page: Page) -> list[str]:
    options = page.locator(".cm-tooltip-autocomplete li .cm-completionLabel")
    options.first.wait_for()
    return options.all_inner_texts()


def launch(page: Page, ui: str, pipeline: str, config: str, selection: str = "") -> str:
    """Launch from the launchpad; returns the new run's id (on its page)."""
    page.goto(f"{ui}/pipelines/{pipeline}/launchpad")
    set_doc(page, config)
    if selection:
        page.fill("#selection", selection)
    page.click("#launch")
    page.wait_for_url(re.compile(r".*/runs/[0-9a-f]{32}$"))
    return page.url.rsplit("/", 1)[1]


def wait_status(page: Page, status: str, timeout: float = 90_000) -> None:
    expect(page.locator("#run-live")).to_have_attribute("data-status", status, timeout=timeout)


def test_cereal_dag_and_solid_panel(page, ui):
    page.goto(f"{ui}/pipelines/{CEREAL}")
    dag = page.locator("#dag[data-laid-out=true]")
    dag.wait_for()
    nodes = page.locator("#dag .node")
    assert sorted(nodes.evaluate_all("ns => ns.map(n => n.dataset.solid)")) == [
        "add_sugar_per_cup",
        "compute_cutoff",
        "filter_below_cutoff",
        "save_to_datalake",
    ]
    first = page.locator('#dag .node[data-solid="add_sugar_per_cup"]').bounding_box()
    last = page.locator('#dag .node[data-solid="save_to_datalake"]').bounding_box()
    assert first["x"] < last["x"]  # left to right
    page.click('#dag .node[data-solid="add_sugar_per_cup"]')
    panel = page.locator('.solid-panel[data-solid="add_sugar_per_cup"]')
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Number of seconds of computation to simulate")
    expect(panel).to_contain_text("cereals")


def test_a_graph_of_160_solids_is_laid_out_in_a_worker(page, ui):
    page.goto(f"{ui}/pipelines/wide")
    page.locator("#dag[data-laid-out=true]").wait_for()
    expect(page.locator("#dag")).to_have_attribute("data-layout", "worker")
    expect(page.locator("#dag .node")).to_have_count(160)
    expect(page.locator("#dag .edge")).to_have_count(144)


def test_completion_under_an_empty_parent_and_on_an_empty_line(page, ui):
    page.goto(f"{ui}/pipelines/{CEREAL}/launchpad")
    set_doc(page, "solids:\n  ")
    page.keyboard.type("ad")
    assert "add_sugar_per_cup" in completions(page)
    page.keyboard.press("Escape")
    text = "solids:\n  add_sugar_per_cup:\n    "
    set_doc(page, text + "\n", cursor=len(text))
    page.keyboard.press("Control+Space")
    assert set(completions(page)) >= {"config", "inputs"}
    page.wait_for_timeout(200)  # CodeMirror ignores Enter just after the list opens
    page.keyboard.press("Enter")  # a mapping-only key opens an indented block
    assert re.match(r"solids:\n  add_sugar_per_cup:\n    (inputs|config):\n      ", doc(page))


def test_the_dag_highlights_the_solid_selection(page, ui):
    page.goto(f"{ui}/pipelines/{CEREAL}/launchpad")
    page.locator("#dag[data-laid-out=true]").wait_for()
    page.fill("#selection", "*compute_cutoff")
    expect(page.locator("#dag .node.selected")).to_have_count(2)
    selected = page.locator("#dag .node.selected").evaluate_all(
        "ns => ns.map(n => n.dataset.solid)"
    )
    assert sorted(selected) == ["add_sugar_per_cup", "compute_cutoff"]
    expect(page.locator("#dag .node.dimmed")).to_have_count(2)


def test_a_misspelt_key_is_marked_at_its_line(page, ui):
    page.goto(f"{ui}/pipelines/{CEREAL}/launchpad?mode=test")
    set_doc(page, BAD_CONFIG)
    error = page.locator('#config-errors li[data-line="4"]')
    expect(error).to_contain_text("solids.add_sugar_per_cup.config.dely")
    expect(error).to_contain_text('Did you mean "delay"')
    marked = page.locator(".cm-content .cm-line").nth(3).locator(".cm-lintRange-error")
    expect(marked).to_have_count(1)


def test_scaffold_fills_in_missing_required_config(page, ui):
    page.goto(f"{ui}/pipelines/{CEREAL}/launchpad?mode=local")
    set_doc(page, "")
    page.click("#scaffold")
    until(page, "window.daskflowEditor.state.doc.toString().includes('root_dir')")
    text = doc(page)
    assert "add_sugar_per_cup:" in text and "path: <string>" in text


def test_launch_streams_events_live_and_draws_a_bar_per_step(page, ui, ui_instance):
    config = IN_PROCESS + "solids:\n  tick:\n    config: {ticks: 16, tick_seconds: 0.25}\n"
    run_id = launch(page, ui, "slow", config)
    page.locator("#event-rows tr[data-type=LOG]").first.wait_for(timeout=60_000)
    assert not ui_instance.run_storage.get_run(run_id).status.is_finished  # live, before the end
    wait_status(page, "SUCCESS")
    expect(page.locator("#gantt .gantt-bar")).to_have_count(2)
    expect(page.locator("#event-rows tr[data-type=LOG]")).to_have_count(16)
    ids = page.locator("#event-rows tr.ev").evaluate_all("rs => rs.map(r => r.dataset.id)")
    assert len(ids) == len(set(ids))  # no duplicates
    page.fill("#log-query", "step:after_ticks")
    page.press("#log-query", "Enter")
    expect(page.locator("#event-log")).to_have_attribute("data-query", "step:after_ticks")
    steps = page.locator("#event-rows tr.ev").evaluate_all("rs => rs.map(r => r.dataset.step)")
    assert steps and set(steps) == {"after_ticks"}
    page.fill("#log-query", "type:STEP_START")
    page.press("#log-query", "Enter")
    expect(page.locator("#event-rows tr.ev")).to_have_count(2)
    assert set(
        page.locator("#event-rows tr.ev").evaluate_all("rs => rs.map(r => r.dataset.type)")
    ) == {"STEP_START"}


@pytest.mark.cluster  # the run starts its own LocalCluster (its task stream is the point)
def test_a_dask_step_shows_live_partitions_then_task_stream_lanes(page, ui):
    config = (
        "execution:\n  dask:\n    cluster:\n      local: {n_workers: 1, threads_per_worker: 2,"
        " processes: false, dashboard_address: ':0'}\n"
        "solids:\n  numbers:\n    config: {partitions: 16, seconds: 0.4}\n"
    )
    launch(page, ui, "partitioned", config)
    live = page.locator('#step-table tr[data-step="numbers"] .partitions')
    live.wait_for(timeout=60_000)  # while the step runs: "done/total partitions"
    assert int(live.get_attribute("data-total")) == 16
    wait_status(page, "SUCCESS")
    expect(page.locator("#gantt .gantt-bar")).to_have_count(2)
    lanes = page.locator("#task-lanes .lane")
    expect(lanes).to_have_count(2)  # one worker, two threads
    solids = page.locator("#task-lanes .lane-task").evaluate_all(
        "ts => [...new Set(ts.map(t => t.dataset.solid))].sort()"
    )
    assert solids == ["numbers", "total"]
    assert page.locator('#task-lanes .lane-task[data-solid="numbers"]').count() >= 32


def test_a_failed_run_reexecuted_from_failure_into_a_linked_child(page, ui, tmp_path):
    marker = tmp_path / "fail"
    marker.write_text("x")
    config = IN_PROCESS + f"solids:\n  double_unless_marked:\n    config: {{marker: '{marker}'}}\n"
    parent = launch(page, ui, "flaky", config)
    wait_status(page, "FAILURE")
    expect(page.locator("#event-rows")).to_contain_text("is present")
    marker.unlink()
    page.click("#reexecute-failure")
    page.wait_for_url(re.compile(rf".*/runs/(?!{parent})[0-9a-f]{{32}}$"))
    wait_status(page, "SUCCESS")
    expect(page.locator("#parent-run")).to_have_attribute("href", f"/runs/{parent}")
    expect(page.locator("#step-table tbody tr")).to_have_count(1)
    page.goto(f"{ui}/runs/{parent}")
    expect(page.locator("#child-runs .child-run")).to_have_count(1)


def test_cancel_a_slow_run_then_resume_it(page, ui):
    parent = launch(page, ui, "chain", IN_PROCESS)  # 20 steps of 0.3 s
    page.locator('#step-table tr[data-step="pause_1"] .status-SUCCESS').wait_for(timeout=60_000)
    page.click("#cancel-run")
    wait_status(page, "CANCELED", timeout=30_000)
    skipped = page.locator("#step-table .status-SKIPPED").count()
    not_started = page.locator("#step-table tr", has_text="not started").count()
    assert skipped + not_started >= 10  # it stopped well before its end
    page.click("#reexecute-failure")  # a canceled run resumes where it stopped
    page.wait_for_url(re.compile(rf".*/runs/(?!{parent})[0-9a-f]{{32}}$"))
    wait_status(page, "SUCCESS")
    expect(page.locator('#step-table tr[data-step="pause_0"]')).to_have_count(0)
    expect(page.locator('#step-table tr[data-step="pause_19"] .status-SUCCESS')).to_have_count(1)


def test_the_asset_page_of_the_cereal_materialization(page, ui):
    page.goto(f"{ui}/pipelines/{CEREAL}/launchpad?preset=test")
    until(page, "window.daskflowEditor !== undefined")
    page.click("#launch")
    page.wait_for_url(re.compile(r".*/runs/[0-9a-f]{32}$"))
    run_id = page.url.rsplit("/", 1)[1]
    wait_status(page, "SUCCESS")
    page.goto(f"{ui}/assets")
    page.click('a[href="/assets/local_datalake.cereals"]')
    history = page.locator("#asset-history tbody tr")
    expect(history.first).to_contain_text(run_id[:8])
    expect(history.first).to_contain_text("save_to_datalake")


def test_read_only_hides_and_refuses_every_action(page, read_only_ui, ui_instance):
    run = ui_instance.run_storage.get_runs(limit=1)[0]
    page.goto(f"{read_only_ui}/runs/{run.run_id}")
    expect(page.locator(".badge.read-only")).to_be_visible()
    for selector in ("#run-actions", "#cancel-run", "#reexecute-failure", "#open-launchpad"):
        expect(page.locator(selector)).to_have_count(0)
    page.goto(f"{read_only_ui}/pipelines")
    expect(page.locator("a.button", has_text="Launchpad")).to_have_count(0)
    statuses = page.evaluate(
        """async ([urls, token]) => Promise.all(urls.map(async (u) => (await fetch(u, {
              method: "POST", headers: {"X-CSRF-Token": token}})).status))""",
        [
            [
                f"/runs/{run.run_id}/cancel",
                f"/runs/{run.run_id}/reexecute",
                "/runs/cancel",
                f"/pipelines/{CEREAL}/launch",
            ],
            page.locator('meta[name="csrf-token"]').get_attribute("content"),
        ],
    )
    assert statuses == [403, 403, 403, 403]
    response = page.goto(f"{read_only_ui}/pipelines/{CEREAL}/launchpad")
    assert response.status == 403
