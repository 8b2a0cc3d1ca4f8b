"""Wire formats of the OpenAI and Anthropic APIs for the fake LLM server: bodies, SSE events, errors.

Pure functions from a scripted `Reply` (and the request body) to what the real API would send, so the
real SDKs parse them exactly as they parse the providers' answers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Event",
    "Reply",
    "anthropic_events",
    "anthropic_message",
    "embeddings",
    "error_body",
    "images",
    "moderations",
    "openai_chunks",
    "openai_completion",
]

Event = tuple[str | None, Any]
"""One server-sent event: (event name or None, data as JSON-able value or raw text)."""

CREATED = 1_700_000_000

_OPENAI_ERRORS: dict[int, tuple[str, str | None, str]] = {
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
_ANTHROPIC_ERRORS: dict[int, tuple[str, str]] = {
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


def _pieces(text: str, n: int = 3) -> list[str]:
    size = max(1, -(-len(text) // n))
    return [text[i : i + size] for i in range(0, len(text), size)]


def error_body(anthropic: bool, status: int) -> dict[str, Any]:
    """The provider's JSON error body for an HTTP status."""
    if anthropic:
        kind, message = _ANTHROPIC_ERRORS.get(status, ("api_error", "Internal server error"))
        return {"type": "error", "error": {"type": kind, "message": message}}
    kind, code, text = _OPENAI_ERRORS.get(status, ("server_error", None, "Server error"))
    return {"error": {"message": text, "type": kind, "param": None, "code": code}}


# -- OpenAI ---------------------------------------------------------------------------------------


def _openai_calls(reply: Reply, number: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"call_{number}_{i}",
            "type": "function",
            "function": {"name": name, "arguments": json.dumps(args)},
        }
        for i, (name, args) in enumerate(reply.tool_calls)
    ]


def _openai_usage(reply: Reply) -> dict[str, int]:
    return {
        "prompt_tokens": reply.input_tokens,
        "completion_tokens": reply.output_tokens,
        "total_tokens": reply.input_tokens + reply.output_tokens,
    }


def openai_completion(reply: Reply, body: dict[str, Any], number: int) -> dict[str, Any]:
    """A `chat.completion` object."""
    calls = _openai_calls(reply, number)
    message: dict[str, Any] = {"role": "assistant", "content": reply.text or None, "refusal": None}
    if calls:
        message["tool_calls"] = calls
    return {
        "id": f"chatcmpl-{number}",
        "object": "chat.completion",
        "created": CREATED,
        "model": reply.model or body.get("model", "gpt-4o-mini"),
        "system_fingerprint": "fp_fake",
        "choices": [
            {
                "index": 0,
                "message": message,
                "logprobs": None,
                "finish_reason": "tool_calls" if calls else "stop",
            }
        ],
        "usage": _openai_usage(reply),
    }


def openai_chunks(reply: Reply, body: dict[str, Any], number: int) -> Iterator[Event]:
    """`chat.completion.chunk` events: role, text pieces, tool-call pieces, finish, usage, `[DONE]`."""
    model = reply.model or body.get("model", "gpt-4o-mini")
    calls = _openai_calls(reply, number)

    def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
        return {
            "id": f"chatcmpl-{number}",
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": model,
            "system_fingerprint": "fp_fake",
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
        }

    yield None, chunk({"role": "assistant", "content": "", "refusal": None})
    for piece in _pieces(reply.text):
        yield None, chunk({"content": piece})
    for index, call in enumerate(calls):
        head = {
            "index": index,
            "id": call["id"],
            "type": "function",
            "function": {"name": call["function"]["name"], "arguments": ""},
        }
        yield None, chunk({"tool_calls": [head]})
        for piece in _pieces(call["function"]["arguments"], 2):
            yield None, chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
    yield None, chunk({}, "tool_calls" if calls else "stop")
    if (body.get("stream_options") or {}).get("include_usage"):
        usage = {
            "id": f"chatcmpl-{number}",
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": model,
            "choices": [],
            "usage": _openai_usage(reply),
        }
        yield None, usage
    yield None, "[DONE]"


