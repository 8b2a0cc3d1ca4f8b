"""`AnthropicClient`: the LlmClient on the official `anthropic` SDK (Messages API, tool use, streaming).

A structured answer uses the API's `output_config.format` (JSON Schema) when the installed SDK has it,
else it is asked for in the system prompt; the loop parses and validates the text either way. The
sampling temperature is sent only to SDKs that still accept it. Retries are left to the flow
(`max_retries=0`).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from typing import Any

from deca.ai.client import DEFAULT_TIMEOUT_SECONDS, parse_arguments, provider_error
from deca.ai.models import LlmRequest, LlmResponse, Message, StreamChunk, ToolCall, Usage

__all__ = ["DEFAULT_MAX_TOKENS", "AnthropicClient", "anthropic_messages"]

DEFAULT_MAX_TOKENS = 4096
"""The Messages API requires max_tokens; used when the agent sets none."""


def _assistant(message: Message) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [{"type": "text", "text": message.content}] if message.content else []
    blocks += [
        {"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments} for c in message.tool_calls
    ]
    return {"role": "assistant", "content": blocks}


def anthropic_messages(request: LlmRequest) -> list[dict[str, Any]]:
    """The conversation in Messages API form: tool results become `tool_result` blocks of a user turn."""
    out: list[dict[str, Any]] = []
    for message in request.messages:
        if message.role == "assistant":
            out.append(_assistant(message))
            continue
        block: dict[str, Any] = (
            {"type": "tool_result", "tool_use_id": message.tool_call_id or "", "content": message.content}
            if message.role == "tool"
            else {"type": "text", "text": message.content}
        )
        # Consecutive user-side blocks (several tool results) must share one user turn.
        if out and out[-1]["role"] == "user":
            out[-1]["content"].append(block)
        else:
            out.append({"role": "user", "content": [block]})
    return out


def _system(request: LlmRequest, *, native_format: bool) -> str | None:
    parts = [request.system] if request.system else []
    if native_format:
        pass  # the schema travels in output_config
    elif request.output_schema is not None:
        parts.append(
            "Answer with one JSON value only, no prose and no code fence, matching this JSON Schema:\n"
            + json.dumps(request.output_schema)
        )
    elif request.json_mode:
        parts.append("Answer with one JSON object only, no prose and no code fence.")
    return "\n\n".join(parts) if parts else None


def _params(request: LlmRequest, accepted: frozenset[str]) -> dict[str, Any]:
    """Messages API arguments; features the installed SDK does not accept are left out or emulated."""
    params: dict[str, Any] = {
        "model": request.model,
        "messages": anthropic_messages(request),
        "max_tokens": request.max_tokens or DEFAULT_MAX_TOKENS,
    }
    schema = request.output_schema or ({"type": "object"} if request.json_mode else None)
    native_format = schema is not None and "output_config" in accepted
    if native_format:
        params["output_config"] = {"format": {"type": "json_schema", "schema": schema}}
    system = _system(request, native_format=native_format)
    if system:
        params["system"] = system
    if request.temperature is not None and "temperature" in accepted:
        params["temperature"] = min(request.temperature, 1.0)  # Anthropic's range is 0..1
    if request.tools:
        params["tools"] = [
            {"name": t.name, "description": t.description, "input_schema": t.parameters}
            for t in request.tools
        ]
    return params


class AnthropicClient:
    """The Anthropic Messages API through the anthropic SDK (`base_url` for proxies and tests)."""

    provider = "anthropic"

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        http_client: Any = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        import anthropic

        self._sdk = anthropic.Anthropic(
            api_key=api_key, base_url=base_url, http_client=http_client, timeout=timeout, max_retries=0
        )
        # SDK generations differ (newer ones have output_config and no temperature): send what this one takes.
        self._accepted = frozenset(inspect.signature(self._sdk.messages.create).parameters)

    def _call(self, **params: Any) -> Any:
        import anthropic

        try:
            return self._sdk.messages.create(**params)
        except anthropic.AnthropicError as exc:
            raise provider_error(exc, self.provider) from exc

    def complete(self, request: LlmRequest) -> LlmResponse:
        """One message; text blocks joined, tool_use blocks as tool calls."""
        message = self._call(**_params(request, self._accepted))
        text, calls = [], []
        for block in message.content:
            if block.type == "text":
                text.append(block.text)
            elif block.type == "tool_use":
                arguments = block.input if isinstance(block.input, dict) else {"value": block.input}
                calls.append(ToolCall(id=block.id, name=block.name, arguments=arguments))
        return LlmResponse(
            text="".join(text),
            tool_calls=calls,
            usage=Usage(input_tokens=message.usage.input_tokens, output_tokens=message.usage.output_tokens),
            model=message.model or request.model,
            finish_reason=message.stop_reason,
        )

    def stream(self, request: LlmRequest) -> Iterator[StreamChunk]:
        """The message streamed (SSE events): text deltas, whole tool calls, usage, then `done`."""
        import anthropic

        events = self._call(**_params(request, self._accepted), stream=True)
        tools: dict[int, dict[str, str]] = {}
        model, finish = request.model, None
        try:
            for event in events:
                if event.type == "message_start":
                    model = event.message.model or model
                    usage = event.message.usage
                    # message_delta carries the cumulative output count; count input here only.
                    yield {"type": "usage", "input_tokens": usage.input_tokens, "output_tokens": 0}
                elif event.type == "content_block_start" and event.content_block.type == "tool_use":
                    block = event.content_block
                    tools[event.index] = {"id": block.id, "name": block.name, "json": ""}
                elif event.type == "content_block_delta":
                    if event.delta.type == "text_delta":
                        yield {"type": "text", "text": event.delta.text}
                    elif event.delta.type == "input_json_delta":
                        tools[event.index]["json"] += event.delta.partial_json
                elif event.type == "content_block_stop" and event.index in tools:
                    call = tools.pop(event.index)
                    arguments = parse_arguments(call["json"])
                    yield {
                        "type": "tool_call",
                        "id": call["id"],
                        "name": call["name"],
                        "arguments": arguments,
                    }
                elif event.type == "message_delta":
                    finish = event.delta.stop_reason or finish
                    yield {"type": "usage", "input_tokens": 0, "output_tokens": event.usage.output_tokens}
        except anthropic.AnthropicError as exc:
            raise provider_error(exc, self.provider) from exc
        yield {"type": "done", "model": model, "finish_reason": finish}
