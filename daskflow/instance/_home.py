"""``DASKFLOW_HOME`` and its optional ``daskflow.yaml``: where and how an instance stores things.

``daskflow.yaml`` (every key optional)::

    storage:
      sqlite: {base_dir: db}                    # default: the database file in the home
      # or: postgres: {url: {env: DASKFLOW_PG_URL}}
    intermediates:
      base_url: s3://bucket/prefix              # default: <home>/storage

Database URLs carry passwords: they are never put into an error message or a ``repr``.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as home:
...     settings = load_settings(Path(home))
...     settings.kind, settings.sqlite_path.name, settings.storage_dir.endswith("storage")
('sqlite', 'daskflow.db', True)
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import yaml
from sqlalchemy.engine import make_url

from daskflow.config import (
    Array,
    ConfigError,
    DaskflowConfigError,
    Field,
    Int,
    Selector,
    StringSource,
    validate_config,
)

__all__ = [
    "CONFIG_FILE",
    "DASKFLOW_HOME_ENV",
    "DB_FILE",
    "DEFAULT_HOME",
    "InstanceSettings",
    "load_settings",
    "redact_credentials",
    "resolve_home",
]

DASKFLOW_HOME_ENV = "DASKFLOW_HOME"
DEFAULT_HOME = ".daskflow"
CONFIG_FILE = "daskflow.yaml"
DB_FILE = "daskflow.db"

_SCHEMA = {
    "storage": Field(
        Selector(
            {
                "sqlite": Field(
                    {
                        "base_dir": Field(
                            StringSource,
                            is_required=False,
                            description="Directory of daskflow.db; relative to the home.",
                        )
                    }
                ),
                "postgres": {
                    "url": Field(
                        StringSource, description="postgresql://user:password@host:port/database"
                    )
                },
            }
        ),
        is_required=False,
        description="Where runs, events and the asset index are kept.",
    ),
    "intermediates": Field(
        {
            "base_url": Field(
                StringSource,
                is_required=False,
                description="fsspec URL or local path for step outputs (default <home>/storage).",
            )
        },
        is_required=False,
    ),
    "run_queue": Field(
        {
            "max_concurrent_runs": Field(
                Int,
                default_value=10,
                description="Runs the daemon's queue lets run at once.",
            ),
            "tag_concurrency_limits": Field(
                Array(
                    {
                        "key": Field(StringSource),
                        "value": Field(StringSource, is_required=False),
                        "limit": Field(Int),
                    }
                ),
                default_value=[],
                description="At most `limit` runs at once with tag `key` (= `value` if given).",
            ),
        },
        is_required=False,
        description="The daemon's run queue (`daskflow daemon run`).",
    ),
    "retention": Field(
        {
            kind: Field(
                {
                    "purge_after_days": Field(
                        Int,
                        default_value=-1,
                        description=f"The daemon deletes {kind} ticks older than this many "
                        "days, keeping the latest finished one of each (-1: keep all).",
                    )
                },
                is_required=False,
            )
            for kind in ("schedule", "sensor")
        },
        is_required=False,
        description="How long the daemon keeps tick history (as `purge-ticks`).",
    ),
}

_CREDENTIALS = re.compile(r"(\b[a-zA-Z][\w+.-]*://[^\s:/@]*):[^\s@]*@")


def redact_credentials(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@`` replaced by ``***``.

    >>> redact_credentials("cannot reach postgresql://me:s3cret@db:5432/x")
    'cannot reach postgresql://me:***@db:5432/x'
    """
    return _CREDENTIALS.sub(r"\1:***@", text)


@dataclass(frozen=True)
class InstanceSettings:
    """What ``daskflow.yaml`` says, resolved against the home directory."""

    home: Path
    kind: Literal["sqlite", "postgres"]
    storage_dir: str
    sqlite_path: Path | None = None
    postgres_url: str | None = field(default=None, repr=False)  # secret: has the password
    # The daemon's run queue: max_concurrent_runs, tag_concurrency_limits (key, value, limit).
    run_queue: dict[str, Any] = field(default_factory=dict)
    # Days of tick history the daemon keeps, by kind ("schedule", "sensor"); absent: all.
    retention_days: dict[str, int] = field(default_factory=dict)


