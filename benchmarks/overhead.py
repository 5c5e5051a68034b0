"""Per-step overhead of daskflow against raw ``dask.delayed`` on the same scheduler.

Two shapes of trivial solids (``x + 1``):

- ``chain``: ``source -> step_1 -> ... -> step_{N-1}`` (N solids, default 200);
- ``fan``: ``source -> add_0 .. add_{N-1} -> total`` with ``total`` taking the N outputs
  as one fan-in list input (N + 2 solids, default N = 500).

Each shape runs, in the same process and on the same scheduler, as

- ``raw``: the same graph of ``dask.delayed(fn, pure=False)`` calls, built and computed
  with ``dask.compute`` (graph building is inside the timing);
- ``raw-files``: the same raw graph whose tasks store every value in a file as
  ``fs_io_manager`` does (a directory per task, a temporary file renamed into place; the
  next task reads it back), on the same disk: the floor of any file per output, which
  ``daskflow-fs`` rows are also divided by ("x raw-files");
- ``daskflow-mem``: ``execute_pipeline`` in a mode whose ``io_manager`` is
  ``mem_io_manager`` (values travel through Dask memory; events still go to SQLite);
- ``daskflow-fs``: the default ``fs_io_manager`` (a pickle file and ``_SUCCESS`` marker
  per output under the instance's storage directory, plus its events in SQLite).

Schedulers: ``threads`` (daskflow ``execution: {threads: {max_workers: 2}}``, raw
``scheduler="threads", num_workers=2``) and ``cluster``: ONE ``LocalCluster(n_workers=2,
threads_per_worker=1)`` started here; raw computes on a ``Client`` of it, daskflow gets
``execution: {dask: {cluster: {address: ...}}}`` (so it connects its own client per run,
which is part of what it costs).

Repetitions are interleaved (raw, mem, fs, raw, mem, fs, ...) so noise hits every variant
alike; each ratio compares a daskflow run with the raw run of the same repetition. One
untimed round comes first, and ``gc.collect()`` runs before every timed run. After
the timings, one threads run of the chain with each IO manager is profiled with
cProfile (in every thread: coordinator, scheduler thread, pool threads).

Nothing here asserts on timings: it prints a markdown table and writes
``benchmarks/results/overhead.{json,md}`` (and ``profile_chain_threads_{mem,fs}.txt``).

    .venv/bin/python benchmarks/overhead.py            # full run (a few minutes)
    .venv/bin/python benchmarks/overhead.py --quick    # smoke test (seconds)
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import json
import os
import pstats
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dask

import daskflow
from daskflow import execute_pipeline
from daskflow.instance import DaskflowInstance

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # its companions, also when run as ``-m benchmarks.overhead``
from overhead_probes import event_costs, machine_info  # noqa: E402
from overhead_report import TARGETS, VARIANTS, markdown_table, summarise  # noqa: E402
from overhead_shapes import MODES, Shape, add_one, raw_chain, raw_fan, source  # noqa: E402, F401

MODE_OF = {"daskflow-mem": "mem", "daskflow-fs": "fs"}


# -- timing hooks: where a daskflow run spends its wall time --------------------------------

_MARKS: dict[str, float] = {}
_STORE = {"seconds": 0.0, "calls": 0, "events": 0}


def install_phase_hooks() -> bool:
    """Wrap ``compile_run`` and ``open_executor`` as the coordinator sees them, to split a
    run into prepare (config, plan, run record, PIPELINE_START), compile, connect and run.
    Returns False (totals only) when the engine no longer has these names."""
    import daskflow.engine.run.coordinator as execute

    compile_run = getattr(execute, "compile_run", None)
    open_executor = getattr(execute, "open_executor", None)
    if not callable(compile_run) or not callable(open_executor):
        return False

    def timed_compile(*args: Any, **kwargs: Any) -> Any:
        _MARKS["compile_start"] = time.perf_counter()
        try:
            return compile_run(*args, **kwargs)
        finally:
            _MARKS["compile_end"] = time.perf_counter()

    @contextlib.contextmanager
    def timed_open(*args: Any, **kwargs: Any) -> Iterator[Any]:
        _MARKS["open_start"] = time.perf_counter()
        with open_executor(*args, **kwargs) as executor:
            _MARKS["open_end"] = time.perf_counter()
            yield executor

    execute.compile_run = timed_compile
    execute.open_executor = timed_open
    return True


def time_event_storage(instance: Any) -> None:
    """Count the time the coordinator spends writing event batches to SQLite."""
    storage = instance.event_storage
    store = storage.store_events

    def timed_store(records: Any) -> Any:
        batch = list(records)
        start = time.perf_counter()
        try:
            return store(batch)
        finally:
            _STORE["seconds"] += time.perf_counter() - start
            _STORE["calls"] += 1
            _STORE["events"] += len(batch)

    storage.store_events = timed_store


# -- one run of each variant ------------------------------------------------------------


class Runner:
    def __init__(
        self, scheduler: str, instance: Any, client: Any = None, address: str | None = None
    ):
        self.scheduler = scheduler
        self.instance = instance
        # raw-files runs write on the same disk as daskflow's outputs, beside its storage
        self.files_dir = os.path.join(os.path.dirname(instance.storage_dir), "raw-files")
        os.makedirs(self.files_dir, exist_ok=True)
        self.client = client
        if scheduler == "threads":
            self.execution = {"threads": {"max_workers": 2}}
        else:
            self.execution = {"dask": {"cluster": {"address": address}}}

    def raw(self, shape: Shape) -> dict[str, Any]:
        start = time.perf_counter()
        graph = shape.raw_build(shape.n)
        built = time.perf_counter()
        if self.scheduler == "threads":
            (value,) = dask.compute(graph, scheduler="threads", num_workers=2)
        else:
            (value,) = dask.compute(graph, scheduler=self.client)
        end = time.perf_counter()
        if value != shape.expected:
            raise AssertionError(f"raw {shape.name} returned {value}, not {shape.expected}")
        return {"wall": end - start, "phases": {"build": built - start, "compute": end - built}}

    def raw_files(self, shape: Shape) -> dict[str, Any]:
        """The raw graph storing every value in a file (a new directory per run, as a
        daskflow run gets): what any file per output costs on this disk."""
        start = time.perf_counter()
        directory = f"{self.files_dir}/{uuid.uuid4().hex}"
        os.mkdir(directory)
        graph = shape.raw_files_build(shape.n, directory)
        if self.scheduler == "threads":
            (value,) = dask.compute(graph, scheduler="threads", num_workers=2)
        else:
            (value,) = dask.compute(graph, scheduler=self.client)
        end = time.perf_counter()
        if value != shape.expected:
            raise AssertionError(f"raw-files {shape.name} returned {value}")
        return {"wall": end - start}

    def daskflow(self, shape: Shape, variant: str) -> dict[str, Any]:
        _MARKS.clear()
        _STORE.update(seconds=0.0, calls=0, events=0)
        config = {"execution": self.execution}
        start = time.perf_counter()
        result = execute_pipeline(
            shape.pipeline, config, mode=MODE_OF[variant], instance=self.instance
        )
        end = time.perf_counter()
        if not result.success:
            raise AssertionError(f"daskflow {shape.name} {variant} did not succeed")
        if result.output_for_solid(shape.last) != shape.expected:  # outside the timing
            raise AssertionError(f"daskflow {shape.name} {variant}: wrong result")
        step_events = sum(1 for e in result.events if e.step_key is not None)
        row: dict[str, Any] = {
            "wall": end - start,
            "events": len(result.events),
            "step_events": step_events,
            "store_seconds": _STORE["seconds"],
            "store_calls": _STORE["calls"],
            "step_body_seconds": sum(r.duration for r in result.step_results.values()),
        }
        if {"compile_start", "compile_end", "open_start", "open_end"} <= set(_MARKS):
            row["phases"] = {
                "prepare": _MARKS["compile_start"] - start,
                "compile": _MARKS["compile_end"] - _MARKS["compile_start"],
                "connect": _MARKS["open_end"] - _MARKS["open_start"],
                "run": end - _MARKS["open_end"],
            }
        return row

    def run(self, shape: Shape, variant: str) -> dict[str, Any]:
        gc.collect()  # garbage of the previous run is not charged to this one
        if variant == "raw":
            return self.raw(shape)
        if variant == "raw-files":
            return self.raw_files(shape)
        return self.daskflow(shape, variant)


def measure(
    runner: Runner, shapes: list[Shape], repeat: int, warmup: bool, log: Callable[[str], None]
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    runs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    if warmup:  # one untimed round: imports, thread pools, worker caches
        for shape in shapes:
            for variant in VARIANTS:
                runner.run(shape, variant)
    for rep in range(repeat):
        for shape in shapes:
            walls = []
            for variant in VARIANTS:
                row = runner.run(shape, variant)
                runs.setdefault((shape.name, variant), []).append(row)
                walls.append(f"{variant} {row['wall']:.3f}s")
            log(f"  [{runner.scheduler}] rep {rep + 1}/{repeat} {shape.name}: " + ", ".join(walls))
    return runs


# -- profiling every thread of one run ------------------------------------------------------


def profile_run(runner: Runner, shape: Shape, variant: str, top: int = 25) -> dict[str, Any]:
    """cProfile one run in every thread (coordinator, the scheduler's thread, the pool's
    threads): a profiler per thread, started by ``threading.setprofile``, merged after."""
    profilers: list[cProfile.Profile] = []
    lock = threading.Lock()

    def start_thread_profiler(*_: Any) -> None:
        profiler = cProfile.Profile()
        with lock:
            profilers.append(profiler)
        profiler.enable()  # replaces this hook for the thread

    main = cProfile.Profile()
    gc.collect()  # outside the profile
    threading.setprofile(start_thread_profiler)
    main.enable()
    try:
        row = runner.daskflow(shape, variant)
    finally:
        main.disable()
        threading.setprofile(None)
    stats = pstats.Stats(main)
    for profiler in profilers:  # idle by now; create_stats disables them for good
        stats.add(profiler)
    report = {}
    out = io.StringIO()
    stats.stream = out
    package = re.escape(str(Path(daskflow.__file__).parent))
    stats.sort_stats("cumulative").print_stats(package, top)  # daskflow's own functions
    report["cumulative_daskflow"] = out.getvalue()
    stats.strip_dirs()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        stats.stream = out
        stats.sort_stats(order).print_stats(top)
        report[order] = out.getvalue()
    return {
        "wall_s_under_profile": row["wall"],
        "threads_profiled": len(profilers) + 1,
        "report": report,
    }


# -- main ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke test: 50-chain, 100 fan-out, 1 repeat, no warm-up",
    )
    parser.add_argument("--repeat", type=int, default=None, help="timed repetitions (3)")
    parser.add_argument("--chain", type=int, default=None, help="solids in the chain (200)")
    parser.add_argument("--fan", type=int, default=None, help="fan-out width (500)")
    parser.add_argument(
        "--schedulers",
        default="threads,cluster",
        help="comma-separated: threads, cluster (default both)",
    )
    parser.add_argument("--no-warmup", action="store_true", help="skip the untimed round")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile run")
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE / "results",
        help="directory for overhead.json/.md (default benchmarks/results)",
    )
    args = parser.parse_args(argv)

    repeat = args.repeat or (1 if args.quick else 3)
    chain_n = args.chain or (50 if args.quick else 200)
    fan_n = args.fan or (100 if args.quick else 500)
    warmup = not (args.no_warmup or args.quick)
    schedulers = [s.strip() for s in args.schedulers.split(",") if s.strip()]
    unknown = set(schedulers) - set(TARGETS)
    if unknown:
        parser.error(f"unknown scheduler(s): {', '.join(sorted(unknown))}")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    began = time.perf_counter()
    phases_hooked = install_phase_hooks()
    shapes = [Shape("chain", chain_n), Shape("fan", fan_n)]
    machine = machine_info()
    log(
        f"daskflow overhead benchmark: {machine['cores']} cores, Python {machine['python']}, "
        f"dask {machine['dask']}, distributed {machine['distributed']}; shapes "
        f"{', '.join(s.name for s in shapes)}; repeat {repeat}"
    )
    rows: list[dict[str, Any]] = []
    extra: dict[str, Any] = {}
    with DaskflowInstance.ephemeral() as instance:
        time_event_storage(instance)
        if "threads" in schedulers:
            runner = Runner("threads", instance)
            rows += summarise("threads", shapes, measure(runner, shapes, repeat, warmup, log))
        if "cluster" in schedulers:
            from distributed import Client, LocalCluster

            with (
                LocalCluster(
                    n_workers=2, threads_per_worker=1, dashboard_address="127.0.0.1:0"
                ) as cluster,
                Client(cluster) as client,
            ):
                runner = Runner("cluster", instance, client, cluster.scheduler_address)
                rows += summarise("cluster", shapes, measure(runner, shapes, repeat, warmup, log))
        extra["event_costs"] = event_costs(instance)
        if not args.no_profile:
            runner = Runner("threads", instance)
            extra["profiles"] = {}
            for variant in ("daskflow-mem", "daskflow-fs"):
                log(f"  profiling one threads run of {shapes[0].name}, {variant}")
                runner.run(shapes[0], variant)  # warm, in case threads was skipped
                extra["profiles"][variant] = profile_run(runner, shapes[0], variant)

    table = markdown_table(rows)
    elapsed = time.perf_counter() - began
    result = {
        "benchmark": "daskflow per-step overhead vs raw dask.delayed",
        "command": " ".join([".venv/bin/python", "benchmarks/overhead.py", *sys.argv[1:]]),
        "machine": machine,
        "settings": {
            "repeat": repeat,
            "chain": chain_n,
            "fan": fan_n,
            "warmup": warmup,
            "schedulers": schedulers,
            "quick": args.quick,
            "threads": {"max_workers": 2},
            "cluster": {"n_workers": 2, "threads_per_worker": 1},
            "phases_measured": phases_hooked,
        },
        "targets": TARGETS,
        "rows": rows,
        "event_costs_us": extra.get("event_costs"),
        "elapsed_s": elapsed,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    result["profiles"] = {}
    for variant, profile in (extra.get("profiles") or {}).items():
        name = f"profile_chain_threads_{MODE_OF[variant]}.txt"
        result["profiles"][variant] = {
            **{k: v for k, v in profile.items() if k != "report"},
            "file": name,
        }
        (args.out / name).write_text(
            f"cProfile of one threads run of {shapes[0].name}, {variant}, all threads "
            f"merged ({profile['threads_profiled']} threads); wall under profile "
            f"{profile['wall_s_under_profile']:.3f} s\n\n"
            + "== all functions, by cumulative time (waits included) ==\n"
            + profile["report"]["cumulative"]
            + "\n== daskflow's own functions, by cumulative time ==\n"
            + profile["report"]["cumulative_daskflow"]
            + "\n== all functions, by own (tottime) time ==\n"
            + profile["report"]["tottime"]
        )
    (args.out / "overhead.json").write_text(json.dumps(result, indent=2) + "\n")
    costs = extra.get("event_costs") or {}
    md = [
        f"# daskflow per-step overhead ({time.strftime('%Y-%m-%d %H:%M')})",
        "",
        f"`{result['command']}` on {machine['cores']} cores, {machine['memory_gib']} GiB, "
        f"{machine['cpu']}; Python {machine['python']}, dask {machine['dask']}, "
        f"distributed {machine['distributed']}; commit {machine['git_commit']}; "
        f"{repeat} interleaved repetitions; {elapsed:.0f} s in all.",
        "",
        'Ratios are daskflow / raw dask of the same repetition (median, min); "compute '
        'only" divides by raw dask.compute alone, leaving out building the delayed graph '
        "(for raw rows: its share of the raw wall); extra "
        "ms/step = (daskflow - raw) / steps. Phases (medians): raw build = the "
        "dask.delayed graph, compute = dask.compute; daskflow prepare = config, plan, run "
        "record and PIPELINE_START, compile = the Dask graph, connect = scheduler client, "
        "run = submit to the last stored event. SQLite ms/step = the coordinator writing "
        "event batches; in-step ms/step = time inside the step tasks (resources, inputs, "
        "type checks, solid, outputs, their events), summed over threads/workers.",
        "",
        table,
        "",
    ]
    if costs:
        md += [
            "Per event, outside a run: "
            f"build + to_dict {costs['build_and_to_dict_us']:.1f} us, "
            f"from_dict {costs['from_dict_us']:.1f} us, SQLite store "
            f"{costs['sqlite_store_us_batch_500']:.1f} us (batches of 500).",
            "",
        ]
    (args.out / "overhead.md").write_text("\n".join(md))
    print(table)
    log(f"wrote {args.out / 'overhead.json'} and {args.out / 'overhead.md'} in {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
