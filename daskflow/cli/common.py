"""Shared pieces of the CLI: consoles, formatting of times/durations/metadata, reading run
config files, opening the instance and finding a run by id or prefix (exit code 2 when
there is none).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from enum import Enum
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.text import Text

from daskflow.config import MAX_DEPTH
from daskflow.definitions.mode import deep_merge, load_yaml_files
from daskflow.display import format_duration, format_time
from daskflow.errors import (
    ConfigError,
    DaskflowAmbiguousRunIdError,
    DaskflowConfigError,
    DaskflowRunNotFoundError,
    DaskflowStorageError,
)
from daskflow.instance import MIN_RUN_ID_PREFIX, DaskflowInstance, RunRecord

__all__ = [
    "EXIT_FAILURE",
    "EXIT_USAGE",
    "fail",
    "find_run",
    "format_bytes",
    "format_duration",
    "format_metadata",
    "format_time",
    "make_console",
    "open_instance",
    "print_fields",
    "read_config_files",
    "short_id",
    "status_text",
]

EXIT_FAILURE = 1  # the run did not succeed (failed or canceled)
EXIT_USAGE = 2  # bad usage, config or id: nothing was run or changed

SHORT_ID = 12
_PLAIN_WIDTH = 160  # not a terminal: wide enough that tables are not squeezed

_STATUS_STYLES = {
    "SUCCESS": "green",
    "FAILURE": "bold red",
    "CANCELED": "yellow",
    "CANCELING": "yellow",
    "STARTED": "cyan",
    "NOT_STARTED": "dim",
    "IN_PROGRESS": "cyan",
    "UP_FOR_RETRY": "yellow",
    "SKIPPED": "dim",
    "success": "green",
    "failed": "bold red",
    "running": "cyan",
    "pending": "dim",
    "skipped": "dim",
    "retrying": "yellow",
    "canceled": "yellow",
    "not run": "dim",
    "unfinished": "yellow",
}


def make_console(stderr: bool = False) -> Console:
    """A rich console on stdout (or stderr): colours on a terminal, plain text otherwise."""
    stream = sys.stderr if stderr else sys.stdout
    terminal = stream.isatty()
    width = None if terminal else int(os.environ.get("COLUMNS") or _PLAIN_WIDTH)
    return Console(stderr=stderr, highlight=False, width=width, soft_wrap=not terminal)


def print_fields(console: Console, rows: Sequence[tuple[str, Any]]) -> None:
    """``label  value`` lines, labels aligned (values may be rich ``Text``)."""
    width = max((len(label) for label, _ in rows), default=0)
    for label, value in rows:
        shown = value if isinstance(value, Text) else Text(str(value))
        console.print(Text.assemble((label.ljust(width), "bold"), "  ", shown))


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print ``message`` to stderr and exit with ``code``."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def read_config_files(paths: Sequence[str]) -> dict[str, Any]:
    """YAML run-config files merged, later winning; a file nested too deep for the YAML
    reader is a ``DaskflowConfigError`` naming it (the commands exit 2 on those)."""
    merged: dict[str, Any] = {}
    for path in paths:
        try:
            merged = deep_merge(merged, load_yaml_files([path]))
        except RecursionError:
            error = ConfigError(
                (),
                f"the file nests values more deeply than the YAML reader can follow "
                f"(a run config has at most {MAX_DEPTH} levels).",
                f"at most {MAX_DEPTH} levels of nesting",
            )
            raise DaskflowConfigError([error], title=f"Invalid run config file {path}") from None
    return merged


def short_id(run_id: str | None) -> str:
    return (run_id or "")[:SHORT_ID]


def format_bytes(count: int) -> str:
    """``512 B``, ``1.5 kB``, ``228.0 MB``, ``3.2 GB`` (powers of 1000, as ``du --si``)."""
    size = float(count)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{int(size)} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def status_text(status: Enum | str) -> Text:
    """A run or step status (an enum member or a display word), coloured by outcome."""
    value = str(status.value if isinstance(status, Enum) else status)
    return Text(value, style=_STATUS_STYLES.get(value, ""))


def format_metadata(entries: Sequence[Mapping[str, Any]] | None) -> str:
    """Metadata entries as ``label: value`` pairs on one line."""
    parts = []
    for entry in entries or []:
        value = entry.get("value")
        if not isinstance(value, str):
            value = json.dumps(value, default=str)
        parts.append(f"{entry.get('label')}: {value}")
    return ", ".join(parts)


@contextlib.contextmanager
def open_instance() -> Iterator[DaskflowInstance]:
    """The instance of ``$DASKFLOW_HOME``; a bad ``daskflow.yaml`` or storage exits with 2."""
    try:
        instance = DaskflowInstance.get()
    except (DaskflowConfigError, DaskflowStorageError) as exc:
        fail(str(exc))
    with instance:
        yield instance


def find_run(instance: DaskflowInstance, run_id: str) -> RunRecord:
    """The run with this id or unique prefix; otherwise a message and exit code 2."""
    try:
        return instance.run_storage.require_run(run_id)
    except DaskflowAmbiguousRunIdError as exc:
        fail(str(exc))
    except DaskflowRunNotFoundError:
        hint = (
            f" (a prefix needs at least {MIN_RUN_ID_PREFIX} characters)"
            if len(run_id) < MIN_RUN_ID_PREFIX
            else ""
        )
        fail(f'no run "{run_id}" in {instance.home}{hint}. List runs with: daskflow run list')
