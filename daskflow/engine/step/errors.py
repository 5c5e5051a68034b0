"""Errors inside steps: the user's exception, its traceback as event data, and pickling.

>>> data = error_data(RemoteError("ZeroDivisionError", "division by zero", "Traceback ..."))
>>> data["type"], data["message"], data["traceback"]
('ZeroDivisionError', 'division by zero', 'Traceback ...')
"""

from __future__ import annotations

import pickle
import traceback
from collections.abc import Sequence
from typing import Any

import cloudpickle

from daskflow.definitions.events import Failure
from daskflow.metadata import EventMetadataEntry

__all__ = ["RemoteError", "StepError", "error_data", "failure_data", "picklable"]


class StepError(Exception):
    """Fails the current step with ``message``; ``user_error`` is the user's exception."""

    def __init__(
        self,
        message: str,
        user_error: BaseException | None = None,
        metadata_entries: Sequence[EventMetadataEntry] = (),
    ):
        super().__init__(message)
        self.message = message
        self.user_error = user_error
        self.metadata_entries = tuple(metadata_entries)


class RemoteError(Exception):
    """An error raised in another task (a partition of a Dask DataFrame step), as text.

    Only its type name, message and traceback travel to the task that reports it.
    """

    def __init__(self, error_type: str, message: str, traceback_text: str = ""):
        super().__init__(error_type, message, traceback_text)
        self.error_type = error_type
        self.message = message
        self.traceback_text = traceback_text

    def __str__(self) -> str:
        return f"{self.error_type}: {self.message}"


def error_data(exc: BaseException) -> dict[str, Any]:
    """The exception as plain data for a STEP_FAILURE event, traceback included."""
    if isinstance(exc, RemoteError):
        error_type, message, text = exc.error_type, exc.message, exc.traceback_text
    else:
        error_type, message = type(exc).__name__, str(exc)
        text = "".join(traceback.format_exception(exc))
    entries = exc.metadata_entries if isinstance(exc, Failure | StepError) else ()
    return {
        "type": error_type,
        "message": message,
        "traceback": text,
        "metadata_entries": [e.to_dict() for e in entries],
    }


def failure_data(exc: StepError) -> dict[str, Any]:
    """What a STEP_FAILURE event says of ``exc``: the user's error, the step's metadata."""
    data = error_data(exc.user_error or exc)
    if exc.metadata_entries:
        data["metadata_entries"] = [e.to_dict() for e in exc.metadata_entries]
    return data


def picklable(exc: BaseException | None) -> BaseException | None:
    """``exc`` if it survives pickling (it travels back from workers), else a stand-in."""
    if exc is None:
        return None
    try:
        pickle.loads(cloudpickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
