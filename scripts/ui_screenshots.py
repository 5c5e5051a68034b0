"""Screenshots of the web UI for the README, from a real session: starts `daskflow ui` on
the cereal example (a fresh DASKFLOW_HOME), launches a run from the launchpad and takes
the pipeline, launchpad and run pages (the run on a local Dask cluster, so its task
stream shows) with Debian's headless Chromium.

    .venv/bin/python scripts/ui_screenshots.py [--out docs/images]
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CEREAL = "compute_top_quartile_pipeline"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_ui(home: str, port: int) -> subprocess.Popen[bytes]:
    daskflow = Path(sys.executable).parent / "daskflow"
    command = [str(daskflow), "ui", "-f", "examples/cereal/cereal.py", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "DASKFLOW_HOME": home})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.2)
    process.kill()
    raise SystemExit("daskflow ui did not start")


def _shoot(out: Path, url: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 760})
        page.goto(f"{url}/pipelines/{CEREAL}")
        page.locator("#dag[data-laid-out=true]").wait_for()
        page.click('#dag .node[data-solid="add_sugar_per_cup"]')
        page.screenshot(path=out / "ui-pipeline.png")
        page.goto(f"{url}/pipelines/{CEREAL}/launchpad?mode=test")
        page.locator(".cm-content").wait_for()
        text = "solids:\n  add_sugar_per_cup:\n    config:\n      dely: 0.1\n    "
        page.evaluate(
            """text => { const view = window.daskflowEditor;
                view.dispatch({changes: {from: 0, insert: text}, selection: {anchor: text.length}});
                view.focus(); }""",
            text,
        )
        page.keyboard.press("Control+Space")
        page.locator(".cm-tooltip-autocomplete").wait_for()
        page.locator("#config-errors li").first.wait_for()
        page.screenshot(path=out / "ui-launchpad.png")
        page.goto(f"{url}/pipelines/{CEREAL}/launchpad?preset=local")  # a 2-worker cluster
        page.locator(".cm-content").wait_for()
        page.click("#launch")
        page.wait_for_url(re.compile(r".*/runs/[0-9a-f]{32}$"))
        page.locator('#run-live[data-status="SUCCESS"]').wait_for(timeout=120_000)
        page.screenshot(path=out / "ui-run.png", full_page=True)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="daskflow-ui-shots-") as home:
        process = _start_ui(home, port)
        try:
            _shoot(out, f"http://127.0.0.1:{port}")
        finally:
            process.terminate()
            process.wait(10)
    print(f"wrote {', '.join(sorted(p.name for p in out.glob('ui-*.png')))} to {out}")


if __name__ == "__main__":
    main()
