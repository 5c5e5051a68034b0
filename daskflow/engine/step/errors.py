"""Errors inside steps: the user's exception, its traceback as event data, and pickling."""

from __future__ import annotations

import pickle
import traceback
from typing import Any

__all__ = ["StepError", "error_data", "picklable"]


class StepError(Exception):
    """Fails the current step with ``message``; ``user_error`` is the user's exception."""

    def __init__(
        self, message: str, user_error: BaseException | None = None, metadata_entries: tuple = ()
    ):
        super().__init__(message)
        self.message = message
        self.user_error = user_error
        self.metadata_entries = metadata_entries


def error_data(exc: BaseException) -> dict[str, Any]:
    """The exception as plain data for a STEP_FAILURE event, traceback included."""
    entries = getattr(exc, "metadata_entries", ()) or ()
    return {
        "type": type(exc).__name__,
        "message": str(exc),
        "traceback": "".join(traceback.format_exception(exc)),
        "metadata_entries": [e.to_dict() for e in entries],
    }


def picklable(exc: BaseException | None) -> BaseException | None:
    """``exc`` if it survives pickling (it travels back from workers), else a stand-in."""
    if exc is None:
        return None
    try:
        import cloudpickle

        pickle.loads(cloudpickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
