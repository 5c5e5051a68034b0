"""Identity of the coordinator process (``hostname:pid``), of a daemon
(``hostname:pid:suffix``), and whether such a process is still alive."""

from __future__ import annotations

import os
import socket
import uuid

__all__ = [
    "coordinator_id",
    "new_daemon_id",
    "parse_coordinator",
    "parse_daemon_id",
    "process_alive",
]


def coordinator_id() -> str:
    """``hostname:pid`` of this process.

    >>> coordinator_id().endswith(f":{os.getpid()}")
    True
    """
    return f"{socket.gethostname()}:{os.getpid()}"


def parse_coordinator(coordinator: str | None) -> tuple[str, int] | None:
    """``(hostname, pid)`` from ``hostname:pid``; ``None`` when it cannot be parsed.

    >>> parse_coordinator("box:42"), parse_coordinator("nonsense"), parse_coordinator(None)
    (('box', 42), None, None)
    """
    if not coordinator:
        return None
    host, sep, pid = coordinator.rpartition(":")
    if not sep or not host or not pid.isdigit():
        return None
    return host, int(pid)


def new_daemon_id() -> str:
    """``hostname:pid:suffix`` for a new daemon of this process (two daemons of one
    process differ by the suffix).

    >>> parse_daemon_id(new_daemon_id()) == parse_coordinator(coordinator_id())
    True
    """
    return f"{coordinator_id()}:{uuid.uuid4().hex[:6]}"


def parse_daemon_id(daemon_id: str | None) -> tuple[str, int] | None:
    """``(hostname, pid)`` from ``hostname:pid:suffix``; ``None`` when it cannot be parsed.

    >>> parse_daemon_id("box:42:a1b2c3"), parse_daemon_id("box:42"), parse_daemon_id(None)
    (('box', 42), None, None)
    """
    head, sep, _suffix = (daemon_id or "").rpartition(":")
    return parse_coordinator(head) if sep else None


def process_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists on this host (unknown counts as alive).

    >>> process_alive(os.getpid())
    True
    """
    if pid <= 0:
        return True  # 0/-1 would address process groups: never treat as dead
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    except OSError:
        return True
    return True
