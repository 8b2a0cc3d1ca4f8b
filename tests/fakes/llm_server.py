"""A loopback fake of the OpenAI and Anthropic HTTP APIs, scriptable per test, for the real SDKs to call.

Speaks the providers' wire formats (`tests.fakes.llm_wire`): OpenAI `POST /v1/chat/completions` (JSON or
`stream: true` SSE with `[DONE]`, tool calls, usage), `/v1/embeddings`, `/v1/moderations`,
`/v1/images/generations`, and Anthropic `POST /v1/messages` (JSON or SSE events, `tool_use` blocks).
A test queues `Reply`s; each chat request takes the next one and renders it in the format of the
endpoint that asked (so one script serves either provider). An error reply answers with the provider's
real error body and status (other endpoints take a queued error too). Every request is recorded. Extra
JSON routes (`add_route`) stand in for the HTTP APIs an agent's tools call.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from tests.fakes import llm_wire
from tests.fakes.llm_wire import Event, Reply

__all__ = ["FakeLlmServer", "RecordedRequest", "Reply", "llm_server"]

_CHAT_PATHS = {"/v1/chat/completions", "/v1/messages"}


@dataclass
class RecordedRequest:
    """A request the fake received."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


class FakeLlmServer:
    """The fake's state: queued replies, recorded requests, extra routes; `base_url` once started."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[RecordedRequest] = []
        self.routes: dict[tuple[str, str], tuple[int, Any]] = {}
        self.flag_words: set[str] = {"kill", "hate"}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.port = 0

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>` (Anthropic's base URL; the SDK adds `/v1/messages`)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_base_url(self) -> str:
        """The OpenAI SDK's base URL (with `/v1`)."""
        return f"{self.base_url}/v1"

    def queue(self, *replies: Reply) -> None:
        """Script the next answers, in order."""
        with self._lock:
            self.replies.extend(replies)

    def add_route(self, method: str, path: str, body: Any, status: int = 200) -> None:
        """Answer `method path` with this JSON (a stand-in for a tool's HTTP API)."""
        self.routes[(method.upper(), path)] = (status, body)

    def chat_requests(self) -> list[RecordedRequest]:
        """The recorded chat requests (both providers), oldest first."""
        return [r for r in self.requests if urlsplit(r.path).path in _CHAT_PATHS]

    def take(self, *, errors_only: bool = False) -> Reply | None:
        """The next scripted reply (only if it is an error when `errors_only`), or None."""
        with self._lock:
            if not self.replies or (errors_only and self.replies[0].status == 200):
                return None
            return self.replies.popleft()

    def next_id(self) -> int:
        """A fresh number for ids."""
        return next(self._ids)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        return

    def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _sse(self, events: Iterator[Event]) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")  # the body ends when the connection does
        self.end_headers()
        for name, data in events:
            text = data if isinstance(data, str) else json.dumps(data)
            prefix = f"event: {name}\n" if name else ""
            self.wfile.write(f"{prefix}data: {text}\n\n".encode())
            self.wfile.flush()
        self.close_connection = True

    def _read(self) -> Any:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else None
        except json.JSONDecodeError:
            return raw.decode(errors="replace")

    def _record(self, body: Any) -> str:
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.fake.requests.append(RecordedRequest(self.command, self.path, headers, body))
        return urlsplit(self.path).path

    def do_GET(self) -> None:
        self._route(self._record(None))

    def do_DELETE(self) -> None:
        self._route(self._record(self._read()))

    def do_PUT(self) -> None:
        self._route(self._record(self._read()))

    def do_PATCH(self) -> None:
        self._route(self._record(self._read()))

    def do_POST(self) -> None:
        body = self._read()
        path = self._record(body)
        handler = self._api(path)
        if handler is None:
            self._route(path)
            return
        fake = self.server.fake
        reply = fake.take(errors_only=path not in _CHAT_PATHS)
        if reply is not None and reply.status != 200:
            self._error(path, reply.status)
        elif reply is None and path in _CHAT_PATHS:
            self._json(
                500, llm_wire.error_body(path == "/v1/messages", 500) | {"fake": "no scripted reply left"}
            )
        else:
            handler(body if isinstance(body, dict) else {}, reply or Reply())

    def _api(self, path: str) -> Callable[[dict[str, Any], Reply], None] | None:
        fake = self.server.fake
        handlers: dict[str, Callable[[dict[str, Any], Reply], None]] = {
            "/v1/chat/completions": lambda body, reply: self._chat(body, reply, anthropic=False),
            "/v1/messages": lambda body, reply: self._chat(body, reply, anthropic=True),
            "/v1/embeddings": lambda body, _: self._json(200, llm_wire.embeddings(body)),
            "/v1/moderations": lambda body, _: self._json(
                200, llm_wire.moderations(body, fake.flag_words, fake.next_id())
            ),
            "/v1/images/generations": lambda body, _: self._json(
                200, llm_wire.images(body, [fake.next_id() for _ in range(int(body.get("n") or 1))])
            ),
        }
        return handlers.get(path)

    def _chat(self, body: dict[str, Any], reply: Reply, *, anthropic: bool) -> None:
        number = self.server.fake.next_id()
        if body.get("stream"):
            events = llm_wire.anthropic_events if anthropic else llm_wire.openai_chunks
            self._sse(events(reply, body, number))
            return
        render = llm_wire.anthropic_message if anthropic else llm_wire.openai_completion
        self._json(200, render(reply, body, number))

    def _route(self, path: str) -> None:
        found = self.server.fake.routes.get((self.command, path))
        if found is None:
            self._json(404, {"error": f"no route {self.command} {path}"})
            return
        self._json(found[0], found[1])

    def _error(self, path: str, status: int) -> None:
        anthropic = path == "/v1/messages"
        request_id = f"req_fake{self.server.fake.next_id()}"
        headers = {"request-id" if anthropic else "x-request-id": request_id}
        if status == 429:
            headers["retry-after"] = "1"
        self._json(status, llm_wire.error_body(anthropic, status), headers)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeLlmServer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake


@contextmanager
def llm_server() -> Iterator[FakeLlmServer]:
    """Serve a fresh fake on a free loopback port until the block ends."""
    fake = FakeLlmServer()
    server = _Server(fake)
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
