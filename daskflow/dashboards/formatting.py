"""Jinja filters of the UI: times, durations, short ids, YAML of stored configs.

>>> format_duration(0.0123), format_duration(75), short_id("0123456789abcdef")
('12ms', '1m 15s', '01234567')
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import yaml
from markupsafe import Markup

from daskflow.display import format_duration, format_time

__all__ = ["FILTERS", "format_duration", "format_time", "short_id", "to_yaml"]


def short_id(run_id: str | None) -> str:
    return (run_id or "")[:8]


def to_yaml(value: Mapping[str, Any] | None) -> str:
    """Block YAML in the order written (a stored run config holds ``{env: VAR}`` sources,
    never the values read from them)."""
    if not value:
        return ""
    return yaml.safe_dump(dict(value), sort_keys=False, default_flow_style=False)


def to_json(value: Any) -> Markup:
    """JSON safe inside ``<script type="application/json">``: ``<``, ``>`` and ``&`` are
    escaped as ``\\u`` sequences, so no value can close the element.

    >>> print(to_json({"a": "</script>"}))
    {"a": "\\u003c/script\\u003e"}
    """
    text = json.dumps(value, default=str)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


FILTERS = {
    "time": format_time,
    "clock": lambda t: format_time(t, with_date=False),
    "duration": format_duration,
    "short_id": short_id,
    "to_yaml": to_yaml,
    "to_json": to_json,
}
