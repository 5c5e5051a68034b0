"""The operate pages in a real headless Chromium: start and stop a schedule from its page
(an htmx POST with the CSRF token), the daemon banner, the partition matrix and a
backfill's progress; read-only mode offers no start button."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from daskflow.events import DaskflowEventType as T
from daskflow.events import EventRecord

pytestmark = pytest.mark.slow


def test_start_and_stop_a_schedule_with_the_daemon_banner(page: Page, ui, ui_instance):
    page.goto(f"{ui}/schedules")
    page.click('tr[data-schedule="nightly"] a[href="/schedules/nightly"]')
    expect(page.locator("#next-ticks li")).to_have_count(5)
    page.click("#schedule-start")
    expect(page.locator("#schedule-stop")).to_be_visible()
    expect(page.locator("h1 .status-RUNNING")).to_have_text("RUNNING")
    expect(page.locator("#daemon-banner")).to_contain_text("The daemon is not running")
    page.click("#schedule-stop")
    expect(page.locator("#schedule-start")).to_be_visible()
    expect(page.locator("#daemon-banner")).to_have_count(0)


def test_partition_matrix_and_backfill_progress(page: Page, ui, ui_instance):
    tags = {"daskflow/partition_set": "month", "daskflow/partition": "2026-01-07"}
    run = ui_instance.run_storage.create_run("etl", {}, "default", tags=tags)
    ui_instance.event_storage.store_events(
        [
            EventRecord.create(run.run_id, T.STEP_START, "etl", step_key="load"),
            EventRecord.create(run.run_id, T.STEP_FAILURE, "etl", step_key="load"),
        ]
    )
    page.goto(f"{ui}/partitions")
    page.click('a[href="/partitions/month"]')
    cell = page.locator('tr[data-partition="2026-01-07"] td.cell')
    expect(cell).to_have_class("cell status-FAILURE")
    expect(page.locator("#partition-matrix tbody tr")).to_have_count(30)
    backfill = ui_instance.queue_storage.create_backfill("month", ["2026-01-07", "2026-01-08"])
    page.goto(f"{ui}/backfills")
    page.click(f'a[href="/backfills/{backfill.backfill_id}"]')
    expect(page.locator("#backfill-progress")).to_contain_text("2 not started")
    ui_instance.queue_storage.update_backfill(backfill.backfill_id, status="CANCELED")


def test_read_only_has_no_start_button(page: Page, read_only_ui):
    page.goto(f"{read_only_ui}/schedules/nightly")
    expect(page.locator("h1")).to_contain_text("Schedule nightly")
    expect(page.locator("#schedule-start")).to_have_count(0)
