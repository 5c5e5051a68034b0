"""Consuming a run's event stream in the CLI, with Ctrl-C turned into a cancel request.

Used by ``pipeline execute`` and ``run reexecute`` alike. A ``KeyboardInterrupt`` raised
inside the engine's event generator would end the stream at once, so while a run streams
the first Ctrl-C does not raise: it asks the run to cancel (``cancel_run``, from a helper
thread, since the signal may arrive in the middle of a storage write; the run id comes
with the first event) and the stream is drained until the engine ends the run as
``CANCELED``, showing the steps that still finish. A second Ctrl-C raises
``KeyboardInterrupt`` to quit at once: if it lands in the engine, the engine records the
run ``CANCELED`` itself; if it lands between events, the engine is told by throwing it
into the stream. Either way the run's stored status is read back for the summary.
Without a signal handler (not the main thread), a ``KeyboardInterrupt`` caught between
events does the same as the first Ctrl-C.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from daskflow.cli.run_display import PlainDisplay
from daskflow.cli.run_tracker import RunTracker
from daskflow.engine.api import cancel_run
from daskflow.events import EventRecord
from daskflow.instance import DaskflowInstance

__all__ = ["CancelOnInterrupt", "stream_run"]

_RUN_ID_POLL_SECONDS = 0.2


class CancelOnInterrupt:
    """Turns Ctrl-C into ``cancel_run`` for the streamed run (``run_id``, set by the stream)."""

    def __init__(self, instance: DaskflowInstance) -> None:
        self.instance = instance
        self.run_id: str | None = None
        self.interrupted = False  # Ctrl-C was pressed once
        self.forced = False  # Ctrl-C was pressed again, or the engine saw the interrupt
        self.was_running: bool | None = None  # what cancel_run answered
        self._lock = threading.Lock()
        self._requested = False
        self._handler_installed = False
        self._stream_ended = threading.Event()

    @contextlib.contextmanager
    def installed(self) -> Iterator[CancelOnInterrupt]:
        """Handle SIGINT as a cancel request while the block runs (main thread only)."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = signal.signal(signal.SIGINT, self._on_sigint)
        self._handler_installed = True
        try:
            yield self
        finally:
            signal.signal(signal.SIGINT, previous)
            self._handler_installed = False

    def _on_sigint(self, _signum: int, _frame: Any) -> None:
        if self.interrupted:
            self.forced = True
            raise KeyboardInterrupt
        self.interrupted = True
        threading.Thread(
            target=self.request_cancel, name="daskflow-cli-cancel", daemon=True
        ).start()

    def on_keyboard_interrupt(self) -> bool:
        """A ``KeyboardInterrupt`` reached the CLI between events; True: keep draining."""
        if self._handler_installed or self.interrupted:
            self.forced = True
            return False
        self.interrupted = True
        self.request_cancel()
        return True

    def request_cancel(self) -> None:
        """Ask the engine to cancel the run, once (waits for the run to exist)."""
        with self._lock:
            if self._requested:
                return
            self._requested = True
        run_id = self._wait_for_run_id()
        if run_id is not None:
            self.was_running = cancel_run(self.instance, run_id)

    def _wait_for_run_id(self) -> str | None:
        """The run id, once known (Ctrl-C may come while the run is being prepared)."""
        while True:
            run_id = self.run_id
            if run_id is not None or self._stream_ended.wait(_RUN_ID_POLL_SECONDS):
                return run_id

    def stream_ended(self) -> None:
        """Stop waiting for a run id: the stream is over."""
        self._stream_ended.set()


def stream_run(
    events: Iterable[EventRecord],
    tracker: RunTracker,
    display: PlainDisplay,
    canceler: CancelOnInterrupt,
) -> None:
    """Feed every event to ``tracker`` and ``display`` until the stream ends (or Ctrl-C is
    pressed twice). Exceptions of the engine propagate."""
    iterator = iter(events)
    try:
        with canceler.installed(), display:
            _drain(iterator, tracker, display, canceler)
    finally:
        canceler.stream_ended()
    if tracker.status is None and tracker.run_id is not None:  # stopped following it early
        _read_stored_status(tracker, tracker.run_id, canceler.instance)


def _read_stored_status(tracker: RunTracker, run_id: str, instance: DaskflowInstance) -> None:
    record = instance.run_storage.get_run(run_id)
    if record is not None and record.status.is_finished:
        tracker.status = record.status


def _stop_engine(iterator: Iterator[EventRecord]) -> None:
    """Ctrl-C pressed again between events: let the engine see it (it records the run
    ``CANCELED`` and stops waiting for it), then drop the stream."""
    throw = getattr(iterator, "throw", None)
    if throw is None:
        return
    try:
        throw(KeyboardInterrupt)
    except (KeyboardInterrupt, StopIteration):
        return
    iterator.close()  # type: ignore[attr-defined]


def _drain(
    iterator: Iterator[EventRecord],
    tracker: RunTracker,
    display: PlainDisplay,
    canceler: CancelOnInterrupt,
) -> None:
    noted = False
    while True:
        try:
            event = next(iterator)
        except StopIteration:
            return
        except KeyboardInterrupt:  # raised inside the engine: the stream is over
            canceler.forced = True
            return
        try:
            canceler.run_id = canceler.run_id or event.run_id
            tracker.record(event)
            display.show(event)
            if canceler.interrupted and not noted:
                noted = True
                display.note(
                    f"Canceling run {event.run_id}: no new steps start; waiting "
                    "for running steps (Ctrl-C again to quit now)."
                )
        except KeyboardInterrupt:
            if not canceler.on_keyboard_interrupt():
                _stop_engine(iterator)
                return
