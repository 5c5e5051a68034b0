"""The UI's guard, one ASGI middleware in front of every route:

- ``Host`` must name this server (loopback names, the bound address, ``--allow-host``):
  defeats DNS rebinding.
- With a token, a request needs it: ``?token=`` once (it becomes an HttpOnly, SameSite
  cookie and the URL is cleaned), the cookie, or ``Authorization: Bearer``.
- Every request but GET/HEAD must carry the page's CSRF token in ``X-CSRF-Token`` and,
  when the browser sends an ``Origin``, come from this origin; ``--read-only`` refuses
  them all.
- Responses carry a Content-Security-Policy allowing only this origin, so the pages cannot
  load or send anything elsewhere (a route may set a stricter one of its own, as the
  sandboxed performance report does).
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from daskflow.dashboards.settings import UISettings

__all__ = ["CSP", "TOKEN_COOKIE", "SecurityMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOKEN_COOKIE = "daskflow_token"
_SAFE_METHODS = {"GET", "HEAD"}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


def _host_name(host_header: str) -> str:
    if host_header.startswith("["):
        return host_header.split("]", 1)[0] + "]"
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and hmac.compare_digest(a.encode(), b.encode())


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, settings: UISettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._check(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                message["headers"] = headers + [h for h in _HEADERS if h[0] not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _check(self, scope: Scope) -> Response | None:
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if _host_name(host) not in self.settings.allowed_hosts:
            return PlainTextResponse(f"Invalid Host header {host!r}", status_code=400)
        if self.settings.token:
            refusal = self._check_token(scope, headers)
            if refusal is not None:
                return refusal
        if scope["method"] not in _SAFE_METHODS:
            return self._check_mutation(headers, host)
        return None

    def _check_token(self, scope: Scope, headers: Headers) -> Response | None:
        token = self.settings.token
        query = dict(parse_qsl(scope.get("query_string", b"").decode()))
        if _same(query.get("token"), token) and scope["method"] in _SAFE_METHODS:
            rest = urlencode([(k, v) for k, v in query.items() if k != "token"])
            response = RedirectResponse(scope["path"] + (f"?{rest}" if rest else ""), 303)
            response.set_cookie(TOKEN_COOKIE, str(token), httponly=True, samesite="strict")
            return response
        cookie = SimpleCookie(headers.get("cookie", ""))
        from_cookie = cookie[TOKEN_COOKIE].value if TOKEN_COOKIE in cookie else None
        auth = headers.get("authorization", "")
        bearer = auth[7:] if auth.lower().startswith("bearer ") else None
        if _same(from_cookie, token) or _same(bearer, token):
            return None
        return PlainTextResponse(
            "This daskflow UI needs its access token: open the URL `daskflow ui` printed.",
            status_code=401,
        )

    def _check_mutation(self, headers: Headers, host: str) -> Response | None:
        if self.settings.read_only:
            return PlainTextResponse("This daskflow UI is read-only.", status_code=403)
        if not _same(headers.get("x-csrf-token"), self.settings.csrf_token):
            return PlainTextResponse("Missing or wrong CSRF token.", status_code=403)
        origin = headers.get("origin")
        if origin is not None and urlsplit(origin).netloc != host:
            return PlainTextResponse(f"Cross-origin request from {origin} refused.", 403)
        return None
