"""Run launcher: where pipelines' code lives (origins, workspaces), submitting runs as
records with their origin, and starting each in a process of its own.

Above the engine; the web UI and the daemon launch runs through it, and the process it
starts runs ``daskflow run launch RUN_ID`` (``execute_launched_run``).
"""

from daskflow.launcher.execute import LaunchError, execute_launched_run
from daskflow.launcher.loading import DaskflowLoadError, load_location
from daskflow.launcher.origin import CodeLocation, PipelineOrigin
from daskflow.launcher.prepare import PARENT_TAG, RunRequest, reexecution_steps
from daskflow.launcher.progress import load_progress, progress_path
from daskflow.launcher.run_launcher import (
    RunLauncher,
    SubprocessRunLauncher,
    log_path,
    submit_run,
)
from daskflow.launcher.task_stream import TaskStreamRecorder, load_task_stream, task_stream_path
from daskflow.launcher.watch import ClusterWatcher
from daskflow.launcher.workspace import LoadedLocation, Workspace, file_location, module_location

__all__ = [
    "PARENT_TAG",
    "ClusterWatcher",
    "CodeLocation",
    "DaskflowLoadError",
    "LaunchError",
    "LoadedLocation",
    "PipelineOrigin",
    "RunLauncher",
    "RunRequest",
    "SubprocessRunLauncher",
    "TaskStreamRecorder",
    "Workspace",
    "execute_launched_run",
    "file_location",
    "load_location",
    "load_progress",
    "load_task_stream",
    "log_path",
    "module_location",
    "progress_path",
    "reexecution_steps",
    "submit_run",
    "task_stream_path",
]
