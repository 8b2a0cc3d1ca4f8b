"""`OpenAIChatClient`: the LlmClient on the official `openai` SDK, for OpenAI or any compatible base_url.

Retries are left to the flow (Step Functions Retry), so the SDK runs with `max_retries=0` and a short
timeout. Also serves the openai node's other operations: embeddings, moderation and images.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from deca.ai.client import DEFAULT_TIMEOUT_SECONDS, parse_arguments, provider_error
from deca.ai.models import LlmRequest, LlmResponse, Message, StreamChunk, ToolCall, Usage

__all__ = ["OpenAIChatClient", "openai_messages"]


def _message(message: Message) -> dict[str, Any]:
    if message.role == "tool":
        return {"role": "tool", "tool_call_id": message.tool_call_id or "", "content": message.content}
    if message.role == "assistant" and message.tool_calls:
        return {
            "role": "assistant",
            "content": message.content or None,
            "tool_calls": [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
                }
                for call in message.tool_calls
            ],
        }
    return {"role": message.role, "content": message.content}


def openai_messages(request: LlmRequest) -> list[dict[str, Any]]:
    """The request's conversation in Chat Completions form (the system prompt first)."""
    messages = [{"role": "system", "content": request.system}] if request.system else []
    return messages + [_message(m) for m in request.messages]


def _params(request: LlmRequest, *, provider: str) -> dict[str, Any]:
    params: dict[str, Any] = {"model": request.model, "messages": openai_messages(request)}
    if request.temperature is not None:
        params["temperature"] = request.temperature
    if request.max_tokens is not None:
        # OpenAI replaced max_tokens (rejected by its reasoning models); compatible servers know max_tokens.
        key = "max_completion_tokens" if provider == "openai" else "max_tokens"
        params[key] = request.max_tokens
    if request.tools:
        params["tools"] = [
            {
                "type": "function",
                "function": {"name": t.name, "description": t.description, "parameters": t.parameters},
            }
            for t in request.tools
        ]
    if request.output_schema is not None:
        params["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "answer", "schema": request.output_schema},
        }
    elif request.json_mode:
        params["response_format"] = {"type": "json_object"}
    return params


class OpenAIChatClient:
    """The OpenAI Chat Completions API (or a compatible server at `base_url`) through the openai SDK."""

    provider = "openai"

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        http_client: Any = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        provider: str = "openai",
    ) -> None:
        import openai

        self.provider = provider
        self._sdk = openai.OpenAI(
            api_key=api_key, base_url=base_url, http_client=http_client, timeout=timeout, max_retries=0
        )

    def _call(self, method: Any, **params: Any) -> Any:
        import openai

        try:
            return method(**params)
        except openai.OpenAIError as exc:
            raise provider_error(exc, self.provider) from exc

    def complete(self, request: LlmRequest) -> LlmResponse:
        """One chat completion; tool calls and usage included."""
        completion = self._call(self._sdk.chat.completions.create, **_params(request, provider=self.provider))
        choice = completion.choices[0]
        calls = [
            ToolCall(
                id=c.id,
                name=c.function.name,
                arguments=parse_arguments(c.function.arguments),
            )
            for c in (choice.message.tool_calls or [])
        ]
        usage = completion.usage
        return LlmResponse(
            text=choice.message.content or "",
            tool_calls=calls,
            usage=Usage(
                input_tokens=usage.prompt_tokens if usage else 0,
                output_tokens=usage.completion_tokens if usage else 0,
            ),
            model=completion.model or request.model,
            finish_reason=choice.finish_reason,
        )

    def stream(self, request: LlmRequest) -> Iterator[StreamChunk]:
        """The completion streamed (SSE): text deltas, whole tool calls, usage, then `done`."""
        import openai

        stream = self._call(
            self._sdk.chat.completions.create,
            **_params(request, provider=self.provider),
            stream=True,
            stream_options={"include_usage": True},
        )
        pending: dict[int, dict[str, str]] = {}
        model, finish = request.model, None
        try:
            for chunk in stream:
                model = chunk.model or model
                if chunk.usage is not None:
                    yield {
                        "type": "usage",
                        "input_tokens": chunk.usage.prompt_tokens,
                        "output_tokens": chunk.usage.completion_tokens,
                    }
                for choice in chunk.choices:
                    finish = choice.finish_reason or finish
                    if choice.delta.content:
                        yield {"type": "text", "text": choice.delta.content}
                    for delta in choice.delta.tool_calls or []:
                        call = pending.setdefault(delta.index, {"id": "", "name": "", "arguments": ""})
                        call["id"] = delta.id or call["id"]
                        if delta.function is not None:
                            call["name"] += delta.function.name or ""
                            call["arguments"] += delta.function.arguments or ""
        except openai.OpenAIError as exc:
            raise provider_error(exc, self.provider) from exc
        for _, call in sorted(pending.items()):
            arguments = parse_arguments(call["arguments"])
            yield {"type": "tool_call", "id": call["id"], "name": call["name"], "arguments": arguments}
        yield {"type": "done", "model": model, "finish_reason": finish}

    def embed(self, model: str, inputs: list[str]) -> tuple[list[list[float]], Usage, str]:
        """One vector per input, the tokens used and the model that answered."""
        result = self._call(self._sdk.embeddings.create, model=model, input=inputs)
        vectors = [list(item.embedding) for item in sorted(result.data, key=lambda d: d.index)]
        tokens = result.usage.prompt_tokens if result.usage else 0
        return vectors, Usage(input_tokens=tokens), result.model or model

    def moderate(self, model: str, inputs: list[str]) -> tuple[bool, dict[str, bool], str]:
        """Whether any input was flagged, the categories flagged in any input, the model."""
        result = self._call(self._sdk.moderations.create, model=model, input=inputs)
        categories: dict[str, bool] = {}
        for item in result.results:
            for name, flagged in item.categories.model_dump(by_alias=True).items():
                categories[name] = bool(categories.get(name) or flagged)
        return any(item.flagged for item in result.results), categories, result.model or model

    def images(self, model: str, prompt: str, *, size: str | None, n: int | None) -> list[str]:
        """URLs (or data URLs) of generated images."""
        params: dict[str, Any] = {"model": model, "prompt": prompt}
        if size is not None:
            params["size"] = size
        if n is not None:
            params["n"] = n
        result = self._call(self._sdk.images.generate, **params)
        return [
            img.url if img.url else f"data:image/png;base64,{img.b64_json}" for img in (result.data or [])
        ]
