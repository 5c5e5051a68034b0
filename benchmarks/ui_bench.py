"""Web UI figures (not a test): server time of the run page with 50,000 events and of the
runs page with 10,000 runs, filtered event pages, event-to-client latency of the live log
(SSE, p50/p95, while a writer stores events), and the layout of a 200-solid DAG in
headless Chromium (time until drawn, longest main-thread stall).

    .venv/bin/python -m benchmarks.ui_bench [--runs 10000] [--events 50000]

Prints a markdown table; the figures in benchmarks/README.md come from it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx2
import uvicorn
from playwright.sync_api import sync_playwright
from starlette.testclient import TestClient

from daskflow.dashboards import UISettings, create_app, pick_port
from daskflow.events import DaskflowEventType as T
from daskflow.events import EventRecord
from daskflow.instance import DaskflowInstance
from daskflow.launcher import Workspace, file_location

ROOT = Path(__file__).resolve().parents[1]
CEREAL = ROOT / "examples" / "cereal" / "cereal.py"


def _median_ms(client: TestClient, url: str, repeat: int = 5) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        size = len(response.content)
        assert response.status_code == 200, (url, response.status_code)
    return 1000 * statistics.median(times), size


def _fill(instance: DaskflowInstance, runs: int, events: int) -> str:
    storage = instance.run_storage
    for number in range(runs):
        storage.create_run(
            "compute_top_quartile_pipeline", {}, "test", tags={"n": str(number % 100)}
        )
    big = storage.create_run("compute_top_quartile_pipeline", {}, "test").run_id
    batch = []
    for number in range(events):
        step = f"step_{number % 20}"
        kind = T.LOG if number % 5 else T.STEP_OUTPUT
        batch.append(EventRecord.create(big, kind, "p", f"event {number}", step_key=step))
        if len(batch) == 1000:
            instance.event_storage.store_events(batch)
            batch = []
    instance.event_storage.store_events(batch)
    return big


def _sse_latency(instance: DaskflowInstance, app_url: str, count: int = 200) -> list[float]:
    run = instance.run_storage.create_run("compute_top_quartile_pipeline", {}, "test").run_id
    instance.event_storage.store_events([EventRecord.create(run, T.PIPELINE_START, "p")])
    sent: dict[str, float] = {}
    latencies: list[float] = []

    def write() -> None:
        time.sleep(0.5)
        for number in range(count):
            sent[f"live {number}"] = time.time()
            instance.event_storage.store_events(
                [EventRecord.create(run, T.LOG, "p", f"live {number}")]
            )
            time.sleep(0.02)
        instance.event_storage.store_events([EventRecord.create(run, T.PIPELINE_SUCCESS, "p")])

    writer = threading.Thread(target=write)
    writer.start()
    with httpx2.stream("GET", f"{app_url}/runs/{run}/events/stream", timeout=60) as response:
        for line in response.iter_lines():
            if "live " in line:
                text = line.split("live ", 1)[1].split("<", 1)[0]
                latencies.append(time.time() - sent[f"live {text}"])
            if line.startswith("event: end"):
                break
    writer.join()
    return latencies


def _dag_layout(solids: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "big.py"
        source.write_text(
            "from daskflow import pipeline, solid\n"
            "@solid\ndef s(_, x: int = 0) -> int:\n    return x\n"
            "@pipeline\ndef big():\n"
            "    layer = [s.alias(f'a{i}')() for i in range(20)]\n"
            f"    for d in range(1, {solids // 20}):\n"
            "        layer = [s.alias(f'n{d}_{i}')(layer[i]) for i in range(20)]\n"
        )
        workspace = Workspace([file_location(str(source))])
        with DaskflowInstance.from_home(Path(folder) / "home") as instance:
            return _measure_dag(workspace, instance)


def _measure_dag(workspace: Workspace, instance: DaskflowInstance) -> tuple[float, float]:
    settings = UISettings(port=pick_port("127.0.0.1", 0))
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(workspace, instance, settings),
            port=settings.port,
            log_level="warning",
            lifespan="off",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            # Longest gap between animation frames from page start until the DAG is drawn:
            # how long the main thread was blocked (the layout itself runs in a worker).
            page.add_init_script(
                "window.__worst = 0; let last = performance.now();"
                "const tick = () => { const t = performance.now();"
                " window.__worst = Math.max(window.__worst, t - last); last = t;"
                " requestAnimationFrame(tick); }; requestAnimationFrame(tick);"
            )
            start = time.perf_counter()
            page.goto(f"http://127.0.0.1:{settings.port}/pipelines/big", wait_until="commit")
            page.locator("#dag[data-laid-out=true]").wait_for(timeout=120_000)
            drawn = time.perf_counter() - start
            stall = page.evaluate("window.__worst")
            browser.close()
    finally:
        server.should_exit = True
        thread.join(5)
    return 1000 * drawn, stall


def _page_rows(
    instance: DaskflowInstance, workspace: Workspace, big: str, runs: int, events: int
) -> list[tuple[str, str, str]]:
    client = TestClient(
        create_app(workspace, instance, UISettings()), base_url="http://127.0.0.1:3000"
    )
    rows = []
    for label, url in [
        (f"runs page, {runs:,} runs (first 50)", "/runs"),
        ("runs page filtered by tag", "/runs?tag=n=7"),
        (f"run page, {events:,} events (newest 500)", f"/runs/{big}"),
        ("event log filtered by step:", f"/runs/{big}/events?q=step:step_3"),
        ("event log filtered by type:", f"/runs/{big}/events?q=type:STEP_OUTPUT"),
        ("event log filtered by text", f"/runs/{big}/events?q=event%2049999"),
    ]:
        ms, size = _median_ms(client, url)
        rows.append((label, f"{ms:.0f} ms", f"{size / 1024:.0f} KB"))
    return rows


def _live_row(instance: DaskflowInstance, workspace: Workspace) -> tuple[str, str, str]:
    settings = UISettings(port=pick_port("127.0.0.1", 0))
    config = uvicorn.Config(
        create_app(workspace, instance, settings),
        port=settings.port,
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        latencies = sorted(_sse_latency(instance, f"http://127.0.0.1:{settings.port}"))
    finally:
        server.should_exit = True
        thread.join(5)
    p50 = 1000 * latencies[len(latencies) // 2]
    p95 = 1000 * latencies[int(len(latencies) * 0.95)]
    return ("live log, event stored -> client (SSE)", f"p50 {p50:.0f} ms, p95 {p95:.0f} ms", "")


def main() -> None:
    parser = argparse.ArgumentParser(description="web UI figures")
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home, DaskflowInstance.from_home(home) as instance:
        workspace = Workspace([file_location(str(CEREAL))])
        big = _fill(instance, args.runs, args.events)
        rows = _page_rows(instance, workspace, big, args.runs, args.events)
        rows.append(_live_row(instance, workspace))
    drawn, stall = _dag_layout(200)
    rows.append(
        ("DAG of 200 solids: drawn after load (worker)", f"{drawn:.0f} ms", f"stall {stall:.0f} ms")
    )
    print("| measure | time | size / note |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(json.dumps({"runs": args.runs, "events": args.events}))


if __name__ == "__main__":
    main()
