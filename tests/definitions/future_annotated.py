"""A solid defined in a module with postponed (string) annotations."""

from __future__ import annotations

from daskflow import solid


@solid
def typed_later(_, a: int, b: str) -> float:
    return float(a)
