"""A loopback fake of the OpenAI and Anthropic HTTP APIs, scriptable per test, for the real SDKs to call.

Speaks the providers' wire formats: OpenAI `POST /v1/chat/completions` (JSON or `stream: true` SSE with
`[DONE]`, tool calls, usage), `/v1/embeddings`, `/v1/moderations`, `/v1/images/generations`, and
Anthropic `POST /v1/messages` (JSON or SSE events, `tool_use` blocks). A test queues `Reply`s; each chat
request takes the next one and renders it in the format of the endpoint that asked (so one script
serves either provider). An error reply answers with the provider's real error body and status. Every
request is recorded. Extra JSON routes (`add_route`) stand in for the HTTP tools an agent calls.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

__all__ = ["FakeLlmServer", "RecordedRequest", "Reply", "llm_server"]

_OPENAI_ERRORS = {
    400: ("invalid_request_error", None, "Invalid request."),
    401: (
        "invalid_request_error",
        "invalid_api_key",
        "Incorrect API key provided: sk-fake. You can find your API key at https://platform.openai.com/account/api-keys.",
    ),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached for requests. Please try again in 20ms."),
    500: ("server_error", None, "The server had an error while processing your request. Sorry about that!"),
    503: ("server_error", None, "The engine is currently overloaded, please try again later"),
}
_ANTHROPIC_ERRORS = {
    400: ("invalid_request_error", "Invalid request."),
    401: ("authentication_error", "invalid x-api-key"),
    429: ("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit."),
    500: ("api_error", "Internal server error"),
    529: ("overloaded_error", "Overloaded"),
}


@dataclass
class Reply:
    """One scripted answer: text and/or tool calls (name, arguments), or an HTTP error `status`."""

    text: str = ""
    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    input_tokens: int = 12
    output_tokens: int = 7
    status: int = 200
    model: str | None = None

    @classmethod
    def error(cls, status: int) -> Reply:
        """An error answer with the provider's error body for this status."""
        return cls(status=status)


