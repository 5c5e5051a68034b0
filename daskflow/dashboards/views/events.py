"""A run's event log: the filtered page (newest events, "earlier" pages by id) and the
live tail over Server-Sent Events.

Filters are typed in one box: ``step:KEY`` (repeatable), ``type:STEP_FAILURE`` (or a
comma list), ``level:WARNING`` (that level and above), and free text (a substring of the
message); all run in SQL. The stream sends each event with ``id:`` = its event id and
resumes after ``Last-Event-ID`` (or ``?after=``), so a reconnect never repeats or skips
an event; it ends with an ``end`` event once the run has finished and everything is sent.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator

import anyio
from starlette.requests import Request
from starlette.responses import HTMLResponse, StreamingResponse

from daskflow.dashboards.context import UIContext, ui_context
from daskflow.dashboards.views.common import get_run
from daskflow.events import DaskflowEventType
from daskflow.instance import EventFilter, StoredEvent

__all__ = ["PAGE", "event_stream", "events_fragment", "level_name", "parse_log_query"]

PAGE = 500
_POLL_SECONDS = 0.1
_STREAM_BATCH = 200
_LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "WARN": 30, "ERROR": 40, "CRITICAL": 50}


def parse_log_query(query: str) -> EventFilter:
    """The ``EventFilter`` a filter box text means.

    >>> parse_log_query("step:a type:step_failure,log level:warning boom").event_types
    (<DaskflowEventType.STEP_FAILURE: 'STEP_FAILURE'>, <DaskflowEventType.LOG: 'LOG'>)
    >>> f = parse_log_query("step:a step:b level:warning disk full")
    >>> f.step_keys, f.min_level, f.text
    (('a', 'b'), 30, 'disk full')
    """
    steps, types, words = [], [], []
    level = None
    for token in query.split():
        prefix, sep, value = token.partition(":")
        name = prefix.lower()
        if sep and name == "step" and value:
            steps.append(value)
        elif sep and name == "type" and value:
            for item in value.upper().split(","):
                if item in DaskflowEventType.__members__:
                    types.append(DaskflowEventType(item))
        elif sep and name == "level" and value.upper() in _LEVELS:
            level = _LEVELS[value.upper()]
        else:
            words.append(token)
    return EventFilter(tuple(steps), tuple(types), level, " ".join(words) or None)


def level_name(level: int) -> str:
    return logging.getLevelName(level)


def _render_rows(ui: UIContext, events: list[StoredEvent]) -> str:
    return ui.render_text("event_rows.html", events=events, level_name=level_name)


def events_fragment(request: Request) -> HTMLResponse:
    """The log table for ``?q=``: the newest page, or the page before ``?before=``."""
    ui = ui_context(request)
    run = get_run(ui, request.path_params["run_id"])
    query = request.query_params.get("q", "")
    before = request.query_params.get("before")
    events = ui.instance.event_storage.get_events_page(
        run.run_id,
        parse_log_query(query),
        before_id=int(before) if before and before.isdigit() else None,
        limit=PAGE,
        newest=True,
    )
    template = "event_earlier.html" if before else "event_log.html"
    return ui.page(
        request,
        template,
        run=run,
        events=events,
        log_query=query,
        page_size=PAGE,
        level_name=level_name,
    )


def _sse(event_id: int | None, kind: str, data: str) -> str:
    lines = [f"event: {kind}"]
    if event_id is not None:
        lines.insert(0, f"id: {event_id}")
    lines += [f"data: {line}" for line in data.splitlines() or [""]]
    return "\n".join(lines) + "\n\n"


async def _tail(ui: UIContext, request: Request, run_id: str, after: int) -> AsyncIterator[str]:
    event_filter = parse_log_query(request.query_params.get("q", ""))
    storage = ui.instance.event_storage
    finished_polls = 0
    last_status: str | None = None
    yield "retry: 1000\n\n"
    while not await request.is_disconnected():
        events = await anyio.to_thread.run_sync(
            functools.partial(
                storage.get_events_page, run_id, event_filter, after_id=after, limit=_STREAM_BATCH
            )
        )
        for event in events:
            after = event.id
            yield _sse(event.id, "log", _render_rows(ui, [event]))
        if events:
            continue
        run = await anyio.to_thread.run_sync(ui.instance.run_storage.get_run, run_id)
        if run is None or run.status.is_finished:
            finished_polls += 1
            if finished_polls > 1:  # one more poll: events written with the final status
                yield _sse(None, "end", "DELETED" if run is None else str(run.status.value))
                return
        elif run.status.value != last_status:
            last_status = str(run.status.value)
            yield _sse(None, "status", last_status)
        await asyncio.sleep(_POLL_SECONDS)


def event_stream(request: Request) -> StreamingResponse:
    ui = ui_context(request)
    run = get_run(ui, request.path_params["run_id"])
    resume = request.headers.get("last-event-id") or request.query_params.get("after") or "0"
    after = int(resume) if resume.isdigit() else 0
    return StreamingResponse(
        _tail(ui, request, run.run_id, after),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
