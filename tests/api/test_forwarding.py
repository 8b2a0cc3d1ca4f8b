"""Forwarding from an extra `deca dev` process to the main one: the request as sent (minus hop-by-hop
headers, with the caller's address), the answer as streamed back, 413 over the body limit, 503 when the main
process cannot be reached."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from api.forwarding import PrimaryForwarder

Message = dict[str, Any]


def _scope(body: bytes, **extra: Any) -> dict[str, Any]:
    return {
        "type": "http",
        "method": "POST",
        "scheme": "http",
        "path": "/flows/a b",
        "raw_path": b"/flows/a%20b",
        "query_string": b"x=1&y=2",
        "client": ("10.1.2.3", 5555),
        "headers": [
            (b"host", b"studio.local:8080"),
            (b"authorization", b"Bearer t"),
            (b"connection", b"keep-alive"),
            (b"proxy-authorization", b"Basic for-the-hop-only"),
            (b"x-forwarded-for", b"6.6.6.6"),
            (b"content-length", str(len(body)).encode()),
        ],
        **extra,
    }


def _serve(forwarder: PrimaryForwarder, scope: dict[str, Any], chunks: list[bytes]) -> list[Message]:
    sent: list[Message] = []
    incoming = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]

    async def receive() -> Message:
        return incoming.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    async def run() -> None:
        await forwarder(scope, receive, send)
        await forwarder.aclose()

    asyncio.run(run())
    return sent


def test_the_request_goes_to_the_main_process_and_its_answer_comes_back() -> None:
    seen: list[httpx.Request] = []

    def main_process(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            201,
            headers={"content-type": "text/event-stream", "x-request-id": "r1"},
            stream=httpx.ByteStream(b"data: 1\n\n"),
        )

    forwarder = PrimaryForwarder(
        "http://127.0.0.1:9", max_body_bytes=100, transport=httpx.MockTransport(main_process)
    )

    sent = _serve(forwarder, _scope(b'{"a": 1}'), [b'{"a"', b": 1}"])

    [request] = seen
    assert (request.method, request.url.raw_path) == ("POST", b"/flows/a%20b?x=1&y=2")
    assert request.content == b'{"a": 1}'
    assert request.headers["authorization"] == "Bearer t"
    assert request.headers["host"] == "studio.local:8080"
    assert (
        request.headers["x-forwarded-for"] == "10.1.2.3"
    )  # the caller's own address, not the one it claimed
    assert "proxy-authorization" not in request.headers  # hop-by-hop: for this hop only
    start, *bodies = sent
    assert start["status"] == 201
    assert (b"x-request-id", b"r1") in start["headers"]
    assert b"".join(m["body"] for m in bodies) == b"data: 1\n\n"
    assert bodies[-1]["more_body"] is False


def test_a_body_over_the_limit_is_refused_without_calling_the_main_process() -> None:
    calls: list[httpx.Request] = []
    forwarder = PrimaryForwarder(
        "http://127.0.0.1:9",
        max_body_bytes=10,
        transport=httpx.MockTransport(lambda request: calls.append(request) or httpx.Response(200)),
    )

    start, body = _serve(forwarder, _scope(b"x" * 11), [b"x" * 6, b"x" * 5])

    assert start["status"] == 413
    assert b"payload_too_large" in body["body"]
    assert calls == []


def test_an_unreachable_main_process_is_a_503_to_retry() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    forwarder = PrimaryForwarder(
        "http://127.0.0.1:9", max_body_bytes=100, transport=httpx.MockTransport(down)
    )

    start, body = _serve(forwarder, _scope(b"{}"), [b"{}"])

    assert start["status"] == 503
    assert (b"retry-after", b"1") in start["headers"]
    assert b"unavailable" in body["body"]
