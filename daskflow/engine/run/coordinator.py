"""The coordinator: runs one compiled graph and turns what happens into stored events.

It registers the event sink (or subscribes to the workers' topic) before submitting,
submits the graph once, drains events while the graph runs (writing them to the instance
in batches; it is the only writer), waits until every event a step sent has arrived,
tears down resources everywhere, and records the run's outcome.

If the process iterating the events is interrupted (``KeyboardInterrupt``, i.e. Ctrl-C),
or closes the stream after asking for cancellation, the run is canceled: steps not yet
started will not start, and it is recorded as ``CANCELED``. Closing the stream otherwise
records it as failed. SIGTERM does what Ctrl-C does (``lifeline.py``).

The record is never more than ``_FLUSH_SECONDS`` behind: buffered events are stored when
that much time has passed, whether or not new events arrive, and ``PIPELINE_START`` is
stored before anything is submitted. While the run lasts, a heartbeat thread renews the
run's heartbeat in the instance. If storing events fails, the run stops (no new steps) and
is recorded ``FAILURE`` with the cause as soon as the storage accepts writes again (the
coordinator retries for ``_STORAGE_RETRY_SECONDS``). A step still running
``_CANCEL_GRACE_SECONDS`` after a cancel on a local scheduler is left to finish in its
thread (recorded as such) and the run ends ``CANCELED`` without it.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dask

from daskflow.engine.process.cancel import clear_canceled
from daskflow.engine.process.transport import register_local_sink, unregister_local_sink
from daskflow.engine.run.compile import CompiledRun, compile_run
from daskflow.engine.run.executors import RunningGraph, open_executor
from daskflow.engine.run.lifeline import (
    Heartbeat,
    Terminated,
    signals_deferred,
    sigterm_interrupts,
)
from daskflow.engine.step.outcome import StepResult
from daskflow.engine.step.redact import Redactor
from daskflow.errors import DaskflowStorageError
from daskflow.events import DaskflowEventType, EventRecord, RunStatus, StepStatus
from daskflow.instance import HEARTBEAT_SECONDS

if TYPE_CHECKING:
    from daskflow.engine.planning.payload import RunPayload
    from daskflow.instance import DaskflowInstance

__all__ = ["RunCoordinator"]

_LOG = logging.getLogger("daskflow")
_FLUSH_SECONDS = 0.5
_FLUSH_EVENTS = 500
_EVENT_WAIT_SECONDS = 30.0
_CANCEL_POLL_SECONDS = 0.25
_CANCEL_GRACE_SECONDS = 30.0
_STORAGE_RETRY_SECONDS = 60.0
_STORAGE_RETRY_MAX_DELAY = 5.0


class RunCoordinator:
    """Executes one run; iterate ``events()``, then read ``step_results`` and ``success``."""

    def __init__(self, payload: RunPayload, instance: DaskflowInstance):
        self.payload = payload
        self.instance = instance
        self.run_id = payload.run_id
        self.step_results: dict[str, StepResult] = {}
        self.status = RunStatus.STARTED
        self._running_steps: set[str] = set()  # started, not finished (by their events)
        self._queue: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()
        self._pending: list[EventRecord] = []
        self._last_flush = time.monotonic()
        self._received: dict[str, int] = {}
        self._abandoned = False  # interrupted while steps ran: they may still check the flag
        self._redactor = Redactor(payload.resolved.secrets)  # engine events mask secrets too

    # -- events ------------------------------------------------------------------------
    def _engine_event(
        self,
        event_type: DaskflowEventType,
        message: str,
        data: dict[str, Any] | None = None,
        level: int | None = None,
        step_key: str | None = None,
    ) -> None:
        record = EventRecord.create(
            self.run_id,
            event_type,
            self.payload.pipeline_name,
            self._redactor.text(message),
            step_key,
            step_key,
            level=level,
            data=self._redactor.value(data),
        )
        self._queue.put(record.to_dict())

    def _drain(self, timeout: float, flush: bool = True) -> Iterator[EventRecord]:
        """Yield the events that arrive within ``timeout`` (then any already queued), and
        store the buffer when due (``flush``): at once for run-level events, else when
        ``_FLUSH_SECONDS`` have passed or ``_FLUSH_EVENTS`` are buffered."""
        run_level = False
        try:
            item: dict[str, Any] | None = self._queue.get(timeout=timeout)
        except queue.Empty:
            item = None
        while item is not None:
            record = EventRecord.from_dict(item)
            run_level = run_level or record.step_key is None  # e.g. PIPELINE_START
            self._note_step_event(record)
            self._pending.append(record)
            _log_to_python(record)
            yield record
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                item = None
        if flush and (
            run_level
            or len(self._pending) >= _FLUSH_EVENTS
            or time.monotonic() - self._last_flush > _FLUSH_SECONDS
        ):
            self._flush()

    def _note_step_event(self, record: EventRecord) -> None:
        step_key = record.step_key
        if step_key is None:
            return
        self._received[step_key] = self._received.get(step_key, 0) + 1
        status = StepStatus.of_event(record.event_type)
        if status is StepStatus.IN_PROGRESS:
            self._running_steps.add(step_key)
        elif status is not None and status.is_finished:
            self._running_steps.discard(step_key)

    def _flush(self) -> None:
        """Store the buffered events; raises ``DaskflowStorageError`` (keeping them) if the
        storage fails."""
        if self._pending:
            try:
                with signals_deferred():  # an interrupt mid-write would keep the lock
                    self.instance.event_storage.store_events(self._pending)
            except Exception as exc:
                cause = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                raise DaskflowStorageError(
                    f"storing the events of run {self.run_id} failed: {type(exc).__name__}: {cause}"
                ) from exc
            self._pending = []
        self._last_flush = time.monotonic()

    def _flush_until_stored(self) -> None:
        """Store the buffered events, retrying for ``_STORAGE_RETRY_SECONDS`` while the
        storage fails (a full disk, a database restarting); then raise its error."""
        deadline = time.monotonic() + _STORAGE_RETRY_SECONDS
        delay = 0.2
        while True:
            try:
                self._flush()
                return
            except DaskflowStorageError as exc:
                if time.monotonic() + delay > deadline:
                    _LOG.error("daskflow: %s; gave up recording run %s.", exc, self.run_id)
                    raise
            time.sleep(delay)
            delay = min(delay * 2, _STORAGE_RETRY_MAX_DELAY)

    # -- the run -----------------------------------------------------------------------
    def events(self) -> Iterator[EventRecord]:
        """Run the pipeline, yielding each event as it arrives."""
        register_local_sink(self.run_id, self._queue.put)
        heartbeat = Heartbeat(
            lambda: self.instance.run_storage.heartbeat(self.run_id), HEARTBEAT_SECONDS
        )
        try:
            with sigterm_interrupts():
                self._engine_event(
                    DaskflowEventType.PIPELINE_START,
                    f'Started execution of pipeline "{self.payload.pipeline_name}".',
                    data={"mode": self.payload.mode},
                )
                yield from self._drain(0)  # stored before anything runs
                heartbeat.start()
                yield from self._execute()
        except (GeneratorExit, KeyboardInterrupt) as exc:  # record, but yield no more
            self._record_interruption(exc)
            self._drain_quietly()
            raise
        except BaseException as exc:
            self._record_failure(exc)
            yield from self._drain(0, flush=False)
            self._flush_until_stored()
            raise
        finally:
            heartbeat.stop()
            unregister_local_sink(self.run_id)
            if not self._abandoned:
                clear_canceled(self.run_id)
        self._finish()
        yield from self._drain(0, flush=False)
        self._flush_until_stored()

    def _record_failure(self, exc: BaseException) -> None:
        self.status = RunStatus.FAILURE
        self._engine_event(
            DaskflowEventType.PIPELINE_FAILURE,
            f"Execution of the run failed: {type(exc).__name__}: {exc}",
            data={"error": {"type": type(exc).__name__, "message": str(exc)}},
        )

    def _execute(self) -> Iterator[EventRecord]:
        compiled = compile_run(self.payload)
        engine_log = self.engine_log
        _log_replaced_shuffle(compiled, engine_log)
        with open_executor(self.payload.resolved.execution, engine_log) as executor:
            executor.subscribe(self.run_id, self._queue.put)
            with _performance_report(self):
                running = executor.submit(
                    compiled.graph, compiled.dask_keys, self.run_id, compiled.held_keys
                )
                try:
                    finished = yield from self._wait(running)
                except BaseException:  # interrupted, or the storage failed
                    self._abandoned = True
                    running.cancel()  # the steps left behind start nothing new
                    raise
                if not finished:
                    self._leave_running_steps()
                    return
                results = running.results()
            self._collect(compiled, results)
            yield from self._await_step_events()
            for error in executor.teardown(self.run_id):
                engine_log(f"A resource failed to tear down: {error}", {"error": error})
        yield from self._drain(0)

    def _leave_running_steps(self) -> None:
        """A cancel the running steps did not honour in time: end the run without them."""
        self._abandoned = True
        left = sorted(self._running_steps)
        self.engine_log(
            f"Steps {', '.join(left) or '(none known)'} still ran {_CANCEL_GRACE_SECONDS:.0f} s "
            "after the cancel; the run ends without waiting for them (their threads are left "
            "to finish; what they do is not recorded, and resources are not torn down).",
            {"left_running": left},
        )

    def _record_interruption(self, exc: BaseException) -> None:
        """Ctrl-C or SIGTERM cancels the run, and so does closing the stream after a cancel
        request; closing it otherwise fails the run."""
        name = self.payload.pipeline_name
        keyboard = isinstance(exc, KeyboardInterrupt)
        if keyboard or self.status == RunStatus.CANCELED or self._cancel_requested_quietly():
            self.status = RunStatus.CANCELED
            if isinstance(exc, Terminated):
                why = "the process running it received SIGTERM"
            elif keyboard:
                why = "the process running it was interrupted (KeyboardInterrupt)"
            else:
                why = "its event stream was closed after a cancel request"
            self._engine_event(
                DaskflowEventType.PIPELINE_CANCELED,
                f'Execution of pipeline "{name}" was canceled: {why}.',
            )
            return
        self.status = RunStatus.FAILURE
        self._engine_event(
            DaskflowEventType.PIPELINE_FAILURE,
            "The run's event stream was closed before the run finished.",
        )

    def _cancel_requested_quietly(self) -> bool:
        try:
            return self._cancel_requested()
        except Exception:  # storage trouble while giving up on the run: not a cancel
            return False

    def _drain_quietly(self) -> None:
        for _ in self._drain(0, flush=False):
            pass
        try:
            self._flush()
        except DaskflowStorageError as exc:  # giving up on the run: say so, do not wait
            _LOG.error("daskflow: %s; the run's end is not recorded.", exc)

    def engine_log(self, message: str, data: dict[str, Any]) -> None:
        self._engine_event(DaskflowEventType.ENGINE_EVENT, message, data)

    def _wait(self, running: RunningGraph) -> Generator[EventRecord, None, bool]:
        """Drain events until the graph is done (returns True), or until a cancel was not
        honoured within ``_CANCEL_GRACE_SECONDS`` (returns False)."""
        last_check = time.monotonic()
        canceled_at: float | None = None
        while not running.wait(0.05):
            yield from self._drain(0.05)
            now = time.monotonic()
            if canceled_at is not None:
                if now - canceled_at > _CANCEL_GRACE_SECONDS:
                    return False
            elif now - last_check > _CANCEL_POLL_SECONDS:
                last_check = now
                if self._cancel_requested():
                    self.status = RunStatus.CANCELED
                    self.engine_log("Cancel requested: stopping new steps.", {})
                    running.cancel()
                    canceled_at = now
        yield from self._drain(0)
        return True

    def _cancel_requested(self) -> bool:
        record = self.instance.run_storage.get_run(self.run_id)
        return record is not None and record.status == RunStatus.CANCELING

    def _collect(self, compiled: CompiledRun, results: dict[str, Any]) -> None:
        for dask_key, value in results.items():
            step_key = compiled.step_of(dask_key)
            if isinstance(value, StepResult):
                self.step_results[step_key] = value
            elif value is None:  # cancelled future
                self.step_results[step_key] = StepResult(step_key, StepStatus.CANCELED, 0)
            else:  # Dask itself failed the task (e.g. workers kept dying)
                self.step_results[step_key] = StepResult(
                    step_key, StepStatus.FAILURE, 0, error=value
                )
                self._engine_event(  # e.g. workers kept dying, or its result cannot travel
                    DaskflowEventType.STEP_FAILURE,
                    f'Step "{step_key}" failed in Dask: {type(value).__name__}: {value}',
                    data={"error": {"type": type(value).__name__, "message": str(value)}},
                    level=logging.ERROR,
                    step_key=step_key,
                )
        for (step_key, output_name), value in compiled.handed_on.items():
            step_result = self.step_results.get(step_key)
            if step_result is not None and step_result.success:
                step_result.values[output_name] = value  # the lazy collection itself

    def _await_step_events(self) -> Iterator[EventRecord]:
        """Wait until every event the steps sent has arrived (workers send asynchronously)."""
        expected = {k: r.events_sent for k, r in self.step_results.items()}
        deadline = time.monotonic() + _EVENT_WAIT_SECONDS
        while any(self._received.get(k, 0) < n for k, n in expected.items()):
            if time.monotonic() > deadline:
                missing = sorted(k for k, n in expected.items() if self._received.get(k, 0) < n)
                self.engine_log(
                    f"Events of steps {', '.join(missing)} did not all arrive.",
                    {"missing_steps": missing},
                )
                break
            yield from self._drain(0.05)

    def _finish(self) -> None:
        failed = [k for k, r in self.step_results.items() if r.status is StepStatus.FAILURE]
        if self.status != RunStatus.CANCELED:
            incomplete = len(self.step_results) < len(self.payload.plan.steps)
            self.status = RunStatus.FAILURE if failed or incomplete else RunStatus.SUCCESS
        name = self.payload.pipeline_name
        if self.status == RunStatus.SUCCESS:
            self._engine_event(
                DaskflowEventType.PIPELINE_SUCCESS, f'Finished execution of pipeline "{name}".'
            )
        elif self.status == RunStatus.CANCELED:
            self._engine_event(
                DaskflowEventType.PIPELINE_CANCELED, f'Execution of pipeline "{name}" was canceled.'
            )
        else:
            self._engine_event(
                DaskflowEventType.PIPELINE_FAILURE,
                f'Execution of pipeline "{name}" failed; failed steps: '
                f"{', '.join(failed) or 'none'}.",
                data={"failed_steps": failed},
            )

    @property
    def success(self) -> bool:
        return self.status == RunStatus.SUCCESS


@contextlib.contextmanager
def _performance_report(coordinator: RunCoordinator) -> Iterator[None]:
    execution = coordinator.payload.resolved.execution
    if not (execution.get("dask") or {}).get("performance_report"):
        yield
        return
    from distributed import performance_report

    reports = Path(coordinator.instance.home) / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    path = str(reports / f"{coordinator.run_id}.html")
    # inline: BokehJS inside the file, so the report renders offline (the UI serves it with
    # a policy that loads nothing from elsewhere)
    with performance_report(filename=path, mode="inline"):
        yield
    coordinator.engine_log(
        f"Saved the Dask performance report to {path}.", {"performance_report": path}
    )


def _log_replaced_shuffle(
    compiled: CompiledRun, engine_log: Callable[[str, dict[str, Any]], None]
) -> None:
    """Say so when Dask DataFrame solids could not shuffle the way Dask is configured to."""
    configured = dask.config.get("dataframe.shuffle.method", None)
    if compiled.shuffle_method and configured and configured != compiled.shuffle_method:
        engine_log(
            f'Dask DataFrame solids shuffle with "{compiled.shuffle_method}" in this '
            f'run, not the configured "{configured}" (P2P needs task keys Dask named '
            "itself; disk works on one machine only).",
            {"shuffle_method": compiled.shuffle_method, "configured": configured},
        )


def _log_to_python(record: EventRecord) -> None:
    if _LOG.isEnabledFor(record.level):
        where = f" [{record.step_key}]" if record.step_key else ""
        _LOG.log(
            record.level,
            "%s%s %s: %s",
            record.run_id[:8],
            where,
            record.event_type.value,
            record.message,
        )