def _inputs(body: dict[str, Any]) -> list[str]:
    value = body.get("input", [])
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _vector(text: str, dims: int = 8) -> list[float]:
    return [round(b / 255, 6) for b in hashlib.sha256(text.encode()).digest()[:dims]]


def embeddings(body: dict[str, Any]) -> dict[str, Any]:
    """An embeddings list: a deterministic vector per input, tokens counted as words."""
    inputs = _inputs(body)
    tokens = sum(len(text.split()) for text in inputs)
    return {
        "object": "list",
        "model": body.get("model", "text-embedding-3-small"),
        "data": [{"object": "embedding", "index": i, "embedding": _vector(t)} for i, t in enumerate(inputs)],
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }


def moderations(body: dict[str, Any], flag_words: set[str], number: int) -> dict[str, Any]:
    """A moderation result per input: `kill` flags violence, `hate` flags hate (when in `flag_words`)."""
    results = []
    for text in _inputs(body):
        words = set(text.lower().split()) & flag_words
        categories = {
            "violence": "kill" in words,
            "hate": "hate" in words,
            "harassment": False,
            "self-harm": False,
            "sexual": False,
        }
        scores = {name: 0.9 if hit else 0.01 for name, hit in categories.items()}
        results.append(
            {"flagged": any(categories.values()), "categories": categories, "category_scores": scores}
        )
    return {"id": f"modr-{number}", "model": body.get("model", "omni-moderation-latest"), "results": results}


def images(body: dict[str, Any], numbers: list[int]) -> dict[str, Any]:
    """Generated image URLs, one per number."""
    return {"created": CREATED, "data": [{"url": f"https://images.fake/{n}.png"} for n in numbers]}


# -- Anthropic ------------------------------------------------------------------------------------


def _blocks(reply: Reply, number: int) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [{"type": "text", "text": reply.text}] if reply.text else []
    return blocks + [
        {"type": "tool_use", "id": f"toolu_{number}_{i}", "name": name, "input": args}
        for i, (name, args) in enumerate(reply.tool_calls)
    ]


def anthropic_message(reply: Reply, body: dict[str, Any], number: int) -> dict[str, Any]:
    """A Messages API `message` object."""
    return {
        "id": f"msg_{number}",
        "type": "message",
        "role": "assistant",
        "model": reply.model or body.get("model", "claude-sonnet-4-6"),
        "content": _blocks(reply, number),
        "stop_reason": "tool_use" if reply.tool_calls else "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": reply.input_tokens, "output_tokens": reply.output_tokens},
    }


def _block_events(index: int, block: dict[str, Any]) -> Iterator[Event]:
    if block["type"] == "text":
        start: dict[str, Any] = {"type": "text", "text": ""}
        deltas = [{"type": "text_delta", "text": p} for p in _pieces(block["text"])]
    else:
        start = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
        deltas = [
            {"type": "input_json_delta", "partial_json": p} for p in _pieces(json.dumps(block["input"]), 2)
        ]
    yield "content_block_start", {"type": "content_block_start", "index": index, "content_block": start}
    for delta in deltas:
        yield "content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}
    yield "content_block_stop", {"type": "content_block_stop", "index": index}


def anthropic_events(reply: Reply, body: dict[str, Any], number: int) -> Iterator[Event]:
    """Messages API stream events: message_start, ping, content blocks, message_delta, message_stop."""
    message = anthropic_message(reply, body, number)
    start = {
        **message,
        "content": [],
        "stop_reason": None,
        "usage": {"input_tokens": reply.input_tokens, "output_tokens": 1},
    }
    yield "message_start", {"type": "message_start", "message": start}
    yield "ping", {"type": "ping"}
    for index, block in enumerate(message["content"]):
        yield from _block_events(index, block)
    delta = {"stop_reason": message["stop_reason"], "stop_sequence": None}
    yield (
        "message_delta",
        {"type": "message_delta", "delta": delta, "usage": {"output_tokens": reply.output_tokens}},
    )
    yield "message_stop", {"type": "message_stop"}
