"""Run TPC-H query pipelines on a data directory and scheduler, timed and checked against DuckDB.

From the repository root::

    python -m examples.tpch.run --query 1 --data data/tpch-sf1 --cluster local:2x1
    python -m examples.tpch.run -q 1 -q 3 -q 6 --data data/tpch-sf1 \\
        --cluster threads --cluster local:2x1 --repeat 2 --handwritten

``--cluster`` is ``threads`` (default; ``threads:N`` for N threads), ``in_process``,
``local:WxT`` (a ``distributed.LocalCluster`` of W worker processes with T threads each,
started once for the whole command, before any timing) or a scheduler address
(``tcp://host:8786``). For an address the pipeline modules are pickled by value, since the
workers may not be able to import ``examples``; ``--handwritten`` there still needs a
scheduler and workers that can import it (dask pickles the functions in its expressions by
reference).

Every run prints its wall time. With ``--handwritten`` each pipeline run is followed by
``handwritten.py``'s version of the query on the same scheduler, interleaved, and a summary
lists the best time of each. Intermediates go to a temporary directory removed after each
run, unless ``--store`` names one to keep; ``--mode in_memory`` writes none.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

from daskflow import execute_pipeline

from . import handwritten
from .compare import assert_same_answer
from .pipelines import PIPELINES
from .reference import duckdb_answer


@dataclass
class Scheduler:
    """A ``--cluster`` choice: the pipeline's execution config and how to compute by hand."""

    label: str
    execution: dict[str, Any]
    address: str | None = None  # a distributed scheduler, for the hand-written queries

    @contextlib.contextmanager
    def handwritten_scheduler(self) -> Iterator[None]:
        """Make ``.compute()`` use this scheduler (a client is connected outside the timing)."""
        if self.address is None:
            kind, config = next(iter(self.execution.items()))
            options = {"scheduler": "sync" if kind == "in_process" else "threads"}
            if config.get("max_workers"):
                options["num_workers"] = config["max_workers"]
            import dask

            with dask.config.set(options):
                yield
            return
        from distributed import Client

        with Client(self.address):
            yield


@dataclass
class Timing:
    query: int
    scheduler: str
    runner: str  # "pipeline" or "handwritten"
    seconds: float
    matches: bool | None  # None: not checked


def parse_cluster(spec: str, stack: contextlib.ExitStack) -> Scheduler:
    """``threads[:N]``, ``in_process``, ``local:WxT`` (started now) or a scheduler address."""
    if spec == "in_process":
        return Scheduler(spec, {"in_process": {}})
    if spec == "threads" or spec.startswith("threads:"):
        workers = int(spec.split(":", 1)[1]) if ":" in spec else None
        return Scheduler(spec, {"threads": {"max_workers": workers}})
    if spec.startswith("local:"):
        n_workers, threads = (int(n) for n in spec.split(":", 1)[1].lower().split("x"))
        from distributed import LocalCluster

        cluster = stack.enter_context(
            LocalCluster(
                n_workers=n_workers,
                threads_per_worker=threads,
                processes=True,
                dashboard_address="127.0.0.1:0",
            )
        )
        print(
            f"{spec}: LocalCluster at {cluster.scheduler_address}, "
            f"dashboard {cluster.dashboard_link}"
        )
        return _address_scheduler(spec, cluster.scheduler_address)
    if "://" in spec:
        import cloudpickle

        import examples.tpch

        cloudpickle.register_pickle_by_value(examples.tpch)  # workers may not import it
        return _address_scheduler(spec, spec)
    raise argparse.ArgumentTypeError(
        f"unknown --cluster {spec!r}: use threads[:N], in_process, local:WxT or tcp://host:port"
    )


def _address_scheduler(label: str, address: str) -> Scheduler:
    return Scheduler(label, {"dask": {"cluster": {"address": address}}}, address)


def run_pipeline(
    query: int, data_dir: str, scheduler: Scheduler, mode: str, store: str | None
) -> tuple[pd.DataFrame, float]:
    """The answer of query ``query``'s pipeline and its wall time (seconds)."""
    entry = PIPELINES[query]
    base_dir = None
    if mode != "in_memory":
        base_dir = store or tempfile.mkdtemp(prefix=f"tpch-q{query}-")
    try:
        start = time.perf_counter()
        result = execute_pipeline(
            entry.pipeline, entry.config(data_dir, scheduler.execution, base_dir), mode=mode
        )
        answer = result.output_for_solid(entry.answer_solid)
        return answer, time.perf_counter() - start
    finally:
        if base_dir is not None and store is None:
            shutil.rmtree(base_dir, ignore_errors=True)


