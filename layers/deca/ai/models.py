"""Provider-neutral chat types: messages, tool specs and calls, requests, responses, usage, stream chunks.

Adapters translate these to and from each provider's wire format, so the tool-calling loop, memory and
structured output never see an SDK type.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ChunkType",
    "LlmRequest",
    "LlmResponse",
    "Message",
    "StreamChunk",
    "ToolCall",
    "ToolSpec",
    "Usage",
]

ChunkType = Literal["text", "tool_call", "tool_result", "usage", "done"]
StreamChunk = dict[str, Any]
"""One streamed piece: `{"type": "text", "text": ...}`, `{"type": "tool_call", "id", "name", "arguments"}`,
`{"type": "tool_result", "id", "name", "result"}`, `{"type": "usage", "input_tokens", "output_tokens",
"cost_usd"}`, `{"type": "done", ...}`."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ToolSpec(_Model):
    """A tool as the model sees it: a name, what it does, a JSON Schema of its arguments."""

    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    description: str = ""
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})


class ToolCall(_Model):
    """The model asked to call a tool with these arguments."""

    id: str
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class Message(_Model):
    """One turn of a conversation (`tool`: the result of the tool call `tool_call_id`)."""

    role: Literal["user", "assistant", "tool"]
    content: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    tool_call_id: str | None = None
    name: str | None = None


class Usage(_Model):
    """Tokens counted by the provider."""

    input_tokens: int = 0
    output_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
        )


class LlmRequest(_Model):
    """One model call."""

    model: str
    messages: list[Message]
    system: str | None = None
    tools: list[ToolSpec] = Field(default_factory=list)
    temperature: float | None = None
    max_tokens: int | None = None
    output_schema: dict[str, Any] | None = Field(
        default=None, description="Ask for a JSON answer matching this schema"
    )
    json_mode: bool = Field(default=False, description="Ask for any JSON object (no schema)")


class LlmResponse(_Model):
    """One model answer: text and/or tool calls."""

    text: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    model: str = ""
    finish_reason: str | None = None
