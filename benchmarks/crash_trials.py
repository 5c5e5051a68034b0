"""Coordinator SIGKILL at a random moment, then re-execution from failure until SUCCESS.

Each trial runs the chain ``a -> b -> c`` of ``tests/engine/crash_pipelines.py`` (every
solid sleeps ``--step-seconds``; default ``fs_io_manager``, SQLite) in a coordinator
subprocess, SIGKILLs it at a uniformly random moment of the run (from its creation, or on
a cluster from its first step's start, to about when its last step ends), and then,
in this process, re-executes the newest run of the line from failure until one succeeds.
A trial passes when the last run says SUCCESS, ``c``'s output is the right answer, and no
re-execution started a step whose outputs an earlier run of the line had stored.

    .venv/bin/python benchmarks/crash_trials.py    # 10 in_process, 10 threads, 5 cluster
    .venv/bin/python benchmarks/crash_trials.py --trials in_process=2,cluster=1

Writes ``benchmarks/results/crash_trials.{json,md}``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from daskflow import reexecute_pipeline  # noqa: E402
from daskflow.events import DaskflowEventType as E  # noqa: E402
from daskflow.events import RunStatus  # noqa: E402
from daskflow.instance import DaskflowInstance  # noqa: E402
from tests.engine.crash_pipelines import ANSWER, crash_chain  # noqa: E402

_MAX_REEXECUTIONS = 5


@dataclass
class Trial:
    kind: str
    kill_after: float
    parent_status: str  # after the kill, as the next process to open the instance sees it
    reexecutions: int
    final_status: str
    answer: object
    rerun_steps: list[list[str]]
    recomputed: list[str]  # steps started again although an earlier run stored their output

    @property
    def passed(self) -> bool:
        return self.final_status == "SUCCESS" and self.answer == ANSWER and not self.recomputed


def _kill_at_random(home: Path, kind: str, step_seconds: float, rng: random.Random) -> float:
    env = {**os.environ, "CRASH_STEP_SECONDS": str(step_seconds)}
    command = [sys.executable, "-m", "tests.engine.crash_pipelines", str(home), kind]
    with subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True) as process:
        deadline = time.monotonic() + 120
        # The window opens when the run exists (on a cluster: when its first step started,
        # after the cluster's start-up) and spans the steps.
        while not _has_run(home, first_step=kind == "cluster"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the coordinator exited early ({process.returncode})")
            time.sleep(0.02)
        kill_after = rng.uniform(0, 3 * step_seconds + 0.3)
        time.sleep(kill_after)
        process.send_signal(signal.SIGKILL)
        process.wait()
        with contextlib.suppress(ProcessLookupError):  # a cluster's orphaned workers
            os.killpg(process.pid, signal.SIGKILL)
    return kill_after


def _has_run(home: Path, first_step: bool) -> bool:
    if not (home / "daskflow.db").exists():
        return False
    try:
        with DaskflowInstance.from_home(home, mark_stale=False) as instance:
            runs = instance.run_storage.get_runs()
            if not runs or not first_step:
                return bool(runs)
            return bool(
                instance.event_storage.get_events(runs[0].run_id, event_types=[E.STEP_START])
            )
    except Exception:  # being created
        return False


def _stored_steps(instance: DaskflowInstance, run_id: str) -> set[str]:
    events = instance.event_storage.get_events(run_id, event_types=[E.HANDLED_OUTPUT])
    return {e.record.step_key for e in events if e.record.step_key}


def _resume(home: Path, kind: str, kill_after: float) -> Trial:
    with DaskflowInstance.from_home(home) as instance:  # marks the killed run failed
        [run] = instance.run_storage.get_runs()
        trial = Trial(kind, round(kill_after, 3), run.status.value, 0, "", None, [], [])
        stored = _stored_steps(instance, run.run_id)
        last = run
        while last.status != RunStatus.SUCCESS and trial.reexecutions < _MAX_REEXECUTIONS:
            result = reexecute_pipeline(crash_chain, last.run_id, instance, raise_on_error=False)
            trial.reexecutions += 1
            started = instance.event_storage.get_events(result.run_id, event_types=[E.STEP_START])
            steps = sorted({e.record.step_key for e in started if e.record.step_key})
            trial.rerun_steps.append(steps)
            trial.recomputed += [s for s in steps if s in stored]
            stored |= _stored_steps(instance, result.run_id)
            last = instance.run_storage.require_run(result.run_id)
        trial.final_status = last.status.value
        if last.status == RunStatus.SUCCESS:
            trial.answer = _answer(instance, last.run_id)
    return trial


def _answer(instance: DaskflowInstance, run_id: str) -> object:
    """c's output as stored by the line's run that ran it (``fs_io_manager``: a pickle)."""
    import pickle

    events = instance.event_storage.get_events(run_id, event_types=[E.HANDLED_OUTPUT])
    record = instance.run_storage.require_run(run_id)
    while not any(e.record.step_key == "c" for e in events):  # c ran in an ancestor
        record = instance.run_storage.require_run(str(record.parent_run_id))
        events = instance.event_storage.get_events(record.run_id, event_types=[E.HANDLED_OUTPUT])
    path = Path(instance.storage_dir) / record.run_id / "c" / "result"
    with open(path, "rb") as f:
        return pickle.load(f)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", default="in_process=10,threads=10,cluster=5")
    parser.add_argument("--step-seconds", type=float, default=0.4)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    plan = [(k, int(n)) for k, n in (p.split("=") for p in args.trials.split(","))]
    trials = []
    started = time.monotonic()
    for kind, count in plan:
        for i in range(count):
            with tempfile.TemporaryDirectory(prefix="daskflow-crash-") as tmp:
                home = Path(tmp) / "home"
                kill_after = _kill_at_random(home, kind, args.step_seconds, rng)
                trial = _resume(home, kind, kill_after)
            trials.append(trial)
            print(f"{kind} #{i + 1}: {'ok' if trial.passed else 'FAILED'} {asdict(trial)}")
    _write(args.out, trials, time.monotonic() - started, args)
    return 0 if all(t.passed for t in trials) else 1


def _write(out: Path, trials: list[Trial], seconds: float, args: argparse.Namespace) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rows = [{**asdict(t), "passed": t.passed} for t in trials]
    (out / "crash_trials.json").write_text(json.dumps(rows, indent=1, default=str))
    lines = [
        f"Coordinator SIGKILL trials (`benchmarks/crash_trials.py --trials {args.trials} "
        f"--step-seconds {args.step_seconds} --seed {args.seed}`), {seconds:.0f} s in all.",
        "",
        "| executor | trials | passed | killed runs re-executed | re-executions | "
        "steps recomputed that had stored outputs |",
        "|---|---|---|---|---|---|",
    ]
    for kind in dict.fromkeys(t.kind for t in trials):
        mine = [t for t in trials if t.kind == kind]
        lines.append(
            f"| {kind} | {len(mine)} | {sum(t.passed for t in mine)} | "
            f"{sum(t.reexecutions > 0 for t in mine)} | {sum(t.reexecutions for t in mine)} | "
            f"{sum(len(t.recomputed) for t in mine)} |"
        )
    (out / "crash_trials.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