def run_handwritten(query: int, data_dir: str, scheduler: Scheduler) -> tuple[pd.DataFrame, float]:
    """The answer of ``handwritten.py``'s query ``query`` and its wall time (seconds)."""
    with scheduler.handwritten_scheduler():
        start = time.perf_counter()
        answer = handwritten.QUERIES[query](data_dir)
        return answer, time.perf_counter() - start


def check(
    query: int, answer: pd.DataFrame, reference: Callable[[int], pd.DataFrame] | None
) -> bool | None:
    """Whether ``answer`` equals DuckDB's (None when not checked); prints the difference."""
    if reference is None:
        return None
    try:
        assert_same_answer(answer, reference(query), query)
    except AssertionError as exc:
        print(f"  MISMATCH: {exc}")
        return False
    return True


def summary(timings: list[Timing]) -> pd.DataFrame:
    """Best and all wall times per query, scheduler and runner."""
    frame = pd.DataFrame([vars(t) for t in timings])
    grouped = frame.groupby(["query", "scheduler", "runner"], sort=False)
    return grouped.agg(
        best_s=("seconds", "min"),
        runs_s=("seconds", lambda s: " ".join(f"{v:.2f}" for v in s)),
        matches=("matches", lambda m: None if m.isna().all() else bool(m.all())),
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="TPC-H daskflow pipelines, timed and checked")
    parser.add_argument(
        "--query",
        "-q",
        type=int,
        action="append",
        choices=sorted(PIPELINES),
        help="query to run (repeatable; default: all)",
    )
    parser.add_argument(
        "--data", "-d", required=True, help="directory written by examples/tpch/data.py"
    )
    parser.add_argument(
        "--cluster",
        "-c",
        action="append",
        help="threads[:N] (default), in_process, local:WxT, tcp://host:port (repeatable)",
    )
    parser.add_argument(
        "--mode",
        choices=["default", "in_memory"],
        default="default",
        help="default: parquet intermediates; in_memory: none written",
    )
    parser.add_argument("--store", help="keep intermediates under this directory")
    parser.add_argument("--repeat", "-r", type=int, default=1, help="runs of each (default 1)")
    parser.add_argument(
        "--handwritten",
        action="store_true",
        help="also time handwritten.py's query after each pipeline run",
    )
    parser.add_argument("--no-check", action="store_true", help="skip the DuckDB comparison")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen queries; exit status 1 if an answer differs from DuckDB's."""
    args = parse_args(argv)
    data_dir = os.fspath(args.data)
    # The P2P shuffle plugin logs every join's shuffle at WARNING on the scheduler.
    logging.getLogger("distributed.shuffle").setLevel(logging.ERROR)
    answers: dict[int, pd.DataFrame] = {}

    def reference(query: int) -> pd.DataFrame:
        if query not in answers:
            answers[query] = duckdb_answer(query, data_dir)
        return answers[query]

    timings: list[Timing] = []
    with contextlib.ExitStack() as stack:
        schedulers = [parse_cluster(spec, stack) for spec in args.cluster or ["threads"]]
        for repeat in range(1, args.repeat + 1):
            for query in args.query or sorted(PIPELINES):
                for scheduler in schedulers:
                    timings += _one_round(
                        query,
                        data_dir,
                        scheduler,
                        args,
                        repeat,
                        None if args.no_check else reference,
                    )
    print()
    print(summary(timings).to_string())
    return 1 if any(t.matches is False for t in timings) else 0


def _one_round(
    query: int,
    data_dir: str,
    scheduler: Scheduler,
    args: argparse.Namespace,
    repeat: int,
    reference: Callable[[int], pd.DataFrame] | None,
) -> list[Timing]:
    runs = [("pipeline", lambda: run_pipeline(query, data_dir, scheduler, args.mode, args.store))]
    if args.handwritten:
        runs.append(("handwritten", lambda: run_handwritten(query, data_dir, scheduler)))
    timings = []
    for runner, run in runs:
        answer, seconds = run()
        matches = check(query, answer, reference)
        status = {True: ", same as DuckDB", False: ", DIFFERS from DuckDB", None: ""}[matches]
        print(
            f"Q{query} {runner:<11} on {scheduler.label} (run {repeat}): "
            f"{len(answer)} rows in {seconds:.2f} s{status}",
            flush=True,
        )
        timings.append(Timing(query, scheduler.label, runner, seconds, matches))
    return timings


if __name__ == "__main__":
    raise SystemExit(main())
