"""What every request passes before a page sees it: the run's token, a Host header naming this
server (no DNS rebinding), a same-origin Origin on writes (no CSRF), a body no larger than the
upload limit (413, counted while it streams), and strict response headers (CSP with a nonce)."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

from simulator.app.config import AppConfig

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SAFE_METHODS = frozenset({"GET", "HEAD"})


class BodyTooLarge(Exception):
    """The request body grew past the upload limit while it was read."""


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def refusal(scope: Scope, config: AppConfig) -> tuple[int, str] | None:
    """Why a request is refused (status, reason), or None when it may go on."""
    host = _header(scope, b"host")
    if host not in config.allowed_hosts:
        return 403, "wrong host"
    token = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [""])[0]
    if not secrets.compare_digest(token.encode(), config.token.encode()):
        return 403, "missing or wrong token"
    if scope.get("method", "GET") not in SAFE_METHODS:
        origin = _header(scope, b"origin")
        if origin is not None and origin != config.origin:
            return 403, "cross-origin form"
        if _header(scope, b"sec-fetch-site") not in (None, "same-origin", "none"):
            return 403, "cross-site form"
    length = _header(scope, b"content-length")
    if length is not None and length.isdigit() and int(length) > config.upload_limit:
        return 413, "upload too large"
    return None


def security_headers(nonce: str) -> list[tuple[bytes, bytes]]:
    csp = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
        "img-src data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'"
    )
    return [
        (b"content-security-policy", csp.encode()),
        (b"referrer-policy", b"same-origin"),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"cache-control", b"no-store"),
    ]


class Guard:
    """ASGI middleware applying `refusal`, the streamed size limit and `security_headers`;
    the CSP nonce of the request is `scope["state"]["nonce"]` for the templates."""

    def __init__(self, app: ASGIApp, config: AppConfig) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refused = refusal(scope, self.config)
        if refused is not None:
            await _plain(send, *refused)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["nonce"] = nonce
        limit, seen, started = self.config.upload_limit, 0, False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge
            return message

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), *security_headers(nonce)]
            await send(message)

        try:
            await self.app(scope, counted, with_headers)
        except BodyTooLarge:
            if not started:
                await _plain(send, 413, "upload too large")


async def _plain(send: Send, status: int, reason: str) -> None:
    body = f"{status} {reason}\n".encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), *security_headers("none")]
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
