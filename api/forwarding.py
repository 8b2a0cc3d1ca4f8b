"""Forwarding requests from an extra process of `deca dev --workers N` to the main one.

The extra processes share the studio's port (`SO_REUSEPORT`: the kernel spreads connections over them) and
answer webhook calls of brief flows themselves; every other request, and a webhook call of any other flow,
goes to the main process (which keeps the long-lived executions, the scheduler and the bus) on its private
loopback port. A request's body is read first (refused with 413 above the API's body limit, as the main
process would); the answer streams back (server-sent events). The main process sees the caller's address
in `X-Forwarded-For` (uvicorn trusts it from loopback).
"""

from __future__ import annotations

import httpx
from starlette.types import Receive, Scope, Send

__all__ = ["WEBHOOK_FORWARD", "PrimaryForwarder"]

WEBHOOK_FORWARD = "webhook_forward"
"""The app-state attribute holding the forwarder of webhook calls this process does not run."""

_HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"x-forwarded-for",
        b"x-forwarded-proto",
        b"content-length",  # of the body as forwarded (set again)
    }
)
_UNAVAILABLE = b'{"error": {"code": "unavailable", "message": "the studio is not ready yet", "details": []}}'
_TOO_LARGE = (
    '{{"error": {{"code": "payload_too_large", "message": "the body exceeds {} bytes", "details": []}}}}'
)


class _TooLarge(Exception):
    pass


class PrimaryForwarder:
    """An ASGI app sending every request to the main process at `base_url` and streaming its answer back."""

    def __init__(
        self, base_url: str, *, max_body_bytes: int, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.max_body_bytes = max_body_bytes
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(None),  # the main process applies its own limits (and streams may last)
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=64),
            transport=transport,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Forward a request whose body is still to be received."""
        if scope["type"] != "http":  # lifespan: nothing to start; websockets: the API has none
            return
        try:
            body = await _body_of(receive, self.max_body_bytes)
        except _TooLarge:
            await _send_json(send, 413, _TOO_LARGE.format(self.max_body_bytes).encode())
            return
        await self.forward(scope, body, send)

    async def forward(self, scope: Scope, content: bytes, send: Send) -> None:
        """Send the request to the main process and its answer to the caller (503 if it cannot be reached)."""
        headers = [(name, value) for name, value in scope["headers"] if name.lower() not in _HOP_BY_HOP]
        client = scope.get("client")
        if client:
            headers.append((b"x-forwarded-for", str(client[0]).encode("latin-1")))
        headers.append((b"x-forwarded-proto", str(scope.get("scheme", "http")).encode("latin-1")))
        target = scope.get("raw_path") or scope["path"].encode()
        if scope.get("query_string"):
            target += b"?" + scope["query_string"]
        request = self._client.build_request(
            scope["method"], target.decode("latin-1"), headers=headers, content=content
        )
        try:
            answer = await self._client.send(request, stream=True)
        except httpx.TransportError:
            await _send_json(send, 503, _UNAVAILABLE, (b"retry-after", b"1"))
            return
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": answer.status_code,
                    "headers": [(k, v) for k, v in answer.headers.raw if k.lower() not in _HOP_BY_HOP],
                }
            )
            async for chunk in answer.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            await answer.aclose()

    async def aclose(self) -> None:
        """Close the connections to the main process."""
        await self._client.aclose()


async def _body_of(receive: Receive, limit: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        part = message.get("body", b"")
        size += len(part)
        if size > limit:
            raise _TooLarge()
        parts.append(part)
        if not message.get("more_body", False):
            break
    return b"".join(parts)


async def _send_json(send: Send, status: int, body: bytes, *extra: tuple[bytes, bytes]) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
