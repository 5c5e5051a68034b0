"""Where daskflow's per-step overhead goes: the same run with parts of the engine switched off.

A diagnostic companion of ``overhead.py`` (same shapes and solids), NOT a benchmark of a
supported configuration: it monkeypatches engine internals (in this process and, via
``client.run``, in the cluster's workers) to remove one cost at a time. Variants, each
interleaved over ``--repeat`` repetitions with the raw ``dask.delayed`` baseline:

- ``daskflow-mem``: ``execute_pipeline`` with ``mem_io_manager``, as in ``overhead.py``;
- ``events built, not sent``: every step event is still created and turned into a dict
  (``EventRecord.create(...).to_dict()``) but neither sent to the coordinator nor counted,
  so nothing is decoded or stored in SQLite;
- ``no step events``: ``StepEmitter.emit`` does nothing at all;
- cluster only, ``cheap completion poll``: ``DistributedRun.wait`` waits on one pending
  future instead of calling ``distributed.wait`` on every future of the run each 50 ms;
- cluster only, ``one gather for all results``: ``DistributedRun.results`` fetches every
  finished future's value in one ``client.gather`` instead of one ``future.result()`` (a
  round trip) per step;
- cluster only, ``payload token = run id``: ``RunPayload`` gets a ``__dask_tokenize__``
  returning its run id, so ``client.get`` no longer tokenizes the whole pipeline
  definition (it normalises and cloudpickles every solid node of the graph's data key);
- cluster only, ``all three above``: the three changes together (none changes what a run
  does or records: every event is still sent and stored);
- cluster only, ``raw, daskflow graph shape``: trivial tasks in exactly the graph
  ``compile_run`` builds (one task per step, each depending on the run's ``RunPayload``
  data key and on its upstream tasks; submitted with ``client.get(..., sync=False)``),
  without any daskflow code running in them.

    .venv/bin/python benchmarks/breakdown.py                 # chain-200, both schedulers
    .venv/bin/python benchmarks/breakdown.py --shape fan --n 500
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import overhead as ob  # benchmarks/ is on sys.path when this file is run as a script
from overhead_probes import machine_info

HERE = Path(__file__).resolve().parent


# -- switches (each also runs inside worker processes through client.run) -------------------


def _emit_built_not_sent(
    self: Any, event_type: Any, message: str = "", level: Any = None, data: Any = None
) -> None:
    from daskflow.events import EventRecord

    EventRecord.create(
        self.run_id,
        event_type,
        self.pipeline_name,
        message,
        self.step_key,
        self.step_key,
        level,
        data,
    ).to_dict()


def _emit_nothing(self: Any, *args: Any, **kwargs: Any) -> None:
    return None


def set_emit(mode: str) -> bool:
    """``mode``: original, built, none. Returns True (so ``client.run`` has a result)."""
    from daskflow.engine.step.emitter import StepEmitter

    if not hasattr(StepEmitter, "_benchmark_original_emit"):
        StepEmitter._benchmark_original_emit = StepEmitter.emit
    StepEmitter.emit = {
        "original": StepEmitter._benchmark_original_emit,
        "built": _emit_built_not_sent,
        "none": _emit_nothing,
    }[mode]
    return True


def _cheap_wait(self: Any, timeout: float) -> bool:
    from distributed import wait

    pending = [f for f in self._futures.values() if not f.done()]
    if not pending:
        return True
    with contextlib.suppress(TimeoutError):
        wait(pending[-1:], timeout=timeout)
    return all(f.done() for f in self._futures.values())


@contextlib.contextmanager
def cheap_wait() -> Any:
    """Swap ``DistributedRun.wait`` for ``_cheap_wait`` for one run, then restore it."""
    from daskflow.engine.run.executors import DistributedRun

    original = DistributedRun.wait
    DistributedRun.wait = _cheap_wait
    try:
        yield
    finally:
        DistributedRun.wait = original


@contextlib.contextmanager
def emit_mode(mode: str, client: Any) -> Any:
    set_emit(mode)
    if client is not None:
        client.run(set_emit, mode)
    try:
        yield
    finally:
        set_emit("original")
        if client is not None:
            client.run(set_emit, "original")


def shaped_step(payload: Any, step_key: str, *upstream: int) -> int:
    """A trivial task in the place of ``run_step``: same arguments, no engine work."""
    return sum(upstream) + 1 if step_key != "source" else 0


def raw_in_daskflow_shape(runner: ob.Runner, shape: ob.Shape) -> float:
    """Time the graph ``compile_run`` would build for a run, with trivial tasks."""
    from dask._task_spec import DataNode, Task, TaskRef

    from daskflow.engine.run.compile import step_task_key
    from daskflow.engine.run.launch import RunRequest, prepare_run

    gc.collect()
    request = RunRequest(shape.pipeline, {"execution": runner.execution}, "mem")
    coordinator, _, _ = prepare_run(request, runner.instance)
    payload = coordinator.payload
    start = time.perf_counter()  # from compiling on, like overhead.py's raw timing
    payload_key = f"daskflow_run-{payload.run_id}"
    graph: dict[str, Any] = {payload_key: DataNode(payload_key, payload)}
    keys: dict[str, str] = {}
    for step in payload.plan.steps.values():
        key = step_task_key(step.key, payload.run_id)
        graph[key] = Task(
            key,
            shaped_step,
            TaskRef(payload_key),
            step.key,
            *[TaskRef(keys[k]) for k in step.upstream_keys],
        )
        keys[step.key] = key
    futures = runner.client.get(graph, list(keys.values()), sync=False)
    runner.client.gather(futures)
    return time.perf_counter() - start


def variants(runner: ob.Runner, shape: ob.Shape) -> dict[str, Callable[[], float]]:
    client = runner.client

    def daskflow() -> float:
        return runner.run(shape, "daskflow-mem")["wall"]

    def with_emit(mode: str) -> Callable[[], float]:
        def run() -> float:
            with emit_mode(mode, client):
                return daskflow()

        return run

    def patched(*patches: Callable[[], Any]) -> Callable[[], float]:
        def run() -> float:
            with contextlib.ExitStack() as stack:
                for patch in patches:
                    stack.enter_context(patch())
                return daskflow()

        return run

    out = {
        "raw": lambda: runner.run(shape, "raw")["wall"],
        "daskflow-mem": daskflow,
        "events built, not sent": with_emit("built"),
        "no step events": with_emit("none"),
    }
    if runner.scheduler == "cluster":
        out["cheap completion poll"] = patched(cheap_wait)
        # "one gather for all results" and "payload token = run id" were variants here;
        # both are now what the engine does (see README), so they are the baseline.
        out["raw, daskflow graph shape"] = lambda: raw_in_daskflow_shape(runner, shape)
    return out


def measure(runner: ob.Runner, shape: ob.Shape, repeat: int) -> list[dict[str, Any]]:
    runs = variants(runner, shape)
    for run in runs.values():  # warm-up
        run()
    walls: dict[str, list[float]] = {name: [] for name in runs}
    for rep in range(repeat):
        for name, run in runs.items():
            walls[name].append(run())
        print(f"  [{runner.scheduler}] rep {rep + 1}/{repeat} done", file=sys.stderr, flush=True)
    raw = walls["raw"]
    rows = []
    for name, values in walls.items():
        ratios = [w / r for w, r in zip(values, raw, strict=True)]
        rows.append(
            {
                "scheduler": runner.scheduler,
                "shape": shape.name,
                "steps": shape.steps,
                "variant": name,
                "walls_s": values,
                "wall_median_s": statistics.median(values),
                "ms_per_step_median": statistics.median(values) / shape.steps * 1000,
                "ratio_median": statistics.median(ratios),
                "extra_ms_per_step_median": statistics.median(
                    [(w - r) / shape.steps * 1000 for w, r in zip(values, raw, strict=True)]
                ),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shape", choices=("chain", "fan"), default="chain")
    parser.add_argument("--n", type=int, default=None, help="chain length / fan width (200 / 500)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--schedulers", default="threads,cluster")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    shape = ob.Shape(args.shape, args.n or (200 if args.shape == "chain" else 500))
    schedulers = [s.strip() for s in args.schedulers.split(",") if s.strip()]
    from daskflow.instance import DaskflowInstance

    rows: list[dict[str, Any]] = []
    with DaskflowInstance.ephemeral() as instance:
        if "threads" in schedulers:
            rows += measure(ob.Runner("threads", instance), shape, args.repeat)
        if "cluster" in schedulers:
            from distributed import Client, LocalCluster

            with (
                LocalCluster(
                    n_workers=2, threads_per_worker=1, dashboard_address="127.0.0.1:0"
                ) as cluster,
                Client(cluster) as client,
            ):
                runner = ob.Runner("cluster", instance, client, cluster.scheduler_address)
                rows += measure(runner, shape, args.repeat)
    lines = [
        "| scheduler | shape | variant | wall median (s) | ms/step | x raw | extra ms/step |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['scheduler']} | {r['shape']} | {r['variant']} | "
            f"{r['wall_median_s']:.3f} | {r['ms_per_step_median']:.3f} | "
            f"{r['ratio_median']:.2f} | {r['extra_ms_per_step_median']:.2f} |"
        )
    table = "\n".join(lines)
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"breakdown_{shape.name}"
    (args.out / f"{stem}.json").write_text(
        json.dumps(
            {
                "command": " ".join([".venv/bin/python", "benchmarks/breakdown.py", *sys.argv[1:]]),
                "machine": machine_info(),
                "repeat": args.repeat,
                "rows": rows,
            },
            indent=2,
        )
        + "\n"
    )
    (args.out / f"{stem}.md").write_text(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
