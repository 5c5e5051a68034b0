"""What a solid's body may yield or raise: outputs, user events, failures and retry requests.

A solid returns a value (one output named ``result``) or yields these objects:

>>> Output(5).output_name
'result'
>>> AssetMaterialization("local_datalake.cereals").asset_key.path
('local_datalake', 'cereals')
>>> RetryPolicy(max_retries=3, delay=1.0, backoff=2.0).delay_for_attempt(3)
4.0
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from daskflow.metadata import EventMetadataEntry

__all__ = [
    "AssetKey",
    "AssetMaterialization",
    "ExpectationResult",
    "Failure",
    "Output",
    "RetryPolicy",
    "RetryRequested",
]


def _entries(entries: Sequence[EventMetadataEntry] | None, where: str) -> tuple:
    entries = tuple(entries or ())
    for entry in entries:
        if not isinstance(entry, EventMetadataEntry):
            raise TypeError(
                f"{where}: metadata_entries must be EventMetadataEntry objects, "
                f"got {type(entry).__name__}"
            )
    return entries


@dataclass(frozen=True)
class AssetKey:
    """A path naming an asset; ``AssetKey("a.b")`` and ``AssetKey(["a", "b"])`` are equal."""

    path: tuple[str, ...]

    def __init__(self, path: str | Sequence[str]):
        parts = tuple(path.split(".")) if isinstance(path, str) else tuple(path)
        if not parts or not all(isinstance(p, str) and p for p in parts):
            raise ValueError(f"an asset key needs non-empty string parts, got {path!r}")
        object.__setattr__(self, "path", parts)

    def to_string(self) -> str:
        return ".".join(self.path)

    def __str__(self) -> str:
        return self.to_string()


@dataclass(frozen=True)
class Output:
    """A value for one of the solid's outputs (``result`` unless named)."""

    value: Any
    output_name: str = "result"
    metadata_entries: tuple = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "metadata_entries", _entries(self.metadata_entries, "Output"))


@dataclass(frozen=True)
class AssetMaterialization:
    """Says that the solid created or updated an asset that outlives the run."""

    asset_key: AssetKey
    description: str | None = None
    metadata_entries: tuple = ()
    partition: str | None = None

    def __init__(
        self,
        asset_key: str | Sequence[str] | AssetKey,
        description: str | None = None,
        metadata_entries: Sequence[EventMetadataEntry] | None = None,
        partition: str | None = None,
    ):
        key = asset_key if isinstance(asset_key, AssetKey) else AssetKey(asset_key)
        object.__setattr__(self, "asset_key", key)
        object.__setattr__(self, "description", description)
        object.__setattr__(
            self, "metadata_entries", _entries(metadata_entries, "AssetMaterialization")
        )
        object.__setattr__(self, "partition", partition)


@dataclass(frozen=True)
class ExpectationResult:
    """The outcome of a data-quality expectation the solid checked itself."""

    success: bool
    label: str | None = None
    description: str | None = None
    metadata_entries: tuple = ()

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "metadata_entries", _entries(self.metadata_entries, "ExpectationResult")
        )


class Failure(Exception):
    """Raise from a solid to fail its step with a description and metadata, no traceback noise."""

    def __init__(
        self,
        description: str | None = None,
        metadata_entries: Sequence[EventMetadataEntry] | None = None,
    ):
        super().__init__(description)
        self.description = description
        self.metadata_entries = _entries(metadata_entries, "Failure")


class RetryRequested(Exception):
    """Raise from a solid to ask for the step to run again (up to ``max_retries`` times)."""

    def __init__(self, max_retries: int = 1, seconds_to_wait: float = 0):
        super().__init__(
            f"retry requested (max_retries={max_retries}, seconds_to_wait={seconds_to_wait})"
        )
        if max_retries < 0 or seconds_to_wait < 0:
            raise ValueError("max_retries and seconds_to_wait must be >= 0")
        self.max_retries = max_retries
        self.seconds_to_wait = seconds_to_wait


@dataclass(frozen=True)
class RetryPolicy:
    """Retry a failing step ``max_retries`` times, waiting ``delay * backoff**(attempt-1)`` s."""

    max_retries: int = 1
    delay: float = 0.0
    backoff: float = 1.0
    tags: dict = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError(f"RetryPolicy.max_retries must be >= 0, got {self.max_retries}")
        if self.delay < 0 or self.backoff < 1:
            raise ValueError("RetryPolicy needs delay >= 0 and backoff >= 1")

    def delay_for_attempt(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        return self.delay * self.backoff ** (attempt - 1)
