"""Partition matrix figures (not a test): server time of a partition set's page, the
partition × step status matrix of each partition's latest run, for N partitions of a
pipeline of S steps with two runs per partition (the older one failed), median of 5.

    .venv/bin/python -m benchmarks.partitions_bench [--partitions 1000] [--steps 5]

Prints a markdown table for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from starlette.testclient import TestClient

from daskflow import (
    PartitionSetDefinition,
    PipelineDefinition,
    RepositoryDefinition,
    SolidDefinition,
    date_partition_range,
)
from daskflow.dashboards import UISettings, create_app
from daskflow.events import DaskflowEventType as T
from daskflow.events import EventRecord
from daskflow.instance import DaskflowInstance
from daskflow.launcher import Workspace, file_location
from daskflow.launcher.operate_workspace import OperateWorkspace

ROOT = Path(__file__).resolve().parents[1]
CEREAL = ROOT / "examples" / "cereal" / "cereal.py"


def _pipeline(steps: int) -> PipelineDefinition:
    solids = [
        SolidDefinition(f"step_{n}", input_defs=[], output_defs=[], compute_fn=lambda *_: None)
        for n in range(steps)
    ]
    return PipelineDefinition(solids, name="matrix")


def _fill(instance: DaskflowInstance, names: list[str], steps: int) -> None:
    for name in names:
        tags = {"daskflow/partition_set": "bench", "daskflow/partition": name}
        for outcome in (T.STEP_FAILURE, T.STEP_SUCCESS):
            run = instance.run_storage.create_run("matrix", {}, "default", tags=tags)
            events = [EventRecord.create(run.run_id, T.PIPELINE_START, "matrix")]
            for n in range(steps):
                key = f"step_{n}"
                events.append(EventRecord.create(run.run_id, T.STEP_START, "matrix", step_key=key))
                events.append(EventRecord.create(run.run_id, outcome, "matrix", step_key=key))
            instance.event_storage.store_events(events)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partitions", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args()
    start = datetime(2020, 1, 1)
    days = date_partition_range(start, start + timedelta(days=args.partitions))
    partition_set = PartitionSetDefinition("bench", "matrix", days)
    repo = RepositoryDefinition("bench_repo", [_pipeline(args.steps), partition_set])
    operate = OperateWorkspace.of(repo, file_location(str(CEREAL)))
    with tempfile.TemporaryDirectory() as home, DaskflowInstance.from_home(home) as instance:
        _fill(instance, [p.name for p in partition_set.get_partitions()], args.steps)
        app = create_app(
            Workspace([file_location(str(CEREAL))]), instance, UISettings(), operate=operate
        )
        client = TestClient(app, base_url="http://127.0.0.1:3000")
        client.get("/partitions/bench")
        times = []
        for _ in range(5):
            began = time.perf_counter()
            response = client.get("/partitions/bench")
            times.append(time.perf_counter() - began)
        sql = []
        for _ in range(5):
            began = time.perf_counter()
            instance.queue_storage.partition_step_matrix("bench")
            sql.append(time.perf_counter() - began)
    cells = args.partitions * args.steps
    print("| measure | time | size / note |\n|---|---|---|")
    page_ms, size_kb = 1000 * statistics.median(times), len(response.content) // 1024
    print(
        f"| partition set page, {args.partitions} partitions x {args.steps} steps "
        f"| {page_ms:.0f} ms | {size_kb} KB, {cells} cells |"
    )
    query_ms = 1000 * statistics.median(sql)
    print(f"| matrix query alone (latest run, latest event per step) | {query_ms:.0f} ms | |")


if __name__ == "__main__":
    main()
