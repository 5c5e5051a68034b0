"""Submitting runs: validate a request, store the run record with its origin, and start
the run in a process of its own (``daskflow run launch RUN_ID``), so that a crashing run
never takes down the process that launched it (the UI, later the daemon).

``RunLauncher`` is the contract; ``SubprocessRunLauncher`` starts a local process whose
output goes to ``<DASKFLOW_HOME>/launcher/<run_id>.log``.
"""

from __future__ import annotations

import abc
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from daskflow.definitions.pipeline import PipelineDefinition
from daskflow.engine.planning.selection import select_solids
from daskflow.errors import DaskflowInvalidDefinitionError
from daskflow.events import RunStatus
from daskflow.instance import DaskflowInstance, RunRecord
from daskflow.launcher.failures import record_failure_before_start
from daskflow.launcher.origin import PipelineOrigin
from daskflow.launcher.prepare import (
    PARENT_TAG,
    Prepared,
    RunRequest,
    plan_new_run,
    plan_reexecution,
)

__all__ = ["RunLauncher", "SubprocessRunLauncher", "log_path", "submit_run"]


class RunLauncher(abc.ABC):
    """Starts the execution of a stored run somewhere else than the calling process."""

    @abc.abstractmethod
    def launch(self, instance: DaskflowInstance, run: RunRecord, origin: PipelineOrigin) -> None:
        """Start executing ``run`` (already stored, ``NOT_STARTED``); return at once."""

    def reap(self) -> None:
        """Check on launched runs: record those whose process ended before starting them.
        A launcher with no process of its own to watch has nothing to do."""
        return None


def log_path(instance: DaskflowInstance, run_id: str) -> Path:
    """Where the launched process of ``run_id`` writes its output."""
    return Path(instance.home) / "launcher" / f"{run_id}.log"


def launch_command(run_id: str) -> list[str]:
    """``daskflow run launch RUN_ID`` with this Python's ``daskflow`` script (or ``-c``)."""
    script = shutil.which("daskflow", path=os.path.dirname(sys.executable))
    if script is not None:
        return [script, "run", "launch", run_id]
    return [sys.executable, "-c", "from daskflow.cli import main; main()", "run", "launch", run_id]


class SubprocessRunLauncher(RunLauncher):
    """Runs ``daskflow run launch RUN_ID`` in the origin's working directory, in a session
    of its own (Ctrl-C of the UI leaves runs alone), with this instance's home."""

    def __init__(self) -> None:
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self._instances: dict[str, DaskflowInstance] = {}

    def launch(self, instance: DaskflowInstance, run: RunRecord, origin: PipelineOrigin) -> None:
        self.reap()
        log = log_path(instance, run.run_id)
        log.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "DASKFLOW_HOME": str(instance.home)}
        command = launch_command(run.run_id)
        self._instances[run.run_id] = instance
        with open(log, "ab") as output:
            process = self.processes[run.run_id] = subprocess.Popen(
                command,
                cwd=origin.working_directory,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        # Collects the exit status as soon as the process ends (no zombie, and reap() sees it).
        threading.Thread(
            target=process.wait, name=f"daskflow-run-{run.run_id[:8]}", daemon=True
        ).start()

    def reap(self) -> None:
        """Forget processes that have exited (no zombies in a long-lived launcher); a run
        whose process exited without starting it is recorded failed, with its output."""
        for run_id, process in list(self.processes.items()):
            code = process.poll()
            if code is None:
                continue
            del self.processes[run_id]
            instance = self._instances.pop(run_id)
            run = instance.run_storage.get_run(run_id)
            if run is not None and run.status == RunStatus.NOT_STARTED:
                output = _tail(log_path(instance, run_id))
                reason = f"its process exited with code {code} before starting it"
                data = {"exit_code": code, "output": output}
                record_failure_before_start(instance, run, f"{reason}: {output}", data)


def _tail(path: Path, lines: int = 5) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no output)"
    return " / ".join(text.strip().splitlines()[-lines:]) or "(no output)"


def _prepare(
    instance: DaskflowInstance, pipeline: PipelineDefinition, request: RunRequest
) -> tuple[Prepared, str, dict[str, str]]:
    tags = {**pipeline.tags, **dict(request.tags)}
    if request.parent_run_id is None:
        selected = (
            select_solids(pipeline.graph, list(request.solid_selection))
            if request.solid_selection
            else None
        )
        prepared = plan_new_run(
            pipeline, request.run_config, request.mode, selected, str(instance.storage_dir)
        )
        return prepared, prepared.resolved.mode, tags
    parent = instance.run_storage.get_run(request.parent_run_id)
    if parent is None:
        raise DaskflowInvalidDefinitionError(f"no run {request.parent_run_id} to re-execute")
    prepared = plan_reexecution(
        instance, pipeline, parent, request.run_config, set(request.step_selection)
    )
    return prepared, prepared.resolved.mode, {**parent.tags, **tags, PARENT_TAG: parent.run_id}


def submit_run(
    instance: DaskflowInstance,
    launcher: RunLauncher,
    pipeline: PipelineDefinition,
    origin: PipelineOrigin,
    request: RunRequest,
) -> RunRecord:
    """Validate ``request`` (raising config/definition errors: nothing is stored then),
    store the run and its origin, and launch it; returns the stored run."""
    prepared, mode, tags = _prepare(instance, pipeline, request)
    run = instance.run_storage.create_run(
        pipeline.name,
        prepared.resolved.raw,
        mode,
        tags=tags,
        solid_selection=prepared.solid_selection,
        step_selection=prepared.step_selection,
        parent_run_id=request.parent_run_id,
    )
    instance.run_storage.set_origin(run.run_id, origin.to_dict())
    launcher.launch(instance, run, origin)
    return run
