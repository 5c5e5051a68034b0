"""What tells the world a coordinator is alive, and turns SIGTERM into a recorded end.

``Heartbeat`` renews the run's heartbeat in the instance from a daemon thread every few
seconds while the coordinator runs (a run whose heartbeat stops is failed by the next
process that opens the instance, on any host). ``sigterm_interrupts`` makes SIGTERM raise
``Terminated`` (a ``KeyboardInterrupt``) in the main thread while a run streams, so the
coordinator records the run ``CANCELED`` before the process ends, as it does for Ctrl-C.
``signals_deferred`` holds SIGINT/SIGTERM back while the coordinator writes to storage, so
an interrupt never leaves a write transaction (and the database's write lock) half done.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

__all__ = ["Heartbeat", "Terminated", "signals_deferred", "sigterm_interrupts"]

_DEFERRED = (signal.SIGINT, signal.SIGTERM)

_LOG = logging.getLogger("daskflow")


class Terminated(KeyboardInterrupt):
    """The coordinator's process received SIGTERM while a run was streaming."""


class Heartbeat:
    """Calls ``beat`` every ``interval`` seconds from a daemon thread, from ``start()``
    until ``stop()``; a failing beat is logged, not raised (the run sees storage errors
    itself when it writes its events)."""

    def __init__(self, beat: Callable[[], object], interval: float) -> None:
        self._beat = beat
        self._interval = interval
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="daskflow-heartbeat", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopped.wait(self._interval):
            try:
                self._beat()
            except Exception as exc:  # storage trouble: the coordinator handles it
                _LOG.debug("daskflow: a run heartbeat failed: %s", exc)

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """While the block runs, SIGTERM raises ``Terminated`` in the main thread.

    Only in the main thread and only when SIGTERM has its default action (a handler the
    application installed is kept). A SIGTERM arriving after the block, if the handler
    could not be put back (the block ended in another thread), terminates as by default.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return
    active = [True]

    def on_sigterm(signum: int, _frame: FrameType | None) -> None:
        if active[0]:
            raise Terminated(f"signal {signal.Signals(signum).name}")
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    finally:
        active[0] = False
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM received while the block runs (main thread only) are handled
    when it ends, by the handlers that were in place."""
    if threading.current_thread() is not threading.main_thread() or any(
        signal.getsignal(signum) is None
        for signum in _DEFERRED  # set outside Python
    ):
        yield
        return
    received: list[int] = []

    def defer(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)

    previous = {signum: signal.signal(signum, defer) for signum in _DEFERRED}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for got in dict.fromkeys(received):
            handler = previous[signal.Signals(got)]
            if callable(handler):
                handler(got, None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(got)
