"""Structured metadata attached to events: ``EventMetadataEntry`` and its typed values.

Entries travel inside events from workers to the coordinator, so every value is
plain data (str, int, float, dict/list of those) that msgpack and JSON can carry.

>>> entry = EventMetadataEntry.int(19, label="rows")
>>> entry.label, entry.kind, entry.value
('rows', 'int', 19)
>>> entry.to_dict()
{'label': 'rows', 'kind': 'int', 'value': 19, 'description': None}
"""

from __future__ import annotations

import json as _json
from dataclasses import dataclass
from typing import Any

__all__ = ["EventMetadataEntry"]

_KINDS = ("text", "int", "float", "json", "path", "url", "md")


@dataclass(frozen=True)
class EventMetadataEntry:
    """One labelled value: ``kind`` says how tools should display ``value``."""

    label: str
    kind: str
    value: Any
    description: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"unknown metadata kind {self.kind!r}; expected one of {_KINDS}")
        if not isinstance(self.label, str) or not self.label:
            raise ValueError("an EventMetadataEntry needs a non-empty string label")

    @staticmethod
    def text(text: str, label: str, description: str | None = None) -> EventMetadataEntry:
        return EventMetadataEntry(label, "text", str(text), description)

    @staticmethod
    def int(value: int, label: str, description: str | None = None) -> EventMetadataEntry:
        return EventMetadataEntry(label, "int", int(value), description)

    @staticmethod
    def float(value: float, label: str, description: str | None = None) -> EventMetadataEntry:
        return EventMetadataEntry(label, "float", float(value), description)

    @staticmethod
    def json(data: Any, label: str, description: str | None = None) -> EventMetadataEntry:
        # Round-trip now so a value that cannot travel fails where the user wrote it.
        return EventMetadataEntry(label, "json", _json.loads(_json.dumps(data)), description)

    @staticmethod
    def path(path: str, label: str, description: str | None = None) -> EventMetadataEntry:
        return EventMetadataEntry(label, "path", str(path), description)

    @staticmethod
    def url(url: str, label: str, description: str | None = None) -> EventMetadataEntry:
        return EventMetadataEntry(label, "url", str(url), description)

    @staticmethod
    def md(md_str: str, label: str, description: str | None = None) -> EventMetadataEntry:
        return EventMetadataEntry(label, "md", str(md_str), description)

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "kind": self.kind,
            "value": self.value,
            "description": self.description,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EventMetadataEntry:
        return cls(data["label"], data["kind"], data["value"], data.get("description"))
