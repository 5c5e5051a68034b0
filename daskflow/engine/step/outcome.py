"""How a step ends: its ``StepResult``, the one rule for a blocked step, the one failure path.

Every way a step ends goes through here: the step task of a pandas step
(``step.task.run_step``), a Dask DataFrame step blocked while its graph is built
(``lazy.compiler``) and that step's commit task (``lazy.commit``).

``blocked_reason`` decides whether a step must not run. When several reasons hold, the
first of these wins:

1. **the run was canceled** (the cancel flag is set, an upstream step was canceled, or a
   partition the step waits for saw the cancel): ``CANCELED``. A cancel wins over a failed
   upstream step: the run stopped because someone canceled it, not because of that step;
2. **an upstream step did not succeed** (it failed or was itself skipped): ``SKIPPED``;
3. **an upstream output the step reads was not produced** (an optional output the solid
   did not yield): ``SKIPPED``. Inputs of type ``Nothing`` only order steps; they read no
   output, so a missing one never blocks.

Upstream steps whose result is not known yet (while a graph is built) do not block.

>>> from daskflow.events import StepStatus
>>> failed = StepResult("load", StepStatus.FAILURE, 2)
>>> canceled = StepResult("other", StepStatus.CANCELED, 1)
>>> blocked_reason("report", (), {"load": failed}).message
'Skipped step "report": upstream step(s) load did not succeed.'
>>> blocked_reason("report", (), {"load": failed, "other": canceled}).status
<StepStatus.CANCELED: 'CANCELED'>
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from daskflow.engine.planning.plan import NOTHING
from daskflow.engine.step.errors import StepError, failure_data, picklable
from daskflow.events import DaskflowEventType, StepStatus

if TYPE_CHECKING:
    from daskflow.engine.planning.plan import StepInput
    from daskflow.engine.step.emitter import StepEmitter

__all__ = ["Blocked", "StepResult", "blocked_reason", "fail_step", "skip_step"]


@dataclass
class StepResult:
    """What a step's task returns (small: values only for in-memory IO managers)."""

    step_key: str
    status: StepStatus
    events_sent: int
    values: dict[str, Any] = field(default_factory=dict)  # carried in the graph
    stored: dict[str, str] = field(default_factory=dict)  # output -> io_manager_key
    handed_on: set[str] = field(default_factory=set)  # lazy outputs their readers compute
    error: BaseException | None = None
    duration: float = 0.0

    @property
    def success(self) -> bool:
        return self.status is StepStatus.SUCCESS

    @property
    def failed(self) -> bool:
        return self.status is StepStatus.FAILURE

    def has_output(self, name: str) -> bool:
        return name in self.values or name in self.stored or name in self.handed_on


@dataclass(frozen=True)
class Blocked:
    """Why a step does not run: ``CANCELED`` or ``SKIPPED``, and the message that says so."""

    status: StepStatus
    message: str

    @property
    def level(self) -> int:
        """A canceled step is worth a warning; a skipped one follows from another event."""
        return logging.WARNING if self.status is StepStatus.CANCELED else logging.INFO


def blocked_reason(
    step_key: str,
    inputs: Iterable[StepInput],
    upstream: Mapping[str, StepResult],
    canceled: bool = False,
) -> Blocked | None:
    """Why step ``step_key`` (reading ``inputs``) must not run, or None if it may.

    ``upstream`` holds the results known of its upstream steps; ``canceled`` says the run
    was canceled. The order of the checks is the rule (see the module docstring).
    """
    if canceled or any(r.status is StepStatus.CANCELED for r in upstream.values()):
        return Blocked(StepStatus.CANCELED, f'Skipped step "{step_key}": the run was canceled.')
    failed = [k for k, r in upstream.items() if not r.success]
    if failed:
        return Blocked(
            StepStatus.SKIPPED,
            f'Skipped step "{step_key}": upstream step(s) {", ".join(failed)} did not succeed.',
        )
    for inp in inputs:
        if inp.source == NOTHING:
            continue
        for ref in inp.refs:
            result = upstream.get(ref.node)
            if result is not None and not result.has_output(ref.output):
                return Blocked(
                    StepStatus.SKIPPED,
                    f'Skipped step "{step_key}": upstream output "{ref}" was not produced.',
                )
    return None


def skip_step(step_key: str, emitter: StepEmitter, blocked: Blocked) -> StepResult:
    """Say the step is skipped (STEP_SKIPPED) and return its result."""
    emitter.emit(DaskflowEventType.STEP_SKIPPED, blocked.message, level=blocked.level)
    return StepResult(step_key, blocked.status, emitter.sent)


def fail_step(
    step_key: str, emitter: StepEmitter, error: StepError, duration: float = 0.0
) -> StepResult:
    """Say the step failed (STEP_FAILURE, the user's error and traceback) and return its result.

    The result carries the user's exception (or the ``StepError`` when the engine found the
    problem), made picklable: ``execute_pipeline`` raises from it.
    """
    emitter.failure(error.message, failure_data(error))
    return StepResult(
        step_key,
        StepStatus.FAILURE,
        emitter.sent,
        error=picklable(error.user_error or error),
        duration=duration,
    )
