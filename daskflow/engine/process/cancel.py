"""Cooperative cancellation flags, per run, in this process.

On in-process/threaded runs the coordinator sets the flag and steps not yet started skip
themselves; on a cluster the coordinator cancels the futures instead.
"""

from __future__ import annotations

__all__ = ["clear_canceled", "is_canceled", "set_canceled"]

_CANCELED: set[str] = set()


def set_canceled(run_id: str) -> None:
    _CANCELED.add(run_id)


def clear_canceled(run_id: str) -> None:
    _CANCELED.discard(run_id)


def is_canceled(run_id: str) -> bool:
    return run_id in _CANCELED