def resolve_home(path: str | os.PathLike[str] | None = None) -> Path:
    """The absolute home directory: ``path``, else ``$DASKFLOW_HOME``, else ``./.daskflow``."""
    if path is None:
        path = os.environ.get(DASKFLOW_HOME_ENV) or DEFAULT_HOME
    return Path(path).expanduser().resolve()


def load_settings(home: Path) -> InstanceSettings:
    """Read and validate ``<home>/daskflow.yaml`` (a missing file means all defaults)."""
    config_path = home / CONFIG_FILE
    title = f"Invalid {config_path}"
    raw = _read_yaml(config_path, title)
    result = validate_config(_SCHEMA, raw)
    if not result.success:
        errors = [_redacted(error, result.redact) for error in result.errors]
        raise DaskflowConfigError(errors, title=title)
    value: dict[str, Any] = result.value or {}
    storage_dir = _storage_dir(home, (value.get("intermediates") or {}).get("base_url"))
    storage = value.get("storage") or {"sqlite": {}}
    queue = dict(value.get("run_queue") or {})
    retention = _retention_days(value.get("retention") or {}, title)
    if "postgres" in storage:
        url = _postgres_url(storage["postgres"]["url"], title)
        return InstanceSettings(
            home, "postgres", storage_dir, None, url, run_queue=queue, retention_days=retention
        )
    base_dir = storage["sqlite"].get("base_dir")
    db_dir = home if not base_dir else _below(home, base_dir)
    path = db_dir / DB_FILE
    return InstanceSettings(
        home, "sqlite", storage_dir, path, run_queue=queue, retention_days=retention
    )


def _retention_days(retention: dict[str, Any], title: str) -> dict[str, int]:
    """Days to keep by tick kind (-1 or absent: keep all); a config error below -1."""
    days = {}
    for kind, settings in retention.items():
        value = int((settings or {}).get("purge_after_days", -1))
        if value < -1:
            error = ConfigError(
                ("retention", kind, "purge_after_days"),
                f"expected a number of days (0 or more), or -1 to keep all, got {value}.",
                "an Int >= -1",
            )
            raise DaskflowConfigError([error], title=title)
        if value >= 0:
            days[kind] = value
    return days


def _read_yaml(config_path: Path, title: str) -> dict[str, Any]:
    if not config_path.exists():
        return {}
    try:
        raw = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(exc, "problem", None) or "cannot be parsed"
        error = ConfigError((), f"the file is not valid YAML{where}: {problem}.", "YAML")
        raise DaskflowConfigError([error], title=title) from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        error = ConfigError(
            (),
            f"expected a mapping of settings, got a {type(raw).__name__}.",
            "a mapping with keys storage, intermediates",
            hint="For example:\n  storage:\n    sqlite: {}",
        )
        raise DaskflowConfigError([error], title=title)
    return raw


def _redacted(error: ConfigError, redact_env: Callable[[str], str]) -> ConfigError:
    def clean(text: str) -> str:
        return redact_credentials(redact_env(text))

    return replace(
        error,
        message=clean(error.message),
        received=None if error.received is None else clean(error.received),
        hint=None if error.hint is None else clean(error.hint),
    )


def _below(home: Path, path: str) -> Path:
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else (home / candidate).resolve()


def _storage_dir(home: Path, base_url: str | None) -> str:
    if not base_url:
        return str(home / "storage")
    if "://" in base_url:
        return base_url.rstrip("/")
    return str(_below(home, base_url))


def _postgres_url(url: str, title: str) -> str:
    """``url`` with the psycopg driver; a config error (never showing the URL) if unusable."""
    path = ("storage", "postgres", "url")
    expected = "a postgresql:// URL"
    try:
        parsed = make_url(url)
    except Exception:
        error = ConfigError(
            path,
            "is not a valid database URL.",
            expected,
            hint="Write it as postgresql://user:password@host:port/database.",
        )
        raise DaskflowConfigError([error], title=title) from None
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        error = ConfigError(
            path,
            f'expected a postgresql:// URL, got a "{parsed.drivername}" URL.',
            expected,
            hint="Use storage: {sqlite: {}} for SQLite.",
        )
        raise DaskflowConfigError([error], title=title)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)
