"""Serving the UI with uvicorn: choose the port (the one asked for, or a free one when
it is taken), print the URL (with the token, when there is one), run until Ctrl-C."""

from __future__ import annotations

import socket
from collections.abc import Callable

import uvicorn
from starlette.applications import Starlette

from daskflow.dashboards.settings import UISettings

__all__ = ["pick_port", "serve", "ui_url"]


def _free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError:
            return False
    return True


def pick_port(host: str, port: int) -> int:
    """``port`` if it can be bound on ``host``, else a free port chosen by the system
    (``port`` 0 always asks the system)."""
    if port and _free(host, port):
        return port
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host.strip("[]"), 0))
        return int(probe.getsockname()[1])


def ui_url(settings: UISettings) -> str:
    host = settings.host
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    url = f"http://{host}:{settings.port}/"
    return url + (f"?token={settings.token}" if settings.token else "")


def serve(app: Starlette, settings: UISettings, announce: Callable[[str], None]) -> None:
    """Run the server in this thread until interrupted; ``announce`` gets the URL."""
    config = uvicorn.Config(
        app,
        host=settings.host.strip("[]"),
        port=settings.port,
        log_level="warning",
        timeout_graceful_shutdown=2,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    announce(ui_url(settings))
    server.run()
