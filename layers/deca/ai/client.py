"""The `LlmClient` port, shared SDK error translation and the stream collector."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from deca.ai.errors import ProviderAuthError, ProviderError, ProviderRateLimited
from deca.ai.models import LlmRequest, LlmResponse, StreamChunk, ToolCall, Usage

__all__ = ["DEFAULT_TIMEOUT_SECONDS", "LlmClient", "collect_stream", "parse_arguments", "provider_error"]

DEFAULT_TIMEOUT_SECONDS = 60.0
"""Per-request timeout of the SDK clients (the node's own timeout bounds the whole run)."""


class LlmClient(Protocol):
    """A chat model: one answer at a time, or the same answer as a stream of chunks."""

    provider: str

    def complete(self, request: LlmRequest) -> LlmResponse:
        """One model call; raises ProviderError and its subclasses."""
        ...

    def stream(self, request: LlmRequest) -> Iterator[StreamChunk]:
        """The same call streamed: text/tool_call/usage chunks, then one `done` chunk."""
        ...


def _status(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


def _detail(exc: BaseException) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])
    message = getattr(exc, "message", None)
    return message if isinstance(message, str) else str(exc)


def provider_error(exc: BaseException, provider: str) -> ProviderError:
    """Translate an SDK exception into the named error a flow can Retry or Catch."""
    status = _status(exc)
    detail = _detail(exc)
    if status in {429, 529}:  # 529: Anthropic's "overloaded", retried like a rate limit
        return ProviderRateLimited(
            f"{provider} rate limited (HTTP {status}): {detail}", provider=provider, status_code=status
        )
    if status in {401, 403}:
        return ProviderAuthError(
            f"{provider} rejected the API key (HTTP {status}): {detail}",
            provider=provider,
            status_code=status,
        )
    if status is None:
        kind = type(exc).__name__
        return ProviderError(f"{provider} request failed ({kind}): {detail}", provider=provider)
    return ProviderError(f"{provider} error (HTTP {status}): {detail}", provider=provider, status_code=status)


def parse_arguments(raw: str | None) -> dict[str, Any]:
    """Tool arguments sent as JSON text; an empty text is no arguments, a non-object is wrapped."""
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return {"_raw": raw}
    return value if isinstance(value, dict) else {"value": value}


def collect_stream(chunks: Iterable[StreamChunk]) -> LlmResponse:
    """Fold a client's stream back into one response (what `complete` would have returned)."""
    text: list[str] = []
    calls: list[ToolCall] = []
    usage = Usage()
    model = ""
    finish: str | None = None
    for chunk in chunks:
        kind = chunk["type"]
        if kind == "text":
            text.append(chunk["text"])
        elif kind == "tool_call":
            calls.append(ToolCall(id=chunk["id"], name=chunk["name"], arguments=chunk["arguments"]))
        elif kind == "usage":
            usage = usage + Usage(input_tokens=chunk["input_tokens"], output_tokens=chunk["output_tokens"])
        elif kind == "done":
            model = chunk.get("model", "")
            finish = chunk.get("finish_reason")
    return LlmResponse(text="".join(text), tool_calls=calls, usage=usage, model=model, finish_reason=finish)