@dataclass
class RecordedRequest:
    """A request the fake received."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


def _pieces(text: str, n: int = 3) -> list[str]:
    size = max(1, -(-len(text) // n))
    return [text[i : i + size] for i in range(0, len(text), size)]


def _vector(text: str, dims: int = 8) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    return [round(b / 255, 6) for b in digest[:dims]]


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
        return [r for r in self.requests if r.path in {"/v1/chat/completions", "/v1/messages"}]

    def _next(self, *, errors_only: bool = False) -> Reply | None:
        with self._lock:
            if not self.replies:
                return None
            if errors_only and self.replies[0].status == 200:
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

    # -- plumbing ---------------------------------------------------------------------------------
    def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _sse(self, events: Iterator[tuple[str | None, Any]]) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")
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
        path = urlsplit(self.path).path
        self.server.fake.requests.append(
            RecordedRequest(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        )
        return path

    # -- dispatch ---------------------------------------------------------------------------------
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
        fake = self.server.fake
        handlers = {
            "/v1/chat/completions": self._openai_chat,
            "/v1/messages": self._anthropic_messages,
            "/v1/embeddings": self._embeddings,
            "/v1/moderations": self._moderations,
            "/v1/images/generations": self._images,
        }
        handler = handlers.get(path)
        if handler is None:
            self._route(path)
            return
        reply = fake._next(errors_only=path not in {"/v1/chat/completions", "/v1/messages"})
        if reply is not None and reply.status != 200:
            self._error(path, reply.status)
            return
        handler(body or {}, reply)

    def _route(self, path: str) -> None:
        found = self.server.fake.routes.get((self.command, path))
        if found is None:
            self._json(404, {"error": f"no route {self.command} {path}"})
            return
        self._json(found[0], found[1])

    def _error(self, path: str, status: int) -> None:
        if path == "/v1/messages":
            kind, message = _ANTHROPIC_ERRORS.get(status, ("api_error", "Internal server error"))
            body: Any = {"type": "error", "error": {"type": kind, "message": message}}
            headers = {"request-id": f"req_fake{self.server.fake.next_id()}"}
        else:
            kind, code, message = _OPENAI_ERRORS.get(status, ("server_error", None, "Server error"))
            body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
            headers = {"x-request-id": f"req_fake{self.server.fake.next_id()}"}
        if status == 429:
            headers["retry-after"] = "1"
        self._json(status, body, headers)

    def _missing(self) -> None:
        self._json(
            500,
            {
                "error": {
                    "message": "fake LLM server: no scripted reply left",
                    "type": "server_error",
                    "param": None,
                    "code": None,
                }
            },
        )

    # -- OpenAI -----------------------------------------------------------------------------------
    def _openai_chat(self, body: dict[str, Any], reply: Reply | None) -> None:
        if reply is None:
            self._missing()
            return
        fake = self.server.fake
        model = reply.model or body.get("model", "gpt-4o-mini")
        number = fake.next_id()
        calls = [
            {
                "id": f"call_{number}_{i}",
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(args)},
            }
            for i, (name, args) in enumerate(reply.tool_calls)
        ]
        finish = "tool_calls" if calls else "stop"
        usage = {
            "prompt_tokens": reply.input_tokens,
            "completion_tokens": reply.output_tokens,
            "total_tokens": reply.input_tokens + reply.output_tokens,
        }
        if not body.get("stream"):
            message: dict[str, Any] = {"role": "assistant", "content": reply.text or None, "refusal": None}
            if calls:
                message["tool_calls"] = calls
            self._json(
                200,
                {
                    "id": f"chatcmpl-{number}",
                    "object": "chat.completion",
                    "created": 1_700_000_000,
                    "model": model,
                    "system_fingerprint": "fp_fake",
                    "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
                    "usage": usage,
                },
            )
            return
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        self._sse(
            self._openai_events(
                f"chatcmpl-{number}", model, reply.text, calls, finish, usage if include_usage else None
            )
        )

    @staticmethod
    def _openai_events(
        chunk_id: str,
        model: str,
        text: str,
        calls: list[dict[str, Any]],
        finish: str,
        usage: dict[str, int] | None,
    ) -> Iterator[tuple[str | None, Any]]:
        def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
            return {
                "id": chunk_id,
                "object": "chat.completion.chunk",
                "created": 1_700_000_000,
                "model": model,
                "system_fingerprint": "fp_fake",
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
            }

        yield None, chunk({"role": "assistant", "content": "", "refusal": None})
        for piece in _pieces(text):
            yield None, chunk({"content": piece})
        for index, call in enumerate(calls):
            yield (
                None,
                chunk(
                    {
                        "tool_calls": [
                            {
                                "index": index,
                                "id": call["id"],
                                "type": "function",
                                "function": {"name": call["function"]["name"], "arguments": ""},
                            }
                        ]
                    }
                ),
            )
            for piece in _pieces(call["function"]["arguments"], 2):
                yield None, chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
        yield None, chunk({}, finish)
        if usage is not None:
            yield (
                None,
                {
                    "id": chunk_id,
                    "object": "chat.completion.chunk",
                    "created": 1_700_000_000,
                    "model": model,
                    "choices": [],
                    "usage": usage,
                },
            )
        yield None, "[DONE]"

    def _embeddings(self, body: dict[str, Any], _reply: Reply | None) -> None:
        inputs = body.get("input", [])
        inputs = [inputs] if isinstance(inputs, str) else inputs
        tokens = sum(len(str(i).split()) for i in inputs)
        self._json(
            200,
            {
                "object": "list",
                "model": body.get("model", "text-embedding-3-small"),
                "data": [
                    {"object": "embedding", "index": i, "embedding": _vector(str(t))}
                    for i, t in enumerate(inputs)
                ],
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            },
        )

    def _moderations(self, body: dict[str, Any], _reply: Reply | None) -> None:
        inputs = body.get("input", [])
        inputs = [inputs] if isinstance(inputs, str) else inputs
        results = []
        for text in inputs:
            words = set(str(text).lower().split())
            violent = "kill" in words & self.server.fake.flag_words
            hateful = "hate" in words & self.server.fake.flag_words
            categories = {
                "violence": violent,
                "hate": hateful,
                "harassment": False,
                "self-harm": False,
                "sexual": False,
            }
            scores = {k: (0.9 if v else 0.01) for k, v in categories.items()}
            results.append(
                {"flagged": violent or hateful, "categories": categories, "category_scores": scores}
            )
        self._json(
            200,
            {
                "id": f"modr-{self.server.fake.next_id()}",
                "model": body.get("model", "omni-moderation-latest"),
                "results": results,
            },
        )

    def _images(self, body: dict[str, Any], _reply: Reply | None) -> None:
        count = int(body.get("n") or 1)
        self._json(
            200,
            {
                "created": 1_700_000_000,
                "data": [
                    {"url": f"https://images.fake/{self.server.fake.next_id()}.png"} for _ in range(count)
                ],
            },
        )

    # -- Anthropic --------------------------------------------------------------------------------
    def _anthropic_messages(self, body: dict[str, Any], reply: Reply | None) -> None:
        if reply is None:
            self._missing()
            return
        number = self.server.fake.next_id()
        model = reply.model or body.get("model", "claude-sonnet-4-5")
        blocks: list[dict[str, Any]] = [{"type": "text", "text": reply.text}] if reply.text else []
        blocks += [
            {"type": "tool_use", "id": f"toolu_{number}_{i}", "name": name, "input": args}
            for i, (name, args) in enumerate(reply.tool_calls)
        ]
        stop = "tool_use" if reply.tool_calls else "end_turn"
        if not body.get("stream"):
            self._json(
                200,
                {
                    "id": f"msg_{number}",
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": blocks,
                    "stop_reason": stop,
                    "stop_sequence": None,
                    "usage": {"input_tokens": reply.input_tokens, "output_tokens": reply.output_tokens},
                },
            )
            return
        self._sse(self._anthropic_events(f"msg_{number}", model, blocks, stop, reply))

    @staticmethod
    def _anthropic_events(
        message_id: str, model: str, blocks: list[dict[str, Any]], stop: str, reply: Reply
    ) -> Iterator[tuple[str | None, Any]]:
        yield (
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": message_id,
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {"input_tokens": reply.input_tokens, "output_tokens": 1},
                },
            },
        )
        yield "ping", {"type": "ping"}
        for index, block in enumerate(blocks):
            if block["type"] == "text":
                yield (
                    "content_block_start",
                    {
                        "type": "content_block_start",
                        "index": index,
                        "content_block": {"type": "text", "text": ""},
                    },
                )
                for piece in _pieces(block["text"]):
                    yield (
                        "content_block_delta",
                        {
                            "type": "content_block_delta",
                            "index": index,
                            "delta": {"type": "text_delta", "text": piece},
                        },
                    )
            else:
                yield (
                    "content_block_start",
                    {
                        "type": "content_block_start",
                        "index": index,
                        "content_block": {
                            "type": "tool_use",
                            "id": block["id"],
                            "name": block["name"],
                            "input": {},
                        },
                    },
                )
                for piece in _pieces(json.dumps(block["input"]), 2):
                    yield (
                        "content_block_delta",
                        {
                            "type": "content_block_delta",
                            "index": index,
                            "delta": {"type": "input_json_delta", "partial_json": piece},
                        },
                    )
            yield "content_block_stop", {"type": "content_block_stop", "index": index}
        yield (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": stop, "stop_sequence": None},
                "usage": {"output_tokens": reply.output_tokens},
            },
        )
        yield "message_stop", {"type": "message_stop"}


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
