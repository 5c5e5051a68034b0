"""How a UI server is exposed: address, read-only mode, access token, and the hosts its
``Host`` header may name (loopback names and the bound address).

>>> s = UISettings(host="127.0.0.1", port=3000)
>>> s.allowed_hosts, s.is_loopback
(('127.0.0.1', 'localhost', '[::1]', '::1'), True)
>>> UISettings(host="0.0.0.0", port=3000).check_exposure()
Traceback (most recent call last):
...
ValueError: binding 0.0.0.0 exposes the UI to other machines: give --token (or --insecure)
"""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass, field

__all__ = ["UISettings"]

_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]", "::1")


def _is_loopback(host: str) -> bool:
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class UISettings:
    """``csrf_token`` is made per server process; pages embed it and every mutating request
    must send it back (``X-CSRF-Token``)."""

    host: str = "127.0.0.1"
    port: int = 3000
    read_only: bool = False
    token: str | None = None
    insecure: bool = False
    extra_hosts: tuple[str, ...] = ()
    csrf_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    @property
    def is_loopback(self) -> bool:
        return _is_loopback(self.host)

    @property
    def allowed_hosts(self) -> tuple[str, ...]:
        hosts = list(_LOOPBACK_NAMES)
        for host in (self.host, *self.extra_hosts):
            if host not in hosts and host not in ("0.0.0.0", "::"):
                hosts.append(host)
        return tuple(hosts)

    def check_exposure(self) -> None:
        """Refuse a non-loopback bind without a token, unless explicitly insecure."""
        if not self.is_loopback and not self.token and not self.insecure:
            raise ValueError(
                f"binding {self.host} exposes the UI to other machines: give --token "
                "(or --insecure)"
            )
