"""What ``overhead.py`` measures beside its timed runs: the cost of one event outside a run,
and the machine and versions the numbers come from."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import platform
import subprocess
import time
from pathlib import Path
from typing import Any

import dask
import distributed

import daskflow
from daskflow.events import DaskflowEventType, EventRecord

REPO = Path(__file__).resolve().parent.parent


def event_costs(instance: Any, n: int = 2000) -> dict[str, float]:
    """Microseconds per event to build + serialise it (the task side), to decode it (the
    coordinator side) and to store it in SQLite (in batches of 500, as the coordinator)."""
    data = {
        "input_name": "x",
        "type_check": {"success": True, "description": None, "metadata_entries": []},
    }

    def build() -> dict[str, Any]:
        return EventRecord.create(
            "bench-run",
            DaskflowEventType.STEP_INPUT,
            "bench",
            'Got input "x" of type "Int". (Type check passed).',
            "step_1",
            "step_1",
            None,
            data,
        ).to_dict()

    start = time.perf_counter()
    dicts = [build() for _ in range(n)]
    built = time.perf_counter() - start
    start = time.perf_counter()
    records = [EventRecord.from_dict(d) for d in dicts]
    decoded = time.perf_counter() - start
    run = instance.run_storage.create_run("bench_events", {}, "mem")
    records = [dataclasses.replace(r, run_id=run.run_id) for r in records]
    start = time.perf_counter()
    for i in range(0, n, 500):
        instance.event_storage.store_events(records[i : i + 500])
    stored = time.perf_counter() - start
    return {
        "build_and_to_dict_us": built / n * 1e6,
        "from_dict_us": decoded / n * 1e6,
        "sqlite_store_us_batch_500": stored / n * 1e6,
    }


def machine_info() -> dict[str, Any]:
    mem_gib = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = round(int(line.split()[1]) / 1024**2, 1)
    cpu = platform.processor() or None
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    commit = None
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "memory_gib": mem_gib,
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "dask": dask.__version__,
        "distributed": distributed.__version__,
        "daskflow": getattr(daskflow, "__version__", None),
        "git_commit": commit,
    }
