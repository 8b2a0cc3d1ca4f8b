"""`openai`: calls the OpenAI API directly (chat, embeddings, images, moderation)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from deca.nodes.base import NodeOutput, NodeSpec
from deca.nodes.common import (
    OPERATION_HELP,
    URL_OR_TEMPLATE_PATTERN,
    CredentialId,
    Operation,
    OperationConfig,
)

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["SPEC", "OpenAIConfig", "OpenAIMessage", "OpenAIOutput", "OpenAIUsage", "run"]


class OpenAIMessage(BaseModel):
    """One chat message."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["system", "user", "assistant"] = Field(description="Who speaks")
    content: str = Field(min_length=1, description="Text (templates allowed)")


class OpenAIConfig(OperationConfig):
    """Config of the openai node."""

    operation: Literal["chat", "embedding", "image", "moderation"] = Field(description=OPERATION_HELP)
    model: str = Field(
        min_length=1, max_length=100, description="e.g. `gpt-4o-mini`, `text-embedding-3-small`"
    )
    credential_id: CredentialId = Field(description="Credential holding the OpenAI API key")
    messages: list[OpenAIMessage] | None = Field(
        default=None, min_length=1, description="The conversation (chat)"
    )
    temperature: float | None = Field(
        description="Sampling temperature; the API default when unset", default=None, ge=0, le=2
    )
    max_tokens: int | None = Field(default=None, ge=1, le=200_000, description="Maximum tokens of the answer")
    response_format: Literal["text", "json_object"] | None = Field(
        default=None, description="json_object: the answer is parsed into `data` (chat)"
    )
    input: str | list[str] | None = Field(default=None, description="Text(s) to embed or moderate")
    prompt: str | None = Field(default=None, min_length=1, max_length=32_000, description="Image description")
    size: Literal["256x256", "512x512", "1024x1024", "1024x1792", "1792x1024"] | None = Field(
        default=None, description="Image size (default 1024x1024)"
    )
    n: int | None = Field(default=None, ge=1, le=10, description="Images to generate")
    base_url: str | None = Field(
        default=None, pattern=URL_OR_TEMPLATE_PATTERN, description="An OpenAI-compatible endpoint"
    )

    OPERATIONS: ClassVar[Mapping[str, Operation]] = {
        "chat": Operation(required=("messages",), optional=("temperature", "max_tokens", "response_format")),
        "embedding": Operation(required=("input",)),
        "image": Operation(required=("prompt",), optional=("size", "n")),
        "moderation": Operation(required=("input",)),
    }


class OpenAIUsage(NodeOutput):
    """Tokens used."""

    input_tokens: int = Field(default=0, description="Prompt tokens")
    output_tokens: int = Field(default=0, description="Answer tokens")
    cost_usd: float = Field(default=0.0, description="Estimated cost in US dollars")


class OpenAIOutput(NodeOutput):
    """What an openai node returns (fields not used by the operation are empty)."""

    text: str | None = Field(default=None, description="The answer (chat)")
    data: Any = Field(default=None, description="The parsed JSON answer (chat with json_object)")
    finish_reason: str | None = Field(
        default=None, description="Why the answer ended: stop, length, content_filter (chat)"
    )
    embeddings: list[list[float]] = Field(
        default_factory=list, description="One vector per input (embedding)"
    )
    images: list[str] = Field(default_factory=list, description="URLs of the generated images (image)")
    flagged: bool | None = Field(default=None, description="Whether any input was flagged (moderation)")
    categories: dict[str, bool] = Field(default_factory=dict, description="Flagged categories (moderation)")
    usage: OpenAIUsage = Field(default_factory=OpenAIUsage, description="Tokens used")
    model: str = Field(default="", description="The model that answered")


def run(config: OpenAIConfig, task: NodeTask, ctx: NodeContext) -> OpenAIOutput:
    """Call the OpenAI API (or a compatible base_url) for the configured operation."""
    from deca.ai.openai_node import run_openai

    return run_openai(config, ctx)


SPEC = NodeSpec(
    type="openai",
    category="integration",
    description="Call the OpenAI API: chat completion, embeddings, image generation or moderation",
    config=OpenAIConfig,
    output=OpenAIOutput,
    icon="sparkles",
    errors=(
        "ProviderRateLimited",
        "ProviderError",
        "ProviderAuthError",
        "StructuredOutputInvalid",
        "CredentialNotFound",
    ),
    example={
        "operation": "chat",
        "model": "gpt-4o-mini",
        "credential_id": "openai-prod",
        "messages": [{"role": "user", "content": "Summarise: {{ input.ticket.body }}"}],
    },
)
