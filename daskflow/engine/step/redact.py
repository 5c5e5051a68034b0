"""``Redactor``: keeps values read through ``{env: ...}`` out of events and raised errors.

It is applied at the two places where text leaves the engine: where an event record is
built (``StepEmitter.emit``, the coordinator's engine events: the message and every
string inside the event data, tracebacks included) and where an error is raised to the
user (``execute_pipeline``'s ``DaskflowExecutionError`` and its cause).

>>> r = Redactor({"hunter2"})
>>> r.text("password is hunter2")
'password is ***'
>>> r.value({"error": {"message": "bad hunter2", "lines": ["hunter2!", 3]}})
{'error': {'message': 'bad ***', 'lines': ['***!', 3]}}
>>> err = r.error(ValueError("bad hunter2"))
>>> type(err).__name__, str(err)
('RemoteError', 'ValueError: bad ***')
>>> clean = ValueError("fine")
>>> r.error(clean) is clean
True
"""

from __future__ import annotations

import dataclasses
import traceback
from collections.abc import Iterable, Mapping
from typing import Any

from daskflow.engine.step.errors import RemoteError
from daskflow.errors import ConfigError

__all__ = ["MASK", "Redactor"]

MASK = "***"


class Redactor:
    """Replaces every secret (longest first, so no part of one is left) by ``***``."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = tuple(sorted({s for s in secrets if s}, key=len, reverse=True))

    def __bool__(self) -> bool:
        return bool(self.secrets)

    def text(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def value(self, value: Any) -> Any:
        """``value`` with secrets masked in every string of its dicts, lists and tuples."""
        if not self.secrets:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {self.value(k): self.value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.value(v) for v in value)
        return value

    def leaks(self, text: str) -> bool:
        return any(secret in text for secret in self.secrets)

    def error(self, exc: BaseException) -> BaseException:
        """``exc`` itself when neither it, its traceback nor its causes hold a secret;
        otherwise a ``RemoteError`` with its type name, message and traceback redacted."""
        if not self.secrets:
            return exc
        text = "".join(traceback.format_exception(exc))
        if not self.leaks(text) and not self.leaks(repr(exc)):
            return exc
        if isinstance(exc, RemoteError):
            return RemoteError(
                exc.error_type, self.text(exc.message), self.text(exc.traceback_text)
            )
        return RemoteError(type(exc).__name__, self.text(str(exc)), self.text(text))

    def config_error(self, error: ConfigError) -> ConfigError:
        """``error`` with secrets masked in its path, message, received value and hint."""
        return dataclasses.replace(
            error,
            path=tuple(self.text(p) for p in error.path),
            message=self.text(error.message),
            received=None if error.received is None else self.text(error.received),
            hint=None if error.hint is None else self.text(error.hint),
        )
